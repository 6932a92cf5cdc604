import { DTYPES, type Dtype } from '@ufbert/onnx/dtype';
import type { Runtime } from './device.js';
import { PipelineError } from './errors.js';

/** transformers.js's `dtype` option: a weight precision ufbert exports, or `auto` for the runtime's default. */
export type DtypeChoice = Dtype | 'auto';

/**
 * The dtype a model loads with: `requested`, or the runtime's default for `undefined` and
 * `auto` (`fallback` on onnxruntime, which runs every dtype of the export, fp32 on tfjs). A PipelineError lists the accepted
 * values for anything else (inherited names such as `toString` included) and names a dtype
 * the runtime cannot run: tfjs runs ufbert's float32 kernels, so `q8` needs onnxruntime.
 */
export function resolveDtype(requested: unknown, runtime: Runtime, fallback: Dtype): Dtype {
  if (requested !== undefined && requested !== 'auto' && !(typeof requested === 'string' && (DTYPES as readonly string[]).includes(requested))) {
    // Described without String(), which throws on an object without a prototype.
    const got = typeof requested === 'string' ? `'${requested.slice(0, 40)}'` : requested === null ? 'null' : `a value of type ${typeof requested}`;
    throw new PipelineError(`dtype must be one of ${DTYPES.join(', ')} (or auto), got ${got}`);
  }
  if (runtime === 'tfjs') {
    if (requested !== undefined && requested !== 'auto' && requested !== 'fp32') {
      throw new PipelineError(
        `dtype '${requested}' runs on onnxruntime (the int8 export); the tfjs runtime runs fp32 weights only: use runtime 'onnxruntime' or dtype 'fp32'`,
      );
    }
    return 'fp32';
  }
  return requested === undefined || requested === 'auto' ? fallback : (requested as Dtype);
}
