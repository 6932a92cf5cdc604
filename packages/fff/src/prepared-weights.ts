import type { tf } from '@ufbert/tensor';
import type { ConditionalMatmulKernel, ConditionalShape, PreparedConditional } from '@ufbert/cmm';

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
 */
export class PreparedWeights {
  private held: { kernel: ConditionalMatmulKernel; version: readonly object[]; prepared: PreparedConditional } | undefined;

  /** The prepared layout of `variables` for `kernel`, made now if the weights or the kernel changed. */
  get(kernel: ConditionalMatmulKernel, variables: FFFVariables, shape: ConditionalShape): PreparedConditional {
    const version = [variables.linearInWeight.dataId, variables.linearInBias.dataId, variables.linearOutWeight.dataId];
    const held = this.held;
    if (held && held.kernel === kernel && held.version.every((id, i) => id === version[i])) return held.prepared;
    this.dispose();
    const view = (v: tf.Variable) => ({ values: v.dataSync() as Float32Array, shape: v.shape });
    const prepared = kernel.prepare(
      { wIn: view(variables.linearInWeight), bIn: view(variables.linearInBias), wOut: view(variables.linearOutWeight) },
      shape,
    );
    this.held = { kernel, version, prepared };
    return prepared;
  }

  /** What is held now, if anything (for tests and diagnostics). */
  get current(): PreparedConditional | undefined {
    return this.held?.prepared;
  }

  /** Frees the kernel-side copy (WASM memory); the next `get` prepares again. */
  dispose(): void {
    this.held?.prepared.dispose();
    this.held = undefined;
  }
}
