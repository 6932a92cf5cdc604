import { activeBackend, setBackend, tf, type Device } from '@ufbert/tensor';
import { TfjsRuntime, loadCheckpoint, type InferenceRuntime, type KernelChoice, type ModelFolderParts } from '@ufbert/crammed-bert';
import type { Dtype } from '@ufbert/onnx/dtype';
import type { Runtime } from './device.js';
import { ModelLoadError } from './errors.js';
import type { LoadedModel } from './loaded-model.js';

/**
 * Where an edge (Node, a page) runs the exported graph: onnxruntime-node, or onnxruntime-web.
 * Everything else about loading a model is the same on both, and lives in `loadModelParts`.
 */
export interface OnnxEdge extends RuntimeOptionOwners {
  /** The model's graph in this onnxruntime, exported from the parts (or found in a cache). */
  open(parts: ModelFolderParts, dtype: Dtype): Promise<InferenceRuntime>;
}

/** Which options belong to an edge's onnxruntime and which to tfjs. */
export interface RuntimeOptionOwners {
  /** The runtime's name, as the `runtime` option names it. */
  readonly name: string;
  /** Options only this onnxruntime takes. */
  readonly onnxOptions: readonly string[];
  /** Options only tfjs takes on this edge besides `kernel` (`device` where onnxruntime takes none). */
  readonly tfjsOptions: readonly string[];
}

/** What `loadModelParts` needs to run a model on tfjs: the backend (`active`: the one tfjs already runs, else cpu) and the FFF kernel. */
export interface TfjsChoice {
  backend: Device | 'auto' | 'active';
  kernel?: KernelChoice;
}

/**
 * The one check of which options go with which runtime, in the same words on every edge:
 * an option of the runtime not chosen is refused, never ignored.
 */
export function checkRuntimeOptions(runtime: Runtime, options: object, edge: RuntimeOptionOwners): void {
  const given = (names: readonly string[]) => names.filter((name) => (options as Record<string, unknown>)[name] !== undefined);
  const [misplaced, owner, chosen] =
    runtime === 'tfjs' ? [given(edge.onnxOptions), edge.name, 'tfjs'] : [given(['kernel', ...edge.tfjsOptions]), 'tfjs', edge.name];
  if (misplaced.length === 0) return;
  const names = misplaced.length === 1 ? misplaced[0] : `${misplaced.slice(0, -1).join(', ')} and ${misplaced[misplaced.length - 1]}`;
  throw new ModelLoadError(`${names} ${misplaced.length === 1 ? 'applies' : 'apply'} to the ${owner} runtime, not ${chosen}`);
}

/** A model folder's parts, read by an edge, on tfjs with ufbert's kernels (`tfjs` given) or in the edge's onnxruntime. */
export async function loadModelParts(
  parts: ModelFolderParts,
  dtype: Dtype,
  tfjs: TfjsChoice | undefined,
  edge: OnnxEdge,
  warn?: (message: string) => void,
): Promise<LoadedModel> {
  const { tokenizer, labels: id2label } = parts;
  if (!tfjs) return { runtime: await edge.open(parts, dtype), dtype, tokenizer, id2label };
  // `active`: the backend already running, or cpu in a process that has none yet.
  const backend = await setBackend(tfjs.backend !== 'active' ? tfjs.backend : tf.getBackend() ? activeBackend() : 'cpu');
  const model = await loadCheckpoint(parts.weights, parts.config, { warn, kernel: tfjs.kernel });
  return { runtime: new TfjsRuntime(model, { device: backend }), dtype, tokenizer, id2label };
}
