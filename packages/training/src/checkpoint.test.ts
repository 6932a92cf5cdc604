import { closeSync, copyFileSync, existsSync, fstatSync, mkdtempSync, openSync, readdirSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AdamW } from './adamw.js';
import {
  CHECKPOINTS_DIR,
  MANIFEST_FILE,
  checkpointDirectory,
  findLatestCheckpoint,
  pruneCheckpoints,
  readTrainerState,
  writeCheckpoint,
  type TrainerState,
} from './checkpoint.js';
import { resolveTrainingConfig } from './config.js';
import { CheckpointError } from './errors.js';
import { ToyMaskedLanguageModel } from './toy/toy-model.js';
import { FILE_LIMITS, sha256File } from '@ufbert/tensor/node';

const config = resolveTrainingConfig({ budget: { steps: 10 } });
const state = (step: number): TrainerState => ({
  step,
  elapsedMs: step * 1000,
  tokens: step * 64,
  data: { position: { epoch: 0, offset: step }, maskingRng: { s: [1, 2, 3, 4], spareNormal: null } },
  dataFingerprint: 'abcd1234',
});

describe('checkpoints', () => {
  const model = ToyMaskedLanguageModel.create({ vocabSize: 12, hiddenSize: 4 });
  const optimizer = new AdamW(model.namedParameters());

  it('write every file, the manifest last with the files and sizes, and are found newest first', async () => {
    const out = mkdtempSync(join(tmpdir(), 'ufbert-ckpt-'));
    await writeCheckpoint(out, { model, optimizer, state: state(5), config });
    const written = await writeCheckpoint(out, { model, optimizer, state: state(10), config });
    expect(written.dir).toBe(checkpointDirectory(out, 10));
    expect(written.dir.endsWith(join(CHECKPOINTS_DIR, 'step-00000010'))).toBe(true);
    expect(readdirSync(written.dir).sort()).toEqual([
      'checkpoint.json',
      'model.safetensors',
      'model_config.json',
      'optimizer.safetensors',
      'trainer-state.json',
    ]);
    expect(written.manifest.files.map((f) => f.name)).toEqual(['model.safetensors', 'model_config.json', 'optimizer.safetensors', 'trainer-state.json']);
    expect(written.manifest.files.every((f) => /^[0-9a-f]{64}$/.test(f.sha256))).toBe(true);
    expect(written.manifest.modelConfig).toEqual({ vocabSize: 12, hiddenSize: 4, seed: 0 });
    const latest = await findLatestCheckpoint(out);
    expect(latest?.manifest.step).toBe(10);
    expect(await readTrainerState(latest!)).toEqual(state(10));
  });

  it('skip a folder without its manifest (a write cut short) and prune it', async () => {
    const out = mkdtempSync(join(tmpdir(), 'ufbert-ckpt-'));
    await writeCheckpoint(out, { model, optimizer, state: state(3), config });
    await writeCheckpoint(out, { model, optimizer, state: state(6), config });
    const torn = await writeCheckpoint(out, { model, optimizer, state: state(9), config });
    rmSync(join(torn.dir, MANIFEST_FILE));
    expect((await findLatestCheckpoint(out))?.manifest.step).toBe(6);
    await pruneCheckpoints(out, 1);
    expect(readdirSync(join(out, CHECKPOINTS_DIR))).toEqual(['step-00000006']);
    expect(existsSync(torn.dir)).toBe(false);
  });

  it('refuse a checkpoint whose files do not match the manifest', async () => {
    const out = mkdtempSync(join(tmpdir(), 'ufbert-ckpt-'));
    const written = await writeCheckpoint(out, { model, optimizer, state: state(2), config });
    writeFileSync(join(written.dir, 'optimizer.safetensors'), 'truncated');
    await expect(findLatestCheckpoint(out)).rejects.toThrow(CheckpointError);
    await expect(findLatestCheckpoint(out)).rejects.toThrow(/optimizer.safetensors: expected \d+ bytes as the manifest records, got 9/);
    expect(await findLatestCheckpoint(mkdtempSync(join(tmpdir(), 'ufbert-ckpt-')))).toBeUndefined();
  });

  it('refuse a file corrupted in place at the same size, and fall back to the newest intact one', async () => {
    const out = mkdtempSync(join(tmpdir(), 'ufbert-ckpt-'));
    await writeCheckpoint(out, { model, optimizer, state: state(4), config });
    const newest = await writeCheckpoint(out, { model, optimizer, state: state(8), config });
    corruptInPlace(join(newest.dir, 'model.safetensors'));
    const corrupt: string[] = [];
    const found = await findLatestCheckpoint(out, { onCorrupt: ({ dir, error }) => corrupt.push(`${dir}: ${error.message}`) });
    expect(found?.manifest.step).toBe(4);
    expect(corrupt).toEqual([
      expect.stringMatching(
        /step-00000008: .*model\.safetensors: contents changed since the checkpoint was written \(SHA-256 [0-9a-f]{64}, the manifest records [0-9a-f]{64}\)/,
      ),
    ]);
    rmSync(checkpointDirectory(out, 4), { recursive: true });
    await expect(findLatestCheckpoint(out)).rejects.toThrow(/model\.safetensors: contents changed/);
  });

  it('refuse weights whose own header names another step, even in a manifest rewritten around them', async () => {
    const out = mkdtempSync(join(tmpdir(), 'ufbert-ckpt-'));
    const older = await writeCheckpoint(out, { model, optimizer, state: state(3), config });
    const newer = await writeCheckpoint(out, { model, optimizer, state: state(6), config });
    const weights = newer.manifest.files.find((f) => f.name.endsWith('.safetensors') && f.name !== 'optimizer.safetensors')!.name;
    copyFileSync(join(older.dir, weights), join(newer.dir, weights));
    const files = await Promise.all(
      newer.manifest.files.map(async (f) =>
        f.name === weights
          ? { ...f, bytes: statSync(join(newer.dir, weights)).size, sha256: await sha256File(join(newer.dir, weights), { maxBytes: FILE_LIMITS.weights }) }
          : f,
      ),
    );
    writeFileSync(join(newer.dir, MANIFEST_FILE), JSON.stringify({ ...newer.manifest, files }));
    const corrupt: string[] = [];
    const found = await findLatestCheckpoint(out, { onCorrupt: ({ error }) => corrupt.push(error.message) });
    expect(found?.manifest.step).toBe(3);
    expect(corrupt).toEqual([expect.stringMatching(new RegExp(`${weights}: its header says step 3, the manifest step 6`))]);
  });

  it('refuse a manifest without checksums (version 1)', async () => {
    const out = mkdtempSync(join(tmpdir(), 'ufbert-ckpt-'));
    const written = await writeCheckpoint(out, { model, optimizer, state: state(1), config });
    writeFileSync(
      join(written.dir, MANIFEST_FILE),
      JSON.stringify({ ...written.manifest, version: 1, files: written.manifest.files.map(({ name, bytes }) => ({ name, bytes })) }),
    );
    await expect(findLatestCheckpoint(out)).rejects.toThrow(
      /expected a ufbert-training-checkpoint manifest, version 2, listing each file's name, bytes and sha256/,
    );
  });
});

/** Overwrites up to 4,000 bytes past the file's first 100 with 0xFF, keeping its size. */
function corruptInPlace(path: string): void {
  const fd = openSync(path, 'r+');
  const size = fstatSync(fd).size;
  const count = Math.min(4000, size - 100);
  writeSync(fd, Buffer.alloc(count, 0xff), 0, count, 100);
  closeSync(fd);
}
