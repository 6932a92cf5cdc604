import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { gelu } from '@ufbert/tensor';
import { BenchData, maxAbsDiff } from '../data.js';
import { transpose } from '@ufbert/onnx';
import { denseFeedforwardModel, INPUT_NAME, OUTPUT_NAME, type GeluForm } from './feedforward-model.js';

function referenceFeedforward(x: Float32Array, batch: number, wIn: Float32Array, wOut: Float32Array, h: number, m: number, o: number): Float32Array {
  const y = new Float32Array(batch * o);
  for (let b = 0; b < batch; b++) {
    for (let j = 0; j < m; j++) {
      let z = 0;
      for (let i = 0; i < h; i++) z += x[b * h + i] * wIn[j * h + i];
      const g = gelu(z);
      for (let k = 0; k < o; k++) y[b * o + k] += g * wOut[k * m + j];
    }
  }
  return y;
}

describe('denseFeedforwardModel', () => {
  const [h, m, o, batch] = [8, 24, 6, 3];
  const data = new BenchData(7);
  const { wIn, wOut } = data.dense({ inputSize: h, hiddenSize: m, outputSize: o });
  const x = data.inputs(batch, h);
  const expected = referenceFeedforward(x, batch, wIn.values, wOut.values, h, m, o);

  it.each<GeluForm>(['gelu-op', 'erf'])('runs in onnxruntime-node with GELU as %s and matches the erf GELU', async (form) => {
    const model = denseFeedforwardModel({ inputSize: h, hiddenSize: m, outputSize: o, wIn: wIn.values, wOut: wOut.values, gelu: form });
    const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1 });
    try {
      const out = await session.run({ [INPUT_NAME]: new ort.Tensor('float32', x, [batch, h]) });
      const y = out[OUTPUT_NAME];
      expect(y.dims).toEqual([batch, o]);
      expect(maxAbsDiff(y.data as Float32Array, expected)).toBeLessThan(1e-5);
    } finally {
      await session.release();
    }
  });

  it('rejects weights of the wrong size', () => {
    expect(() => denseFeedforwardModel({ inputSize: h, hiddenSize: m, outputSize: o, wIn: wOut.values, wOut: wOut.values, gelu: 'erf' })).toThrow(
      /dense_in.weight of 24x8 values/,
    );
  });

  it('transposes row-major matrices', () => {
    expect([...transpose(Float32Array.of(1, 2, 3, 4, 5, 6), 2, 3)]).toEqual([1, 4, 2, 5, 3, 6]);
  });
});
