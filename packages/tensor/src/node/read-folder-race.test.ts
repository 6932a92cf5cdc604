import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '@ufbert/test-utils/built-package';
import { readFolderSnapshot } from './read-folder.js';

const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const WRITER = join(PACKAGE_ROOT, 'src', 'node', 'test-utils', 'folder-writer.mjs');
const dir = mkdtempSync(join(tmpdir(), 'ufbert-folder-race-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(() => ensureBuilt(PACKAGE_ROOT), 120_000);

describe('readFolderSnapshot while another process replaces the folder in a loop', () => {
  it('reads exactly one written version every time, never a mix', async () => {
    const folder = join(dir, 'model');
    const writer = spawn(process.execPath, [WRITER, folder], { stdio: ['ignore', 'pipe', 'inherit'] });
    const counts = { a: 0, b: 0 };
    try {
      await new Promise<void>((resolve) => createInterface({ input: writer.stdout }).once('line', () => resolve()));
      const until = performance.now() + 3000;
      while (performance.now() < until) {
        const { files } = await readFolderSnapshot(folder, ['config.json', 'weights.bin'], { maxBytes: 1 << 20 });
        const version = (JSON.parse(new TextDecoder().decode(files['config.json'])) as { version: 'a' | 'b' }).version;
        // Every byte of the weights must belong to the same version as the config.
        const code = version.charCodeAt(0);
        expect(files['weights.bin'].length).toBe(256 * 1024);
        expect(files['weights.bin'].every((byte) => byte === code)).toBe(true);
        counts[version]++;
      }
    } finally {
      writer.kill('SIGKILL');
    }
    // Both versions seen: the reader really did race the writer.
    expect(counts.a).toBeGreaterThan(0);
    expect(counts.b).toBeGreaterThan(0);
  }, 60_000);
});
