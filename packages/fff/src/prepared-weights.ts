import { tf, type Tensor2D } from '@ufbert/tensor';
import type { ConditionalShape, KernelOf, ThreadOptions } from '@ufbert/cmm';
import type { InferenceLayout } from './inference.js';

/** The three parameters of an FFF layer, as the layer holds them. */
export interface FFFVariables {
  readonly linearInWeight: tf.Variable;
  readonly linearInBias: tf.Variable;
  readonly linearOutWeight: tf.Variable;
}

/**
 * The weight layout an inference kernel wants, prepared from one layer's variables and
 * owned by that layer. A weight version is the tfjs data identity of the three variables
 * (`assign`, as an optimiser step does, gives a variable new data): the layout is made
 * once per version and per kernel, and the previous one is freed as soon as it is stale.
 * Host kernels prepare their own copy (WASM memory for wasm); on webgpu the layout is
 * linear_out.weight transposed to [N, O] on tfjs's device (neuron-major: a visited
 * neuron's output row is contiguous), the layout cmm's webgpu ConditionalMatmul prepares,
 * so that the model runs what the kernel benchmarks measure.
 */
export class PreparedWeights {
  private held: { kernel: KernelOf<'ConditionalMatmul'>; version: readonly object[]; layout: InferenceLayout } | undefined;

  /** The layout of `variables` for `kernel`, made now if the weights or the kernel changed; a host kernel's instance gets `threads`. */
  get(kernel: KernelOf<'ConditionalMatmul'>, variables: FFFVariables, shape: ConditionalShape, threads: ThreadOptions = {}): InferenceLayout {
    const version = [variables.linearInWeight.dataId, variables.linearInBias.dataId, variables.linearOutWeight.dataId];
    const held = this.held;
    if (held && held.kernel === kernel && held.version.every((id, i) => id === version[i])) return held.layout;
    this.dispose();
    const layout = prepare(kernel, variables, shape, threads);
    this.held = { kernel, version, layout };
    return layout;
  }

  /** The layout of `variables` for `kernel` if it is held and current; never prepares. */
  peek(kernel: KernelOf<'ConditionalMatmul'>, variables: FFFVariables): InferenceLayout | undefined {
    const held = this.held;
    if (!held || held.kernel !== kernel) return undefined;
    const version = [variables.linearInWeight.dataId, variables.linearInBias.dataId, variables.linearOutWeight.dataId];
    return held.version.every((id, i) => id === version[i]) ? held.layout : undefined;
  }

  /** What is held now, if anything (for tests and diagnostics). */
  get current(): InferenceLayout | undefined {
    return this.held?.layout;
  }

  /** Frees the kernel-side copy (WASM memory, a GPU tensor); the next `get` prepares again. */
  dispose(): void {
    const layout = this.held?.layout;
    if (layout?.kind === 'host') layout.prepared.dispose();
    if (layout?.kind === 'webgpu') layout.outputRows.dispose();
    this.held = undefined;
  }
}

function prepare(kernel: KernelOf<'ConditionalMatmul'>, variables: FFFVariables, shape: ConditionalShape, threads: ThreadOptions): InferenceLayout {
  if (kernel.backend === 'webgpu') {
    // kept, so that a tf.tidy around the layer's infer does not free what the layer owns
    return { kind: 'webgpu', outputRows: tf.keep(tf.transpose(variables.linearOutWeight) as Tensor2D) };
  }
  const view = (v: tf.Variable) => ({ values: v.dataSync() as Float32Array, shape: v.shape });
  const prepared = kernel.prepare(
    { wIn: view(variables.linearInWeight), bIn: view(variables.linearInBias), wOut: view(variables.linearOutWeight) },
    shape,
    threads,
  );
  return { kind: 'host', kernel, prepared };
}
