import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { AdamW } from './adamw.js';
import { writeJsonAtomic } from './atomic-file.js';
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

export interface CheckpointManifest {
  format: typeof FORMAT;
  version: 1;
  step: number;
  createdAt: string;
  config: TrainingConfig;
  modelConfig: unknown;
  /** Every other file of the checkpoint with its size, checked before resuming. */
  files: { name: string; bytes: number }[];
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
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await model.saveCheckpoint(dir);
  await optimizer.save(join(dir, OPTIMIZER_FILE));
  await writeJsonAtomic(join(dir, TRAINER_STATE_FILE), state);
  const files: CheckpointManifest['files'] = [];
  for (const name of (await readdir(dir)).sort()) {
    if (name === MANIFEST_FILE) continue;
    files.push({ name, bytes: (await stat(join(dir, name))).size });
  }
  const manifest: CheckpointManifest = { format: FORMAT, version: 1, step: state.step, createdAt: new Date().toISOString(), config, modelConfig: model.config ?? null, files };
  await writeJsonAtomic(join(dir, MANIFEST_FILE), manifest);
  return { dir, manifest };
}

async function readManifest(dir: string): Promise<CheckpointManifest | undefined> {
  const path = join(dir, MANIFEST_FILE);
  if (!existsSync(path)) return undefined;
  let manifest: CheckpointManifest;
  try {
    manifest = JSON.parse(await readFile(path, 'utf8')) as CheckpointManifest;
  } catch (error) {
    throw new CheckpointError(`${path}: not valid JSON: ${(error as Error).message}`);
  }
  if (manifest?.format !== FORMAT || manifest.version !== 1 || !Number.isInteger(manifest.step) || !Array.isArray(manifest.files)) {
    throw new CheckpointError(`${path}: expected a ${FORMAT} manifest, version 1`);
  }
  for (const { name, bytes } of manifest.files) {
    const file = join(dir, name);
    const size = existsSync(file) ? (await stat(file)).size : -1;
    if (size !== bytes) throw new CheckpointError(`${file}: expected ${bytes} bytes as the manifest records, ${size < 0 ? 'the file is missing' : `got ${size}`}`);
  }
  return manifest;
}

/** Step folders under `<outputDir>/checkpoints`, newest first. */
async function stepDirectories(outputDir: string): Promise<{ dir: string; step: number }[]> {
  const root = join(outputDir, CHECKPOINTS_DIR);
  if (!existsSync(root)) return [];
  return (await readdir(root))
    .flatMap((name) => {
      const match = STEP_DIR.exec(name);
      return match ? [{ dir: join(root, name), step: Number(match[1]) }] : [];
    })
    .sort((a, b) => b.step - a.step);
}

/** The newest complete checkpoint of a run, or undefined when there is none. */
export async function findLatestCheckpoint(outputDir: string): Promise<Checkpoint | undefined> {
  for (const { dir } of await stepDirectories(outputDir)) {
    const manifest = await readManifest(dir);
    if (manifest) return { dir, manifest };
  }
  return undefined;
}

export async function readTrainerState(checkpoint: Checkpoint): Promise<TrainerState> {
  const path = join(checkpoint.dir, TRAINER_STATE_FILE);
  try {
    return JSON.parse(await readFile(path, 'utf8')) as TrainerState;
  } catch (error) {
    throw new CheckpointError(`${path}: cannot be read: ${(error as Error).message}`);
  }
}

/** Deletes incomplete step folders and all but the newest `keep` complete ones. */
export async function pruneCheckpoints(outputDir: string, keep: number): Promise<void> {
  let complete = 0;
  for (const { dir } of await stepDirectories(outputDir)) {
    const isComplete = existsSync(join(dir, MANIFEST_FILE));
    if (isComplete && complete++ < keep) continue;
    await rm(dir, { recursive: true, force: true });
  }
}

/** Whether the output folder already holds checkpoints (complete or not). */
export async function hasCheckpoints(outputDir: string): Promise<boolean> {
  return (await stepDirectories(outputDir)).length > 0;
}
