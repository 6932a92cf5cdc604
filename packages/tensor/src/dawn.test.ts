import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '@ufbert/test-utils/built-package';
import { DAWN_PACKAGE, DAWN_RANGE, loadDawn } from './dawn.js';
import { BackendUnavailableError, MissingOptionalPackageError } from './errors.js';

const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const manifest = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8'));

// Resolve hooks that make `webgpu` missing, as in a user's project that did not add it.
const HIDE_DAWN = `data:text/javascript,${encodeURIComponent(`
export async function resolve(specifier, context, next) {
  if (specifier !== 'webgpu') return next(specifier, context);
  const err = new Error("Cannot find package 'webgpu' imported from " + context.parentURL);
  err.code = 'ERR_MODULE_NOT_FOUND';
  throw err;
}`)}`;

// The built package as a user imports it, without Dawn.
const SCRIPT = `
import { register } from 'node:module';
register(${JSON.stringify(HIDE_DAWN)});
const { setBackend, tf, MissingOptionalPackageError } = await import('@ufbert/tensor');
const result = {};
result.cpu = await setBackend('cpu');
result.sum = tf.sum(tf.tensor([1, 2, 3])).dataSync()[0];
try {
  await setBackend('webgpu');
} catch (err) {
  result.webgpu = { typed: err instanceof MissingOptionalPackageError, install: err.install, message: err.message };
}
const warn = console.warn;
console.warn = (message) => { result.autoWarning = message; };
result.auto = await setBackend('auto');
console.warn = warn;
console.log(JSON.stringify(result));
`;

describe('Dawn (the webgpu package) as an optional peer dependency', () => {
  it('is declared as an optional peer at the range the missing-package error names', () => {
    expect(manifest.peerDependencies[DAWN_PACKAGE]).toBe(DAWN_RANGE);
    expect(manifest.peerDependenciesMeta[DAWN_PACKAGE]).toEqual({ optional: true });
    expect(manifest.dependencies?.[DAWN_PACKAGE]).toBeUndefined();
    expect(manifest.optionalDependencies?.[DAWN_PACKAGE]).toBeUndefined();
  });

  it('loads where it is installed (here, a devDependency)', async () => {
    const dawn = await loadDawn();
    expect(typeof dawn.create).toBe('function');
  });

  it('throws a typed error saying what to install when the package is absent', async () => {
    const missing = loadDawn('ufbert-test-no-such-dawn');
    await expect(missing).rejects.toBeInstanceOf(MissingOptionalPackageError);
    await expect(missing).rejects.toBeInstanceOf(BackendUnavailableError);
    await expect(missing).rejects.toMatchObject({ install: `ufbert-test-no-such-dawn@${DAWN_RANGE}` });
    await expect(missing).rejects.toThrow(
      /not installed; add it next to @ufbert\/tensor \(npm install ufbert-test-no-such-dawn@\^0\.6\.2, or pnpm add ufbert-test-no-such-dawn@\^0\.6\.2\)/,
    );
  });

  describe('in a project without it', () => {
    beforeAll(() => ensureBuilt(PACKAGE_ROOT));

    it('imports and runs on cpu; webgpu fails saying what to install; auto falls back to wasm', () => {
      const child = spawnSync(process.execPath, ['--input-type=module', '-e', SCRIPT], { cwd: PACKAGE_ROOT, encoding: 'utf8', timeout: 120_000 });
      expect(child.stderr).not.toMatch(/Error/);
      expect(child.status).toBe(0);
      const result = JSON.parse(child.stdout.trim().split('\n').pop()!);
      expect(result).toMatchObject({ cpu: 'cpu', sum: 6, auto: 'wasm', webgpu: { typed: true, install: `webgpu@${DAWN_RANGE}` } });
      expect(result.webgpu.message).toMatch(/the optional 'webgpu' package, which is not installed/);
      expect(result.autoWarning).toMatch(/backend auto chose wasm \(webgpu unavailable: webgpu: WebGPU in Node runs on Dawn/);
    });
  });
});
