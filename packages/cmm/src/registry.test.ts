import { describe, expect, it } from 'vitest';
import {
  fastestConditionalKernel,
  fastestKernel,
  getKernel,
  KernelNotFoundError,
  listKernels,
  registerKernel,
  conditionalMatmulTsFused,
  wasmSimdSupported,
} from './index.js';

describe('kernel registry', () => {
  it('lists every kernel once per name, backend and level', () => {
    const labels = listKernels().map((k) => `${k.kernelName}/${k.backend}/${k.level}`);
    expect(new Set(labels).size).toBe(labels.length);
    expect(labels).toEqual(
      expect.arrayContaining([
        'ConditionalMatmul/ts/1',
        'ConditionalMatmul/ts/2',
        'ConditionalMatmul/ts/fused',
        'ConditionalMatmul/wasm/fused',
        'DenseMatmul/ts/1',
        'DenseMatmul/ts/2',
        'DenseMatmul/ts/3',
        'DenseMatmul/wasm/fused',
        'ConditionalForwardTrain/ts/fused',
        'ConditionalForwardTrain/wasm/fused',
        'ConditionalBackward/ts/fused',
        'ConditionalBackward/wasm/fused',
      ]),
    );
    expect(listKernels('DenseMatmul').every((k) => k.kernelName === 'DenseMatmul')).toBe(true);
  });

  it('finds kernels and says what exists when one is missing', () => {
    expect(getKernel('ConditionalMatmul', 'ts', 'fused')).toBe(conditionalMatmulTsFused);
    expect(() => getKernel('ConditionalMatmul', 'wasm', 2)).toThrow(KernelNotFoundError);
    expect(() => getKernel('ConditionalMatmul', 'wasm', 2)).toThrow(/registered: ConditionalMatmul\/ts\/1/);
  });

  it('refuses a second kernel under the same key', () => {
    expect(() => registerKernel(conditionalMatmulTsFused)).toThrow(/already registered/);
  });

  it('picks WASM fused where WebAssembly SIMD runs, TypeScript fused otherwise', () => {
    const expected = wasmSimdSupported() ? 'wasm' : 'ts';
    expect(fastestConditionalKernel().backend).toBe(expected);
    expect(fastestConditionalKernel().level).toBe('fused');
    expect(fastestKernel('DenseMatmul').backend).toBe(expected);
    expect(fastestKernel('ConditionalBackward').backend).toBe(expected);
  });
});
