import { describe, expect, it } from 'vitest';
import { INHERITED_NAMES } from '@ufbert/tensor';
import {
  fastestConditionalKernel,
  fastestKernel,
  getKernel,
  KernelNotFoundError,
  listKernels,
  registerKernel,
  conditionalMatmulTsFused,
  conditionalMatmulWasmFused,
  conditionalMatmulTsQ8,
  conditionalMatmulWasmQ8,
  chooseKernel,
  kernelLabel,
  KernelChoiceError,
  wasmSimdSupported,
} from './index.js';
import { conditionalMatmulWebGpu } from './webgpu/index.js';

describe('kernel registry', () => {
  it('lists every kernel once per name, backend and level', () => {
    const labels = listKernels().map((kernel) => kernelLabel(kernel));
    expect(new Set(labels).size).toBe(labels.length);
    expect(labels).toEqual(
      expect.arrayContaining([
        'ConditionalMatmul/ts/1',
        'ConditionalMatmul/ts/2',
        'ConditionalMatmul/ts/fused',
        'ConditionalMatmul/wasm/fused',
        'ConditionalMatmul/ts/fused/q8',
        'ConditionalMatmul/wasm/fused/q8',
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

  it("chooses by backend and level, defaulting to the tfjs backend's own kernels (cpu: TypeScript)", () => {
    expect(chooseKernel('ConditionalMatmul', {}, 'cpu')).toBe(conditionalMatmulTsFused);
    expect(chooseKernel('ConditionalMatmul', { level: 2 }, 'cpu').level).toBe(2);
    expect(() => chooseKernel('ConditionalMatmul', { level: 2 }, 'wasm')).toThrow('no kernel registered as ConditionalMatmul/wasm/2');
    expect(chooseKernel('ConditionalMatmul', { backend: 'ts', level: 1 }, 'wasm').level).toBe(1);
    if (wasmSimdSupported()) {
      expect(chooseKernel('ConditionalMatmul', {}, 'wasm')).toBe(conditionalMatmulWasmFused);
      expect(chooseKernel('ConditionalMatmul', { backend: 'wasm' }, 'cpu')).toBe(conditionalMatmulWasmFused);
    }
    expect(() => chooseKernel('ConditionalMatmul', { backend: 'ts' }, 'webgpu')).toThrow(KernelChoiceError);
    expect(() => chooseKernel('ConditionalMatmul', { backend: 'ts' }, 'webgpu')).toThrow(
      'ConditionalMatmul/ts cannot run on tfjs-webgpu tensors; expected a kernel backend of webgpu',
    );
    expect(() => chooseKernel('ConditionalMatmul', { backend: 'webgpu' }, 'cpu')).toThrow('expected a kernel backend of ts or wasm');
    expect(() => chooseKernel('ConditionalMatmul', { backend: 'gpu' as never }, 'cpu')).toThrow(
      "unknown kernel backend 'gpu'; expected one of ts, wasm, webgpu",
    );
    expect(() => chooseKernel('ConditionalMatmul', { backend: 'wasm', level: 1 }, 'cpu')).toThrow(KernelNotFoundError);
  });

  it('finds no kernel, backend, level or dtype by a name every object inherits', () => {
    for (const name of INHERITED_NAMES) {
      expect(() => chooseKernel('ConditionalMatmul', { backend: name as never }, 'cpu')).toThrow(
        `unknown kernel backend '${name}'; expected one of ts, wasm, webgpu`,
      );
      expect(() => chooseKernel('ConditionalMatmul', { dtype: name as never }, 'cpu')).toThrow(`unknown weight dtype '${name}'; expected one of fp32, q8`);
      expect(() => chooseKernel('ConditionalMatmul', { backend: 'ts', level: name as never }, 'cpu')).toThrow(KernelNotFoundError);
      expect(() => getKernel(name as never, 'ts', 1)).toThrow(`no kernel registered as ${name}/ts/1; registered: none`);
    }
  });

  it('keys q8 kernels by weight dtype: chosen only when asked for, under the same name and level', () => {
    expect(getKernel('ConditionalMatmul', 'ts', 'fused', 'q8')).toBe(conditionalMatmulTsQ8);
    expect(chooseKernel('ConditionalMatmul', { dtype: 'q8' }, 'cpu')).toBe(conditionalMatmulTsQ8);
    expect(chooseKernel('ConditionalMatmul', { dtype: 'fp32' }, 'cpu')).toBe(conditionalMatmulTsFused);
    if (wasmSimdSupported()) {
      expect(chooseKernel('ConditionalMatmul', { dtype: 'q8' }, 'wasm')).toBe(conditionalMatmulWasmQ8);
      expect(fastestKernel('ConditionalMatmul', ['ts', 'wasm'], 'q8')).toBe(conditionalMatmulWasmQ8);
    }
    expect(() => chooseKernel('ConditionalMatmul', { dtype: 'q8', level: 2 }, 'cpu')).toThrow('no kernel registered as ConditionalMatmul/ts/2/q8');
    expect(() => chooseKernel('ConditionalMatmul', { dtype: 'q8' }, 'webgpu')).toThrow(
      'no ConditionalMatmul kernel of backend webgpu on q8 weights can run here',
    );
    expect(() => chooseKernel('DenseMatmul', { dtype: 'q8' }, 'cpu')).toThrow(KernelNotFoundError);
    expect(() => chooseKernel('ConditionalMatmul', { dtype: 'int4' as never }, 'cpu')).toThrow("unknown weight dtype 'int4'; expected one of fp32, q8");
  });

  it('picks WASM fused where WebAssembly SIMD runs, TypeScript fused otherwise', () => {
    const expected = wasmSimdSupported() ? 'wasm' : 'ts';
    expect(fastestConditionalKernel().backend).toBe(expected);
    expect(fastestConditionalKernel().level).toBe('fused');
    expect(fastestConditionalKernel().dtype ?? 'fp32').toBe('fp32');
    expect(fastestKernel('DenseMatmul').backend).toBe(expected);
    expect(fastestKernel('ConditionalBackward').backend).toBe(expected);
  });
});
