import { describe, expect, it } from 'vitest';
import {
  fastestConditionalKernel,
  fastestKernel,
  getKernel,
  KernelNotFoundError,
  listKernels,
  registerKernel,
  conditionalMatmulTsFused,
  conditionalMatmulWasmFused,
  chooseKernel,
  KernelChoiceError,
  wasmSimdSupported,
} from './index.js';
import { conditionalMatmulWebGpu } from './webgpu/index.js';

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
        'ConditionalMatmul/webgpu/fused',
        'DenseMatmul/webgpu/3',
        'DenseMatmul/webgpu/fused',
        'ConditionalForwardTrain/webgpu/fused',
        'ConditionalBackward/webgpu/fused',
      ]),
    );
    expect(listKernels('DenseMatmul').every((k) => k.kernelName === 'DenseMatmul')).toBe(true);
    expect(listKernels('ConditionalMatmul', ['webgpu'])).toEqual([conditionalMatmulWebGpu]);
  });

  it('finds kernels and says what exists when one is missing', () => {
    expect(getKernel('ConditionalMatmul', 'ts', 'fused')).toBe(conditionalMatmulTsFused);
    expect(() => getKernel('ConditionalMatmul', 'wasm', 2)).toThrow(KernelNotFoundError);
    expect(() => getKernel('ConditionalMatmul', 'wasm', 2)).toThrow(/registered: ConditionalMatmul\/ts\/1/);
  });

  it('refuses a second kernel under the same key', () => {
    expect(() => registerKernel(conditionalMatmulTsFused)).toThrow(/already registered/);
  });

  it('chooses by backend and level, defaulting to the tfjs backend\'s own kernels (cpu: TypeScript)', () => {
    expect(chooseKernel('ConditionalMatmul', {}, 'cpu')).toBe(conditionalMatmulTsFused);
    expect(chooseKernel('ConditionalMatmul', { level: 2 }, 'cpu').level).toBe(2);
    expect(() => chooseKernel('ConditionalMatmul', { level: 2 }, 'wasm')).toThrow('no kernel registered as ConditionalMatmul/wasm/2');
    expect(chooseKernel('ConditionalMatmul', { backend: 'ts', level: 1 }, 'wasm').level).toBe(1);
    if (wasmSimdSupported()) {
      expect(chooseKernel('ConditionalMatmul', {}, 'wasm')).toBe(conditionalMatmulWasmFused);
      expect(chooseKernel('ConditionalMatmul', { backend: 'wasm' }, 'cpu')).toBe(conditionalMatmulWasmFused);
    }
    expect(() => chooseKernel('ConditionalMatmul', { backend: 'ts' }, 'webgpu')).toThrow(KernelChoiceError);
    expect(() => chooseKernel('ConditionalMatmul', { backend: 'ts' }, 'webgpu')).toThrow('ConditionalMatmul/ts cannot run on tfjs-webgpu tensors; expected a kernel backend of webgpu');
    expect(() => chooseKernel('ConditionalMatmul', { backend: 'webgpu' }, 'cpu')).toThrow('expected a kernel backend of ts or wasm');
    expect(() => chooseKernel('ConditionalMatmul', { backend: 'gpu' as never }, 'cpu')).toThrow("unknown kernel backend 'gpu'; expected one of ts, wasm, webgpu");
    expect(() => chooseKernel('ConditionalMatmul', { backend: 'wasm', level: 1 }, 'cpu')).toThrow(KernelNotFoundError);
  });

  it('picks WASM fused where WebAssembly SIMD runs, TypeScript fused otherwise', () => {
    const expected = wasmSimdSupported() ? 'wasm' : 'ts';
    expect(fastestConditionalKernel().backend).toBe(expected);
    expect(fastestConditionalKernel().level).toBe('fused');
    expect(fastestKernel('DenseMatmul').backend).toBe(expected);
    expect(fastestKernel('ConditionalBackward').backend).toBe(expected);
  });
});
