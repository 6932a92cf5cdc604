import { describe, expect, it } from 'vitest';
import { resolveDtype } from './dtype.js';
import { PipelineError } from './errors.js';

describe('resolveDtype', () => {
  it("gives the runtime's default for undefined and auto: fp32 on onnxruntime-node, q8 on onnxruntime-web, fp32 on tfjs", () => {
    expect(resolveDtype(undefined, 'onnxruntime', 'fp32')).toBe('fp32');
    expect(resolveDtype('auto', 'onnxruntime', 'fp32')).toBe('fp32');
    expect(resolveDtype(undefined, 'onnxruntime', 'q8')).toBe('q8');
    expect(resolveDtype('auto', 'onnxruntime', 'q8')).toBe('q8');
    expect(resolveDtype(undefined, 'tfjs', 'q8')).toBe('fp32');
    expect(resolveDtype('auto', 'tfjs', 'q8')).toBe('fp32');
    expect(resolveDtype('q8', 'onnxruntime', 'fp32')).toBe('q8');
    expect(resolveDtype('fp32', 'onnxruntime', 'q8')).toBe('fp32');
    expect(resolveDtype('fp32', 'tfjs', 'fp32')).toBe('fp32');
  });

  it('refuses any other value, inherited names included, listing the accepted ones', () => {
    for (const bad of ['toString', '__proto__', 'constructor', 'int4', 'FP32', '']) {
      expect(() => resolveDtype(bad, 'onnxruntime', 'fp32'), bad).toThrow(new PipelineError(`dtype must be one of fp32, q8 (or auto), got '${bad}'`));
    }
    expect(() => resolveDtype(8, 'onnxruntime', 'q8')).toThrow('dtype must be one of fp32, q8 (or auto), got a value of type number');
    expect(() => resolveDtype(null, 'tfjs', 'fp32')).toThrow('got null');
    expect(() => resolveDtype(Object.create(null), 'onnxruntime', 'fp32')).toThrow('got a value of type object');
  });

  it('names q8 on the tfjs runtime, which runs float32 weights only', () => {
    expect(() => resolveDtype('q8', 'tfjs', 'fp32')).toThrow(PipelineError);
    expect(() => resolveDtype('q8', 'tfjs', 'fp32')).toThrow("dtype 'q8' runs on onnxruntime (the int8 export); the tfjs runtime runs fp32 weights only");
  });
});
