import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setBackend } from '@ufbert/tensor';
import { writeTinyModels } from './test-utils/tiny-models.js';
import { OnnxEncoderSession } from '@ufbert/onnx/node';

const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli.js');
const work = mkdtempSync(join(tmpdir(), 'ufbert-cli-'));
let mlmDir: string;
let clsDir: string;

const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });

beforeAll(async () => {
  await setBackend('cpu');
  ({ mlmDir, clsDir } = await writeTinyModels(work));
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('ufbert CLI (built dist/cli.js)', () => {
  it('fills a mask on onnxruntime by default, as tfjs does, and says which runtime ran', () => {
    const onnx = run('fill-mask', '--model', mlmDir, '--top-k', '3', '--json', '--threads', '1', 'the capital of [MASK] is paris.');
    expect(onnx.status, onnx.stderr).toBe(0);
    expect(onnx.stderr).toMatch(/ufbert: running on onnxruntime-node \(1 thread/);
    const tfjs = run('fill-mask', '--model', mlmDir, '--top-k', '3', '--json', '--runtime', 'tfjs', '--device', 'cpu', 'the capital of [MASK] is paris.');
    expect(tfjs.status, tfjs.stderr).toBe(0);
    // --device cpu means what it says: the FFF blocks run the TypeScript kernel, not WASM.
    expect(tfjs.stderr).toMatch(/ufbert: running on tfjs \(cpu; FFF kernel ConditionalMatmul\/ts\/fused\)/);
    const levelTwo = run(
      'fill-mask',
      '--model',
      mlmDir,
      '--top-k',
      '3',
      '--json',
      '--runtime',
      'tfjs',
      '--device',
      'cpu',
      '--kernel',
      'ts/2',
      'the capital of [MASK] is paris.',
    );
    expect(levelTwo.stderr).toMatch(/FFF kernel ConditionalMatmul\/ts\/2\)/);
    expect(JSON.parse(levelTwo.stdout).map((c: { token: number }) => c.token)).toEqual(JSON.parse(tfjs.stdout).map((c: { token: number }) => c.token));
    const [a, b] = [JSON.parse(onnx.stdout), JSON.parse(tfjs.stdout)];
    expect(a).toHaveLength(3);
    expect(Object.keys(a[0]).sort()).toEqual(['score', 'sequence', 'token', 'token_str']);
    expect(a.map((c: { token: number }) => c.token)).toEqual(b.map((c: { token: number }) => c.token));
    const text = run('fill-mask', '--model', mlmDir, '--top-k', '2', 'the capital of [MASK] is paris.');
    const lines = text.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^ {2}\d\.\d{4} {2}\S+ +the capital of.* is paris\.$/);
  });

  it('runs a batch sequence-parallel (a worker per thread) with the results of one session', () => {
    const texts = ['the capital of [MASK] is paris.', 'rome is the [MASK] of italy.', 'a river runs through [MASK].'];
    const intra = run('fill-mask', '--model', mlmDir, '--top-k', '3', '--json', '--threads', '2', ...texts);
    const parallel = run('fill-mask', '--model', mlmDir, '--top-k', '3', '--json', '--threads', '2', '--parallelism', 'sequences', ...texts);
    expect(parallel.status, parallel.stderr).toBe(0);
    expect(parallel.stderr).toMatch(/ufbert: running on onnxruntime-node \(2 workers x 1 thread, sequence-parallel/);
    const [a, b] = [JSON.parse(intra.stdout), JSON.parse(parallel.stdout)];
    expect(b.map((r: Array<{ token: number }>) => r.map((c) => c.token))).toEqual(a.map((r: Array<{ token: number }>) => r.map((c) => c.token)));
    b.flat().forEach((c: { score: number }, i: number) => expect(c.score).toBeCloseTo(a.flat()[i].score, 5));
  });

  it('runs --dtype q8 with the fp32 candidates, says which dtype ran, and exports a q8 file', async () => {
    const texts = ['the capital of [MASK] is paris.', 'rome is the [MASK] of italy.'];
    const fp32 = run('fill-mask', '--model', mlmDir, '--top-k', '1', '--json', '--threads', '1', ...texts);
    const q8 = run('fill-mask', '--model', mlmDir, '--top-k', '1', '--json', '--threads', '1', '--dtype', 'q8', ...texts);
    expect(q8.status, q8.stderr).toBe(0);
    expect(fp32.stderr).toMatch(/ufbert: running on onnxruntime-node \(1 thread, graph optimisation all, fp32\)\n/);
    expect(q8.stderr).toMatch(/ufbert: running on onnxruntime-node \(1 thread, graph optimisation all, q8\)\n/);
    const top = (out: string) => JSON.parse(out).map((r: Array<{ token: number }>) => r[0].token);
    expect(top(q8.stdout)).toEqual(top(fp32.stdout));
    expect(run('embed', '--model', mlmDir, '--dtype', 'q8', 'paris').stderr).toMatch(/, q8\)\n/);
    expect(run('classify', '--model', clsDir, '--runtime', 'tfjs', '--dtype', 'fp32', 'a text').stderr).toMatch(/running on tfjs .*, dtype fp32\n/);
    const file = join(work, 'model-q8.onnx');
    const exported = run('export', '--format', 'onnx', '--model', mlmDir, '--out', file, '--dtype', 'q8');
    expect(exported.status, exported.stderr).toBe(0);
    expect(exported.stdout).toMatch(/^ufbert: wrote .*model-q8\.onnx \(q8, \d+\.\d MiB\)/);
    // The int8 graph: onnxruntime's dynamic quantization ops, which the fp32 export has none of.
    const bytes = readFileSync(file).toString('latin1');
    expect(bytes).toContain('DynamicQuantizeLinear');
    expect(bytes).toContain('MatMulInteger');
    const session = await OnnxEncoderSession.create(file, { threads: 1 });
    await session.release();
  });

  it('refuses a --dtype other than fp32 or q8 as usage (exit 2, naming both), and q8 on tfjs with the typed error', () => {
    for (const dtype of ['bogus', 'toString', '__proto__']) {
      const out = run('fill-mask', '--model', mlmDir, '--dtype', dtype, 'a [MASK]');
      expect(out.status, dtype).toBe(2);
      expect(out.stderr).toContain(`ufbert: --dtype must be one of fp32, q8, got '${dtype}'`);
    }
    expect(run('export', '--format', 'onnx', '--model', mlmDir, '--out', join(work, 'x.onnx'), '--dtype', 'q4').status).toBe(2);
    const folder = run('export', '--format', 'onnx', '--model', mlmDir, '--out', join(work, 'hf-q8'), '--dtype', 'q8');
    expect(folder.status).toBe(2);
    expect(folder.stderr).toMatch(/--dtype applies to --out FILE\.onnx; the transformers\.js layout holds both/);
    expect(run('routes', '--model', mlmDir, '--dtype', 'q8', 'paris').status).toBe(2);
    const tfjs = run('fill-mask', '--model', mlmDir, '--runtime', 'tfjs', '--dtype', 'q8', 'a [MASK]');
    expect(tfjs.status).toBe(1);
    expect(tfjs.stderr).toMatch(/^ufbert: PipelineError: dtype 'q8' runs on onnxruntime \(the int8 export\); the tfjs runtime runs fp32 weights only/);
  });

  it('classifies a pair and embeds texts', () => {
    const json = JSON.parse(
      execFileSync(process.execPath, [cli, 'classify', '--model', clsDir, '--json', 'a text', '--pair', 'b text'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }),
    );
    expect(json).toHaveLength(1);
    expect(['negative', 'neutral', 'positive']).toContain(json[0].label); // the names in the folder's config.json
    const all = JSON.parse(
      execFileSync(process.execPath, [cli, 'classify', '--model', clsDir, '--json', '--top-k', 'all', '--labels', 'neg,mid,pos', 'a text'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }),
    );
    expect(all.map((s: { label: string }) => s.label).sort()).toEqual(['mid', 'neg', 'pos']);
    // Pooled as feature-extraction pools by default (transformers.js's `none`): every token's vector, padded to the longest TEXT.
    const tokens = JSON.parse(
      execFileSync(process.execPath, [cli, 'embed', '--model', mlmDir, 'paris', 'rome is old'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
    );
    expect(tokens.map((t: number[][]) => t.map((v) => v.length))).toEqual([new Array(5).fill(32), new Array(5).fill(32)]);
    const vectors = JSON.parse(
      execFileSync(process.execPath, [cli, 'embed', '--model', mlmDir, '--pooling', 'mean', 'paris', 'rome is old'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }),
    );
    expect(vectors.map((v: number[]) => v.length)).toEqual([32, 32]);
  });

  it('exports an ONNX file and a transformers.js folder', async () => {
    const file = join(work, 'model.onnx');
    const exported = run('export', '--format', 'onnx', '--model', mlmDir, '--out', file, '--head', 'selected');
    expect(exported.status, exported.stderr).toBe(0);
    const session = await OnnxEncoderSession.create(file, { threads: 1 });
    expect(session.selectsPositions).toBe(true);
    await session.release();
    const folder = join(work, 'hf');
    expect(run('export', '--format', 'onnx', '--model', mlmDir, '--out', folder).status).toBe(0);
    expect(existsSync(join(folder, 'onnx', 'model.onnx'))).toBe(true);
    expect(existsSync(join(folder, 'onnx', 'model_quantized.onnx'))).toBe(true);
    expect(JSON.parse(readFileSync(join(folder, 'tokenizer_config.json'), 'utf8')).mask_token).toBe('[MASK]');
  });

  it("prints each token's path through every FFF tree, whose turns follow the signs of the visited nodes' logits", () => {
    const out = run('routes', '--model', mlmDir, '--json', 'the capital of france');
    expect(out.status, out.stderr).toBe(0);
    const tokens = JSON.parse(out.stdout) as Array<{ token: string; layers: Array<Array<{ nodes: number[]; path: string; logits: number[] }>> }>;
    expect(tokens.map((t) => t.token)).toEqual(['[CLS]', 'the', 'capital', 'of', 'france', '[SEP]']);
    for (const { layers } of tokens) {
      expect(layers).toHaveLength(2);
      for (const trees of layers) {
        expect(trees).toHaveLength(2);
        for (const { nodes, path, logits } of trees) {
          expect(nodes).toHaveLength(4);
          expect(nodes[0]).toBe(0);
          for (let level = 0; level < 3; level++) {
            expect(path[level]).toBe(logits[level] > 0 ? 'R' : 'L');
            expect(nodes[level + 1]).toBe(2 * nodes[level] + (path[level] === 'R' ? 2 : 1));
          }
        }
      }
    }
    const text = run('routes', '--model', mlmDir, 'paris');
    expect(text.stdout).toMatch(/^\[CLS\]\n {2}layer 0 tree 0 {2}[LR]{3} {2}nodes 0 \d+ \d+ \d+ {2}logits /);
    expect(run('routes', '--model', mlmDir, '--top-k', '2', 'paris').status).toBe(2);
  });

  it("prints each command's own help (its options only) and answers a misused command with that help", () => {
    const routes = run('routes', '--help');
    expect(routes.status).toBe(0);
    expect(routes.stdout).toMatch(/^usage: ufbert routes --model MODEL /);
    expect(routes.stdout).toMatch(/\n {2}--revision REV +a hub id/);
    expect(routes.stdout).toMatch(/\n {2}--device D +tfjs: cpu, wasm, webgpu or auto\n/);
    expect(routes.stdout).not.toContain('--top-k');
    const exported = run('export', '-h');
    expect(exported.stdout).toMatch(/^usage: ufbert export --format onnx /);
    expect(exported.stdout).toContain('--head H');
    expect(exported.stdout).not.toContain('--runtime');
    const overview = run('--help');
    for (const command of ['fill-mask', 'classify', 'embed', 'export', 'routes']) expect(overview.stdout).toMatch(new RegExp(`\n {2}${command} +[A-Z]`));
    expect(overview.stdout).toContain('ufbert <command> --help');
    const misused = run('routes', '--model', mlmDir, '--top-k', '2', 'paris');
    expect(misused.status).toBe(2);
    expect(misused.stderr).toMatch(/^ufbert: Unknown option '--top-k'[\s\S]*\n\nusage: ufbert routes /);
    const late = run('classify', '--model', mlmDir, '--pair', 'b', 'a', 'c');
    expect(late.status).toBe(2);
    expect(late.stderr).toMatch(/^ufbert: --pair takes exactly one TEXT\n\nusage: ufbert classify /);
  });

  it('prints its version and help (exit 0), exits 2 on usage errors and 1 with the typed error on bad input', () => {
    const manifest = JSON.parse(readFileSync(join(dirname(cli), '..', 'package.json'), 'utf8'));
    expect(run('--version').stdout.trim()).toBe(manifest.version);
    const help = run('fill-mask', '--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/usage:/);
    for (const args of [
      ['fill-mask', 'text'],
      ['fill-mask', '--model', mlmDir, '--runtime', 'nonsense', 'a [MASK]'],
      ['fill-mask', '--model', mlmDir, '--device', 'gpu', 'a [MASK]'],
      ['fill-mask', '--model', mlmDir, '--pooling', 'cls', 'a [MASK]'],
      ['fill-mask', '--model', mlmDir, '--threads', '0', 'a [MASK]'],
      ['fill-mask', '--model', mlmDir, '--parallelism', 'batches', 'a [MASK]'],
      ['fill-mask', '--model', mlmDir, '--runtime', 'tfjs', '--parallelism', 'sequences', 'a [MASK]'],
      ['export', '--model', mlmDir, '--out', join(work, 'x.onnx')],
      ['export', '--format', 'onnx', '--model', mlmDir, '--out', join(work, 'x.onnx'), '--head', 'some'],
      ['export', '--format', 'onnx', '--model', mlmDir, '--out', join(work, 'x.onnx'), '--top-k', '3'],
      ['fill-mask', '--model', mlmDir, '--head', 'selected', 'a [MASK]'],
      ['fill-mask', '--model', mlmDir, '--top-k', '0x2', 'a [MASK]'],
      ['fill-mask', '--model', mlmDir, '--runtime', 'tfjs', '--fff-dense-levels', '2', 'a [MASK]'],
      ['fill-mask', '--model', mlmDir, '--kernel', 'ts', 'a [MASK]'],
      ['fill-mask', '--model', mlmDir, '--runtime', 'tfjs', '--kernel', 'ts/1/2', 'a [MASK]'],
      ['nonsense'],
    ]) {
      const usage = run(...args);
      expect(usage.status, args.join(' ')).toBe(2);
      expect(usage.stderr).toMatch(/usage:/);
    }
    const failed = run('fill-mask', '--model', mlmDir, 'no mask');
    expect(failed.status).toBe(1);
    expect(failed.stderr).toMatch(/ufbert: PipelineError: expected \[MASK\] within/);
    const missing = run('export', '--format', 'onnx', '--model', mlmDir, '--out', join(work, 'no-such-folder', 'x.onnx'));
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(
      /OnnxExportError: .*no-such-folder\/x\.onnx: cannot create a temporary file for the ONNX export file: no such file or folder \(ENOENT\)/,
    );
  });

  it('prints an expected failure without a stack (--debug adds it), quoting a long input as a short excerpt', () => {
    const failed = run('fill-mask', '--model', mlmDir, '--runtime', 'tfjs', 'no mask');
    expect(failed.stderr).not.toMatch(/\n\s+at /);
    const debug = run('fill-mask', '--debug', '--model', mlmDir, '--runtime', 'tfjs', 'no mask');
    expect(debug.status).toBe(1);
    expect(debug.stderr).toMatch(/PipelineError: expected \[MASK\] within[\s\S]*\n\s+at /);
    const long = run('fill-mask', '--model', mlmDir, '--runtime', 'tfjs', '--no-truncate', `${'paris '.repeat(20_000)}[MASK]`);
    expect(long.status).toBe(1);
    expect(long.stderr).toMatch(/is \d+ tokens, more than the model's window of 32/);
    expect(long.stderr.length).toBeLessThan(1000);
    const cut = run('fill-mask', '--model', mlmDir, '--runtime', 'tfjs', `[MASK] ${'paris '.repeat(100)}`);
    expect(cut.status, cut.stderr).toBe(0);
  }, 180_000);
});
