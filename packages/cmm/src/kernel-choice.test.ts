import { describe, expect, it } from 'vitest';
import { KernelChoiceError } from './errors.js';
import { formatKernelChoice, parseKernelChoice, type KernelChoice } from './kernel-choice.js';
import { kernelLabel } from './prepared.js';

describe('kernel choice text form', () => {
  it('reads a backend, a level, a dtype and threads, each optional', () => {
    expect(parseKernelChoice('auto')).toEqual({});
    expect(parseKernelChoice('wasm')).toEqual({ backend: 'wasm' });
    expect(parseKernelChoice('ts/1')).toEqual({ backend: 'ts', level: 1 });
    expect(parseKernelChoice('wasm/fused/q8')).toEqual({ backend: 'wasm', level: 'fused', dtype: 'q8' });
    expect(parseKernelChoice('wasm/fused@2')).toEqual({ backend: 'wasm', level: 'fused', threads: 2 });
    expect(parseKernelChoice('auto/auto/q8@1')).toEqual({ dtype: 'q8', threads: 1 });
  });

  it('writes what it reads, and reads what it writes', () => {
    const choices: KernelChoice[] = [
      {},
      { backend: 'webgpu' },
      { backend: 'ts', level: 2 },
      { backend: 'wasm', level: 'fused', dtype: 'q8', threads: 4 },
      { dtype: 'q8' },
      { threads: 3 },
    ];
    for (const choice of choices) expect(parseKernelChoice(formatKernelChoice(choice))).toEqual(choice);
    expect(formatKernelChoice({ backend: 'wasm', level: 'fused', dtype: 'q8', threads: 4 })).toBe('wasm/fused/q8@4');
    expect(formatKernelChoice({ dtype: 'q8' })).toBe('auto/auto/q8');
  });

  it('refuses unknown parts, saying what it expected', () => {
    expect(() => parseKernelChoice('cuda')).toThrow(
      new KernelChoiceError(`kernel choice "cuda": unknown backend 'cuda'; expected one of ts, wasm, webgpu or auto`),
    );
    expect(() => parseKernelChoice('wasm/4')).toThrow(/unknown level '4'; expected one of 1, 2, 3, fused or auto/);
    expect(() => parseKernelChoice('wasm/fused/int4')).toThrow(/unknown dtype 'int4'; expected one of fp32, q8/);
    expect(() => parseKernelChoice('wasm/fused/q8/x')).toThrow(/too many parts/);
    expect(() => parseKernelChoice('wasm@0')).toThrow(/threads must be a positive integer/);
    expect(() => parseKernelChoice('wasm@2@3')).toThrow(/more than one @/);
    expect(() => parseKernelChoice('wasm@two')).toThrow(KernelChoiceError);
  });

  it('labels a kernel with the threads it ran on, where given', () => {
    const kernel = { kernelName: 'ConditionalMatmul', backend: 'wasm', level: 'fused' };
    expect(kernelLabel(kernel)).toBe('ConditionalMatmul/wasm/fused');
    expect(kernelLabel({ ...kernel, dtype: 'q8' }, { threads: 2 })).toBe('ConditionalMatmul/wasm/fused/q8, 2 threads');
    expect(kernelLabel(kernel, { threads: 1 })).toBe('ConditionalMatmul/wasm/fused, 1 thread');
  });
});
