import { createHash } from 'node:crypto';
import { join } from 'node:path';
import {
  ensureFolder,
  FILE_LIMITS,
  FileLayerError,
  folderEntries,
  movePath,
  openSafetensorsFile,
  pathKind,
  readJson,
  regularFileSize,
  removePath,
  sha256File,
  writeJsonAtomic,
} from '@ufbert/tensor/node';
import type { AdamW } from './adamw.js';
import { saveOptimizerState } from './optimizer-file.js';
import type { BatchStreamState } from './batch-stream.js';
import type { TrainingConfig } from './config.js';
import { CheckpointError } from './errors.js';
import type { MaskedLanguageModel } from './model.js';

/** Checkpoints live in `<outputDir>/checkpoints/step-<8 digits>/`. */
export const CHECKPOINTS_DIR = 'checkpoints';
/** Written last: a checkpoint folder without it is incomplete and never resumed from. */
export const MANIFEST_FILE = 'checkpoint.json';
export const OPTIMIZER_FILE = 'optimizer.safetensors';
export const TRAINER_STATE_FILE = 'trainer-state.json';
const FORMAT = 'ufbert-training-checkpoint';
const STEP_DIR = /^step-(\d{8,})$/;

/** The trainer's own state: with the model and optimiser files, all a resume needs. */
export interface TrainerState {
  step: number;
  /** Milliseconds of training so far, across resumes. */
  elapsedMs: number;
  /** Non-padding tokens trained on so far. */
  tokens: number;
  data: BatchStreamState;
  /** The model's getRandomState(), when it has one. */
  modelRandomState?: unknown;
  /** fingerprintSequences of the training split; a resume on other data is refused. */
  dataFingerprint: string;
}

/** One file of a checkpoint as the manifest records it. */
export interface CheckpointFile {
  name: string;
  bytes: number;
  /** Hex SHA-256 of the contents: a same-size corruption changes it. */
  sha256: string;
}

export interface CheckpointManifest {
  format: typeof FORMAT;
  /** 2 adds the SHA-256 of each file; version 1 manifests (sizes only) are no longer trusted. */
  version: 2;
  step: number;
  createdAt: string;
  config: TrainingConfig;
  modelConfig: unknown;
  /** Every other file of the checkpoint with its size and SHA-256, checked before resuming. */
  files: CheckpointFile[];
}

export interface Checkpoint {
  dir: string;
  manifest: CheckpointManifest;
}

export function checkpointDirectory(outputDir: string, step: number): string {
  return join(outputDir, CHECKPOINTS_DIR, `step-${String(step).padStart(8, '0')}`);
}

export interface CheckpointContents {
  model: MaskedLanguageModel;
  optimizer: AdamW;
  state: TrainerState;
  config: TrainingConfig;
}

/**
 * Writes a complete checkpoint into its own step folder: the model's files, the optimiser
 * state, the trainer state, then the manifest. Each file is written atomically, and the
 * manifest last, so a run killed at any moment leaves the previous checkpoint intact and
 * this one visibly incomplete.
 */
export async function writeCheckpoint(outputDir: string, contents: CheckpointContents): Promise<Checkpoint> {
  const { model, optimizer, state, config } = contents;
  const dir = checkpointDirectory(outputDir, state.step);
  const fail = (message: string): CheckpointError => new CheckpointError(message);
  await removePath(dir);
  await ensureFolder(dir, { what: 'checkpoint folder', fail });
  await model.saveCheckpoint(dir, { [STEP_METADATA]: String(state.step), [CONFIG_METADATA]: configHash(config, model.config ?? null) });
  await saveOptimizerState(optimizer, join(dir, OPTIMIZER_FILE));
  await writeJsonAtomic(join(dir, TRAINER_STATE_FILE), state);
  const files: CheckpointFile[] = [];
  for (const name of folderEntries(dir, [MANIFEST_FILE])) {
    const path = join(dir, name);
    const bytes = await readBytesOf(path);
    files.push({ name, bytes, sha256: await sha256File(path, { what: 'checkpoint file', maxBytes: FILE_LIMITS.weights, fail }) });
  }
  const manifest: CheckpointManifest = {
    format: FORMAT,
    version: 2,
    step: state.step,
    createdAt: new Date().toISOString(),
    config,
    modelConfig: model.config ?? null,
    files,
  };
  await writeJsonAtomic(join(dir, MANIFEST_FILE), manifest);
  return { dir, manifest };
}

/** The size of a checkpoint file (a regular file; -1 when missing), without reading it. */
async function readBytesOf(path: string): Promise<number> {
  try {
    return regularFileSize(path, 'checkpoint file', (message, reason) =>
      reason === 'missing' ? new FileLayerError(path, reason, message) : new CheckpointError(message),
    );
  } catch (error) {
    if (error instanceof FileLayerError && error.reason === 'missing') return -1;
    throw error;
  }
}

/** Keys of the weights file's own header that tie it to its checkpoint, checked against the manifest on resume. */
const STEP_METADATA = 'ufbert.step';
const CONFIG_METADATA = 'ufbert.config_sha256';

/** SHA-256 of the training and model configs as the manifest records them. */
function configHash(config: TrainingConfig, modelConfig: unknown): string {
  return createHash('sha256').update(JSON.stringify({ config, modelConfig })).digest('hex');
}

const isHex64 = (value: unknown): boolean => typeof value === 'string' && /^[0-9a-f]{64}$/.test(value);

/**
 * The manifest of a step folder, or undefined when it has none (a write cut short).
 * Throws CheckpointError when the manifest is malformed or any file it lists is missing,
 * of another size or of other contents.
 */
async function readManifest(dir: string): Promise<CheckpointManifest | undefined> {
  const path = join(dir, MANIFEST_FILE);
  if (pathKind(path) === 'missing') return undefined;
  const manifest = (await readJson(path, {
    what: 'checkpoint manifest',
    maxBytes: FILE_LIMITS.json,
    fail: (message) => new CheckpointError(message),
  })) as CheckpointManifest;
  const files: unknown = manifest?.files;
  if (
    manifest?.format !== FORMAT ||
    manifest.version !== 2 ||
    !Number.isInteger(manifest.step) ||
    !Array.isArray(files) ||
    !files.every((f: Partial<CheckpointFile>) => typeof f?.name === 'string' && Number.isSafeInteger(f.bytes) && isHex64(f.sha256))
  ) {
    throw new CheckpointError(`${path}: expected a ${FORMAT} manifest, version 2, listing each file's name, bytes and sha256`);
  }
  for (const { name, bytes, sha256 } of manifest.files) {
    const file = join(dir, name);
    const size = await readBytesOf(file);
    if (size !== bytes)
      throw new CheckpointError(`${file}: expected ${bytes} bytes as the manifest records, ${size < 0 ? 'the file is missing' : `got ${size}`}`);
    const actual = await sha256File(file, { what: 'checkpoint file', maxBytes: FILE_LIMITS.weights, fail: (message) => new CheckpointError(message) });
    if (actual !== sha256)
      throw new CheckpointError(`${file}: contents changed since the checkpoint was written (SHA-256 ${actual}, the manifest records ${sha256})`);
    if (name.endsWith('.safetensors')) {
      // The weights carry their step and config hash in their own header: a file from another step or run is refused even where a manifest was rewritten around it.
      const opened = await openSafetensorsFile(file);
      const { metadata } = opened;
      opened.close();
      const expectedHash = configHash(manifest.config, manifest.modelConfig);
      if (STEP_METADATA in metadata && metadata[STEP_METADATA] !== String(manifest.step)) {
        throw new CheckpointError(`${file}: its header says step ${metadata[STEP_METADATA]}, the manifest step ${manifest.step}`);
      }
      if (CONFIG_METADATA in metadata && metadata[CONFIG_METADATA] !== expectedHash) {
        throw new CheckpointError(
          `${file}: written for another config (header ${metadata[CONFIG_METADATA].slice(0, 12)}..., manifest ${expectedHash.slice(0, 12)}...)`,
        );
      }
    }
  }
  return manifest;
}

/** Step folders under `<outputDir>/checkpoints`, newest first. */
async function stepDirectories(outputDir: string): Promise<{ dir: string; step: number }[]> {
  const root = join(outputDir, CHECKPOINTS_DIR);
  return folderEntries(root)
    .flatMap((name) => {
      const match = STEP_DIR.exec(name);
      return match ? [{ dir: join(root, name), step: Number(match[1]) }] : [];
    })
    .sort((a, b) => b.step - a.step);
}

/** A checkpoint folder that failed verification, and why. */
export interface CorruptCheckpoint {
  dir: string;
  error: CheckpointError;
}

export interface FindCheckpointOptions {
  /** Called for each newer checkpoint that failed verification and was passed over. */
  onCorrupt?: (corrupt: CorruptCheckpoint) => void;
}

/**
 * The newest complete checkpoint of a run whose files all match their manifest, or
 * undefined when there is no complete checkpoint. Newer ones that fail verification are
 * passed over (and reported to onCorrupt); when every complete checkpoint fails, throws a
 * CheckpointError naming each.
 */
export async function findLatestCheckpoint(outputDir: string, options: FindCheckpointOptions = {}): Promise<Checkpoint | undefined> {
  const corrupt: CorruptCheckpoint[] = [];
  for (const { dir } of await stepDirectories(outputDir)) {
    let manifest: CheckpointManifest | undefined;
    try {
      manifest = await readManifest(dir);
    } catch (error) {
      if (!(error instanceof CheckpointError)) throw error;
      corrupt.push({ dir, error });
      options.onCorrupt?.({ dir, error });
      continue;
    }
    if (manifest) return { dir, manifest };
  }
  if (corrupt.length === 1) throw corrupt[0].error;
  if (corrupt.length)
    throw new CheckpointError(`no intact checkpoint in ${join(outputDir, CHECKPOINTS_DIR)}:\n${corrupt.map((c) => `  - ${c.error.message}`).join('\n')}`);
  return undefined;
}

/**
 * Renames a checkpoint that failed verification to `<dir>.corrupt`, out of the way of
 * resuming and pruning (which would otherwise count it as the newest complete one) but kept
 * for inspection. Returns the new name.
 */
export async function setAsideCorruptCheckpoint(dir: string): Promise<string> {
  const aside = `${dir}.corrupt`;
  await removePath(aside);
  await movePath(dir, aside);
  return aside;
}

export async function readTrainerState(checkpoint: Checkpoint): Promise<TrainerState> {
  const path = join(checkpoint.dir, TRAINER_STATE_FILE);
  try {
    return (await readJson(path, { what: 'trainer state', maxBytes: FILE_LIMITS.json })) as TrainerState;
  } catch (error) {
    throw new CheckpointError(`${path}: cannot be read: ${(error as Error).message}`);
  }
}

/** Deletes incomplete step folders and all but the newest `keep` complete ones. */
export async function pruneCheckpoints(outputDir: string, keep: number): Promise<void> {
  let complete = 0;
  for (const { dir } of await stepDirectories(outputDir)) {
    const isComplete = pathKind(join(dir, MANIFEST_FILE)) !== 'missing';
    if (isComplete && complete++ < keep) continue;
    await removePath(dir);
  }
}

/** Whether the output folder already holds checkpoints (complete or not). */
export async function hasCheckpoints(outputDir: string): Promise<boolean> {
  return (await stepDirectories(outputDir)).length > 0;
}
