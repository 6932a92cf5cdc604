import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile, cp, lstat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { relativeError, toFloat32 } from '@ufbert/tensor';
import { readSafetensorsFile } from '@ufbert/tensor/node';
import { CheckpointError, type CrammedBertModel } from '@ufbert/crammed-bert';
import { loadModel } from '@ufbert/crammed-bert/node';
import { exportOnnx, exportOnnxFromCheckpoint } from './export.js';
import { onnxModelBytes } from '../onnx-model-bytes.js';
import { OnnxEncoderSession } from './session.js';
import { runOnnxModelParity } from './parity.js';
import { OnnxExportError, OnnxRuntimeError } from '../errors.js';
import { FIXTURES } from '../../../../fixtures/index.js';
import { ensureBuilt } from '@ufbert/test-utils/built-package';

describe('reference fixtures through onnxruntime', () => {
  for (const graphOptimization of ['all', 'disabled'] as const) {
    it(`match hidden states and logits within 1e-4, and route every token as tfjs does, with graph optimisation ${graphOptimization}`, async () => {
      const seen: string[] = [];
      await runOnnxModelParity(FIXTURES, {
        graphOptimization,
        threads: 1,
        report: (name, tensor, err) => {
          seen.push(`${name} ${tensor}`);
          if (tensor.startsWith('routes')) expect(err, `${name} ${tensor}`).toBe(0);
          else expect(err, `${name} ${tensor}`).toBeLessThan(1e-4);
        },
      });
      expect(seen.sort()).toEqual([
        'crammed-ff-cls logits',
        'crammed-ff-mlm hidden_states',
        'crammed-ff-mlm logits',
        'crammed-fff-cls logits',
        'crammed-fff-cls routes (share differing from tfjs)',
        'crammed-fff-mlm hidden_states',
        'crammed-fff-mlm logits',
        'crammed-fff-mlm routes (share differing from tfjs)',
      ]);
    });
  }
});

describe('exportOnnx', () => {
  let work: string;
  let model: CrammedBertModel;
  const folder = join(FIXTURES, 'crammed-fff-mlm');

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'ufbert-onnx-'));
    model = (await loadModel(folder)).eval();
  });
  afterAll(async () => {
    model.dispose();
    await rm(work, { recursive: true, force: true });
  });

  async function io() {
    const tensors = (await readSafetensorsFile(join(folder, 'io.safetensors'))).tensors;
    const ids = tensors.get('input_ids')!;
    return {
      ids: ids.data as BigInt64Array,
      mask: tensors.get('attention_mask')!.data as BigInt64Array,
      dims: ids.shape as [number, number],
      logits: toFloat32(tensors.get('logits')!),
    };
  }

  it('writes a file that onnxruntime loads, with dynamic batch and sequence axes', async () => {
    const path = join(work, 'model.onnx');
    const result = await exportOnnx(model, path);
    expect(result.bytes).toBe((await readFile(path)).length);
    const session = await OnnxEncoderSession.create(path, { threads: 1 });
    try {
      for (const [batch, seq] of [
        [1, 3],
        [4, 9],
      ]) {
        const out = await session.runTensors(new BigInt64Array(batch * seq).fill(5n), new BigInt64Array(batch * seq).fill(1n), [batch, seq]);
        expect(out.hiddenDims).toEqual([batch, seq, model.config.hidden_size]);
        expect(out.logitsDims).toEqual([batch, seq, model.config.embedding.vocab_size]);
      }
    } finally {
      await session.release();
    }
  });

  it("decodes only the given positions with head 'selected', and nothing with head 'none'", async () => {
    const { ids, mask, dims, logits } = await io();
    const vocab = model.config.embedding.vocab_size;
    const selected = await OnnxEncoderSession.create(await onnxModelBytes(model, { head: 'selected' }), { threads: 1 });
    const none = await OnnxEncoderSession.create(await onnxModelBytes(model, { head: 'none' }), { threads: 1 });
    try {
      const positions = [dims[1] + 2, 0, 3];
      const out = await selected.runTensors(ids, mask, dims, positions);
      expect(out.logitsDims).toEqual([3, vocab]);
      const expected = new Float32Array(positions.flatMap((p) => Array.from(logits.subarray(p * vocab, (p + 1) * vocab))));
      expect(relativeError(out.logits!, expected)).toBeLessThan(1e-4);
      await expect(selected.runTensors(ids, mask, dims)).rejects.toThrow(OnnxRuntimeError);
      await expect(selected.runTensors(ids, mask, dims, [dims[0] * dims[1]])).rejects.toThrow(/expected positions in \[0, \d+\)/);
      const hiddenOnly = await none.runTensors(ids, mask, dims);
      expect(hiddenOnly.logits).toBeUndefined();
      expect(none.hasLogits).toBe(false);
    } finally {
      await selected.release();
      await none.release();
    }
  });

  it('exports from a checkpoint folder, and refuses one that does not match its config', async () => {
    const path = join(work, 'from-folder.onnx');
    await exportOnnxFromCheckpoint(folder, path);
    expect((await readFile(path)).length).toBeGreaterThan(1000);

    const broken = join(work, 'broken');
    await cp(folder, broken, { recursive: true });
    const config = JSON.parse(await readFile(join(broken, 'model_config.json'), 'utf8'));
    config.hidden_size *= 2;
    config.embedding.embedding_dim *= 2;
    await writeFile(join(broken, 'model_config.json'), JSON.stringify(config));
    await expect(exportOnnxFromCheckpoint(broken, join(work, 'broken.onnx'))).rejects.toThrow(CheckpointError);
  });

  it('keeps the good file when an export fails, and leaves no partial file', async () => {
    const path = join(work, 'keep.onnx');
    await exportOnnx(model, path);
    const good = await readFile(path);
    await expect(exportOnnx(model, path, { fffDenseLevels: 99 })).rejects.toThrow(/fffDenseLevels must be an integer in \[1, 3\]/);
    expect(Buffer.compare(await readFile(path), good)).toBe(0);
    expect((await readdir(work)).filter((name) => name.includes('partial'))).toEqual([]);
  });

  it('refuses to replace a folder, FIFO or device, and replaces a symbolic link without writing through it', async () => {
    const fifo = join(work, 'pipe.onnx');
    execFileSync('mkfifo', [fifo]);
    await expect(exportOnnx(model, fifo)).rejects.toThrow(/expected a regular file or nothing there, found a FIFO, socket or device/);
    await expect(exportOnnx(model, work)).rejects.toThrow(/is a folder, expected a ONNX export file \(or nothing\) there/);
    await expect(exportOnnx(model, '/dev/null')).rejects.toThrow(OnnxExportError);
    const real = join(work, 'real.onnx');
    await writeFile(real, 'old', { mode: 0o600 });
    await symlink('real.onnx', join(work, 'link.onnx'));
    await exportOnnx(model, join(work, 'link.onnx'));
    expect((await lstat(join(work, 'link.onnx'))).isFile()).toBe(true);
    expect((await readFile(join(work, 'link.onnx'))).length).toBeGreaterThan(1000);
    expect(await readFile(real, 'utf8')).toBe('old');
    expect((await lstat(real)).mode & 0o777).toBe(0o600);
  });

  it('a single-file export killed before its rename leaves a temporary that the next export into the folder removes', async () => {
    const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
    ensureBuilt(packageRoot);
    const out = join(work, 'killed', 'model.onnx');
    await mkdir(dirname(out), { recursive: true });
    // The export dies (SIGKILL) at the worst moment: its bytes written and fsynced, the rename not done.
    const script = `
      import fs from 'node:fs';
      import { syncBuiltinESMExports } from 'node:module';
      const { exportOnnxFromCheckpoint } = await import('@ufbert/onnx/node');
      fs.renameSync = () => process.kill(process.pid, 'SIGKILL');
      syncBuiltinESMExports();
      await exportOnnxFromCheckpoint(process.argv[1], process.argv[2]);
    `;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script, folder, out], { cwd: packageRoot, encoding: 'utf8', timeout: 120_000 });
    expect(child.signal, child.stderr).toBe('SIGKILL');
    const leftovers = async () => (await readdir(dirname(out))).filter((name) => name.includes('.ufbert-tmp-'));
    expect(await leftovers()).toHaveLength(1);
    await exportOnnx(model, out);
    expect(await leftovers()).toEqual([]);
    expect((await readFile(out)).length).toBeGreaterThan(1000);
  }, 180_000);

  it('says which path cannot be written', async () => {
    await expect(exportOnnx(model, join(work, 'missing-folder', 'model.onnx'))).rejects.toThrow(
      /missing-folder\/model\.onnx: cannot create a temporary file for the ONNX export file: no such file or folder \(ENOENT\)/,
    );
    await expect(exportOnnx(model, join('/proc', 'model.onnx'))).rejects.toThrow(OnnxExportError);
  });

  it('writes a well-formed graph: every value defined once, before use, in topological order', async () => {
    // No ONNX checker is published on npm; these are the structural rules of onnx.checker's graph check.
    const { default: onnxProto } = await import('onnx-proto');
    for (const head of ['all', 'selected', 'none'] as const) {
      const proto = onnxProto.onnx.ModelProto.decode(await onnxModelBytes(model, { head, routes: true }));
      const graph = proto.graph!;
      const defined = new Set<string>([...graph.input!.map((i) => i.name!), ...graph.initializer!.map((i) => i.name!)]);
      expect(defined.size).toBe(graph.input!.length + graph.initializer!.length);
      for (const node of graph.node!) {
        for (const input of node.input!)
          if (input !== '') expect(defined.has(input), `${node.opType} ${node.name} reads ${input} before it is defined`).toBe(true);
        for (const output of node.output!) {
          expect(defined.has(output), `${output} defined twice`).toBe(false);
          defined.add(output);
        }
      }
      for (const output of graph.output!) expect(defined.has(output.name!)).toBe(true);
      expect(proto.opsetImport!.map((o) => [o.domain, Number(o.version)])).toEqual([['', 17]]);
    }
  });

  it('refuses options the graph does not implement', async () => {
    const { crammedBertGraph } = await import('../crammed-bert-graph.js');
    expect(() => crammedBertGraph({ ...model.config, tie_weights: false }, new Map())).toThrow(/expected a supported option, got tie_weights false/);
    expect(() => crammedBertGraph({ ...model.config, num_labels: 2 }, new Map(), { head: 'selected' })).toThrow(
      /this model is a classifier: expected head 'all' or 'none'/,
    );
  });
});
