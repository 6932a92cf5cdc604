import { tf } from '../tf.js';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

interface DisposingBackend {
  disposeData(dataId: object): boolean;
}

/**
 * tfjs-wasm's BatchMatMul runs 10-20x slower when an operand is transposed (measured:
 * [1024,4096]^T x [1024,64] 877 ms, against 51 ms for an explicit Transpose then a plain
 * product). Every gradient of a matMul asks for a transposed operand, so training on wasm
 * was bound by it. This wraps the kernel: transposed operands are transposed explicitly
 * first, then the plain product runs.
 */
export function patchWasmBatchMatMul(): void {
  const original = tf.getKernel('BatchMatMul', 'wasm');
  const transpose = tf.getKernel('Transpose', 'wasm');
  if (!original || !transpose || (original.kernelFunc as { ufbertPatched?: boolean }).ufbertPatched) return;
  const originalFunc = original.kernelFunc;
  const kernelFunc: KernelFunc = ({ inputs, backend, attrs }) => {
    const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
    if (!transposeA && !transposeB) return originalFunc({ inputs, backend, attrs });
    const swapLast = (t: TensorInfo): TensorInfo => {
      const perm = t.shape.map((_, i) => i);
      const n = perm.length;
      [perm[n - 2], perm[n - 1]] = [perm[n - 1], perm[n - 2]];
      return transpose.kernelFunc({ inputs: { x: t }, backend, attrs: { perm } }) as TensorInfo;
    };
    const a = inputs.a as TensorInfo;
    const b = inputs.b as TensorInfo;
    const ta = transposeA ? swapLast(a) : a;
    const tb = transposeB ? swapLast(b) : b;
    const out = originalFunc({ inputs: { a: ta, b: tb }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } });
    const disposer = backend as unknown as DisposingBackend;
    if (ta !== a) disposer.disposeData(ta.dataId);
    if (tb !== b) disposer.disposeData(tb.dataId);
    return out;
  };
  (kernelFunc as { ufbertPatched?: boolean }).ufbertPatched = true;
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({ ...(original as KernelConfig), kernelFunc });
}
