import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import onnxProto from 'onnx-proto';
import type { InferenceSession } from 'onnxruntime-common';
import { ONNX_CACHE_DIR, fffNeurons, type CrammedBertConfig } from '@ufbert/crammed-bert';
import { loadModel } from '@ufbert/crammed-bert/node';
import { INHERITED_NAMES, setBackend } from '@ufbert/tensor';
import { FIXTURES } from '../../../fixtures/index.js';
import { crammedBertGraph } from './crammed-bert-graph.js';
import { onnxModelBytes } from './onnx-model-bytes.js';
import { DTYPES, parseDtype } from './dtype.js';
import { DtypeError, OnnxExportError } from './errors.js';
import { FLOAT, INT8 } from './graph-builder.js';
import { OnnxInferenceRuntime } from './node/onnx-runtime.js';
import { tinyModelFolder } from './test-utils/tiny-model.js';

type ModelProto = ReturnType<typeof onnxProto.onnx.ModelProto.decode>;
type NodeProto = NonNullable<NonNullable<ModelProto['graph']>['node']>[number];

let work: string;
let config: CrammedBertConfig;
let weights: Map<string, Float32Array>;

beforeAll(async () => {
  await setBackend('cpu');
  work = await mkdtemp(join(tmpdir(), 'ufbert-q8-'));
  const model = await loadModel(join(FIXTURES, 'crammed-fff-mlm'));
  config = model.config;
  weights = new Map([...(await model.stateDict())].map(([name, tensor]) => [name, tensor.data as Float32Array]));
  model.dispose();
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

function decode(bytes: Uint8Array): ModelProto {
  return onnxProto.onnx.ModelProto.decode(bytes);
}

/** The node that writes each value. */
function producers(model: ModelProto): Map<string, NodeProto> {
  const byOutput = new Map<string, NodeProto>();
  for (const node of model.graph!.node!) for (const output of node.output!) byOutput.set(output, node);
  return byOutput;
}

function consumers(model: ModelProto, value: string): NodeProto[] {
  return model.graph!.node!.filter((node) => node.input!.includes(value));
}

describe('the q8 graph, decoded', () => {
  it('holds the FFF tables only as int8 with float scales per row, and no float copy of them', () => {
    const model = decode(crammedBertGraph(config, weights, { dtype: 'q8' }));
    const nodes = fffNeurons(config);
    const h = config.hidden_size;
    expect(model.metadataProps!.find((p) => p.key === 'dtype')?.value).toBe('q8');
    for (let i = 0; i < config.num_transformer_layers; i++) {
      const ffn = model.graph!.initializer!.filter((t) => t.name!.startsWith(`encoder.layers.${i}.ffn.`));
      const tables = ffn.filter((t) => t.dataType === INT8).map((t) => `${t.name} [${t.dims!.join(', ')}]`);
      expect(tables).toEqual(
        expect.arrayContaining([
          `encoder.layers.${i}.ffn.linear_in.weight_int8 [${nodes}, ${h}]`,
          `encoder.layers.${i}.ffn.linear_out.weight_t_int8 [${nodes}, ${h}]`,
        ]),
      );
      // Every float initializer of the block is a vector: biases and scales, one value per node or output channel.
      for (const t of ffn.filter((t) => t.dataType === FLOAT)) {
        expect(t.dims!.length, `${t.name} is not a vector`).toBeLessThanOrEqual(1);
        expect(Number(t.dims![0] ?? 1), t.name!).toBeLessThanOrEqual(Math.max(nodes, h));
      }
    }
    // Nor anywhere else: no float initializer holds a deep node's linear_in row.
    const deepRow = new Uint8Array(weights.get('encoder.layers.0.ffn.linear_in.weight')!.slice((nodes - 1) * h, nodes * h).buffer);
    const hex = Buffer.from(deepRow).toString('hex');
    for (const t of model.graph!.initializer!.filter((t) => t.dataType === FLOAT))
      expect(Buffer.from(t.rawData!).toString('hex').includes(hex), t.name!).toBe(false);
  });

  it("writes every constant-weight MatMul as onnxruntime's dynamic quantization does, and gathers the deep rows as int8", () => {
    const model = decode(crammedBertGraph(config, weights, { dtype: 'q8' }));
    const made = producers(model);
    const int8 = new Set(model.graph!.initializer!.filter((t) => t.dataType === INT8).map((t) => t.name!));
    const integerProducts = model.graph!.node!.filter((n) => n.opType === 'MatMulInteger');
    // Per layer: the QKV and attention-output projections, the FFF's top-level logits and their output product.
    expect(integerProducts).toHaveLength(4 * config.num_transformer_layers);
    for (const product of integerProducts) {
      const [a, b, aZero, bZero] = product.input!;
      const quantize = made.get(a)!;
      expect(quantize.opType).toBe('DynamicQuantizeLinear');
      expect(quantize.output![2]).toBe(aZero);
      expect(int8.has(b) && int8.has(bZero)).toBe(true);
      const [cast] = consumers(model, product.output![0]);
      expect(cast.opType).toBe('Cast');
      const [rescale] = consumers(model, cast.output![0]);
      expect(rescale.opType).toBe('Mul');
      const scales = made.get(rescale.input!.find((v) => v !== cast.output![0])!)!;
      expect([scales.opType, scales.input![0]]).toEqual(['Mul', quantize.output![1]]);
    }
    // No float MatMul or Gemm on a constant weight is left (the tied decoder, a Gemm on the word embedding, excepted).
    const initializers = new Set(model.graph!.initializer!.map((t) => t.name!));
    const floatProducts = model.graph!.node!.filter((n) => (n.opType === 'MatMul' || n.opType === 'Gemm') && n.input!.some((v) => initializers.has(v)));
    expect(floatProducts.map((n) => n.name)).toEqual(['decoder_node']);
    // Every deep level: Gather from an int8 table, then DequantizeLinear per row.
    const deepGathers = model.graph!.node!.filter((n) => n.opType === 'Gather' && int8.has(n.input![0]));
    const deepLevels = config.intermed_depth + 1 - Math.floor((config.intermed_depth + 1) / 2);
    expect(deepGathers).toHaveLength(config.num_transformer_layers * (deepLevels + 1));
    for (const gather of deepGathers) expect(consumers(model, gather.output![0]).map((n) => n.opType)).toEqual(['DequantizeLinear']);
  });

  it('is fused by onnxruntime at graph optimisation all (DynamicQuantizeMatMul, no MatMulInteger left)', async () => {
    const require = createRequire(import.meta.url);
    const ort = require('onnxruntime-node') as {
      InferenceSession: { create(bytes: Uint8Array, options: InferenceSession.SessionOptions): Promise<InferenceSession> };
    };
    const optimized = join(work, 'optimized.onnx');
    const session = await ort.InferenceSession.create(crammedBertGraph(config, weights, { dtype: 'q8', head: 'none' }), {
      graphOptimizationLevel: 'all',
      optimizedModelFilePath: optimized,
      logSeverityLevel: 3,
    });
    await session.release();
    const ops = decode(await readFile(optimized)).graph!.node!.map((n) => n.opType!);
    expect(ops.filter((op) => op === 'DynamicQuantizeMatMul')).toHaveLength(4 * config.num_transformer_layers);
    expect(ops).not.toContain('MatMulInteger');
  });
});

describe('the q8 graph in onnxruntime-web', () => {
  it('runs on its wasm provider (no contrib op), with the hidden states onnxruntime-node gives', async () => {
    const require = createRequire(import.meta.url);
    type Ort = {
      InferenceSession: { create(bytes: Uint8Array, options: InferenceSession.SessionOptions): Promise<InferenceSession> };
      Tensor: new (type: 'int64', data: BigInt64Array, dims: number[]) => unknown;
    };
    const web = require('onnxruntime-web') as Ort & { env: { wasm: { numThreads: number } } };
    const node = require('onnxruntime-node') as Ort;
    web.env.wasm.numThreads = 1;
    const bytes = crammedBertGraph(config, weights, { dtype: 'q8', head: 'none' });
    const ids = BigInt64Array.from({ length: 32 }, (_, i) => BigInt(5 + ((i * 13) % 90)));
    const hidden = async (ort: Ort) => {
      const session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'all', logSeverityLevel: 3 });
      const feeds = { input_ids: new ort.Tensor('int64', ids, [2, 16]), attention_mask: new ort.Tensor('int64', new BigInt64Array(32).fill(1n), [2, 16]) };
      const out = await session.run(feeds as never);
      await session.release();
      return out.hidden_states.data as Float32Array;
    };
    const [fromWeb, fromNode] = [await hidden(web), await hidden(node)];
    expect(fromWeb.length).toBe(32 * config.hidden_size);
    fromWeb.forEach((v, i) => expect(Math.abs(v - fromNode[i])).toBeLessThan(1e-5));
  });
});

describe('q8 export errors', () => {
  it('names a weight that cannot be quantized (NaN, Inf)', () => {
    for (const [name, value] of [
      ['encoder.layers.1.ffn.linear_in.weight', Number.NaN],
      ['encoder.layers.0.ffn.linear_out.weight', Number.POSITIVE_INFINITY],
      ['encoder.layers.0.attn.self_attention.query_key_value.weight', Number.NEGATIVE_INFINITY],
    ] as const) {
      const broken = new Map(weights);
      const data = Float32Array.from(weights.get(name)!);
      data[7] = value;
      broken.set(name, data);
      expect(() => crammedBertGraph(config, broken, { dtype: 'q8' })).toThrow(OnnxExportError);
      expect(() => crammedBertGraph(config, broken, { dtype: 'q8' })).toThrow(
        new RegExp(`cannot quantize ${name.replace(/\./g, '\\.')} to int8: expected finite values, got ${value} at index 7`),
      );
    }
  });

  it('accepts fp32 and q8 only, by value (no prototype property passes)', () => {
    expect(DTYPES).toEqual(['fp32', 'q8']);
    expect(parseDtype('q8')).toBe('q8');
    expect(parseDtype('fp32', '--dtype')).toBe('fp32');
    for (const bad of ['toString', '__proto__', 'constructor', 'hasOwnProperty', 'int8', 'Q8', '', 8, undefined, null, Object.create(null), ['q8']]) {
      expect(() => parseDtype(bad)).toThrow(DtypeError);
    }
    expect(() => parseDtype('int4', '--dtype')).toThrow("expected --dtype one of 'fp32', 'q8', got 'int4'");
    expect(() => crammedBertGraph(config, weights, { dtype: 'fp16' as never })).toThrow(DtypeError);
  });

  it('accepts the heads all, selected and none only: an inherited name is no head (toString was exported as all)', () => {
    for (const name of INHERITED_NAMES) {
      expect(() => crammedBertGraph(config, weights, { head: name as never })).toThrow(`expected head one of all, selected, none, got '${name}'`);
    }
  });
});

describe('OnnxInferenceRuntime with dtype', () => {
  it('caches the fp32 and q8 exports of one checkpoint side by side, and refuses an unknown dtype before loading', async () => {
    const dir = await tinyModelFolder(join(work, 'mlm'), null);
    const fp32 = await OnnxInferenceRuntime.fromCheckpoint(dir, { threads: 1 });
    const q8 = await OnnxInferenceRuntime.fromCheckpoint(dir, { threads: 1, dtype: 'q8' });
    try {
      expect(fp32.source).not.toBe(q8.source);
      expect([fp32.description, q8.description]).toEqual([
        'onnxruntime-node (1 thread, graph optimisation all, fp32)',
        'onnxruntime-node (1 thread, graph optimisation all, q8)',
      ]);
      const files = (await readdir(join(dir, ONNX_CACHE_DIR))).filter((f) => f.endsWith('.onnx'));
      expect(files).toHaveLength(2);
      const dtypes = await Promise.all(
        files.map(async (f) => decode(await readFile(join(dir, ONNX_CACHE_DIR, f))).metadataProps!.find((p) => p.key === 'dtype')?.value),
      );
      expect(dtypes.sort()).toEqual(['fp32', 'q8']);
      // A second load of q8 reuses its cached file.
      const again = await OnnxInferenceRuntime.fromCheckpoint(dir, { threads: 1, dtype: 'q8' });
      expect(again.source).toBe(q8.source);
      await again.dispose();
    } finally {
      await fp32.dispose();
      await q8.dispose();
    }
    await expect(OnnxInferenceRuntime.fromCheckpoint(dir, { dtype: 'int8' as never })).rejects.toThrow(DtypeError);
  });

  it('exports a model in memory as q8', async () => {
    const model = await loadModel(join(FIXTURES, 'crammed-fff-cls'));
    try {
      const bytes = await onnxModelBytes(model.eval(), { dtype: 'q8' });
      expect(decode(bytes).graph!.node!.some((n) => n.opType === 'MatMulInteger')).toBe(true);
      const runtime = await OnnxInferenceRuntime.fromModel(model, { threads: 1, dtype: 'q8' });
      expect(runtime.source).toBe('memory');
      await runtime.dispose();
    } finally {
      model.dispose();
    }
  });
});
