import { loadCheckpoint, type CrammedBertConfig, type CrammedBertModel } from '@ufbert/crammed-bert';
import { setBackend } from '@ufbert/tensor';
import {
  fffRoutesOfModel,
  modelFiles,
  webPipeline,
  type FillMaskCandidate,
  type FillMaskPipeline,
  type LabelScore,
  type ModelBytes,
  type TextClassificationPipeline,
  type TokenRoutes,
} from '@ufbert/pipelines/web';
import type { RuntimeOption } from './backends.js';

/** What one model said about one text. */
export interface ModelAnswer {
  /** fill-mask: the candidates for the first mask. */
  candidates?: FillMaskCandidate[];
  /** classification: every label with its score. */
  labels?: LabelScore[];
  tokens: number;
  /** The median of three timed calls, divided by the text's tokens. */
  msPerToken: number;
}

const TIMED_CALLS = 3;

/**
 * A model the page runs: its pipeline (fill-mask for an MLM, text-classification for a model
 * with a head) on the chosen backend and, for an FFF model, the same weights on tfjs for routes.
 */
export class PlaygroundModel {
  readonly name: string;
  readonly config: CrammedBertConfig;
  private readonly fill?: FillMaskPipeline;
  private readonly classify?: TextClassificationPipeline;
  private readonly routing?: CrammedBertModel;
  private readonly routesBackend: RuntimeOption['routes'];

  private constructor(
    name: string,
    config: CrammedBertConfig,
    pipe: FillMaskPipeline | TextClassificationPipeline,
    routing: CrammedBertModel | undefined,
    routesBackend: RuntimeOption['routes'],
  ) {
    this.name = name;
    this.config = config;
    if (pipe.task === 'fill-mask') this.fill = pipe as FillMaskPipeline;
    else this.classify = pipe as TextClassificationPipeline;
    this.routing = routing;
    this.routesBackend = routesBackend;
  }

  static async load(name: string, files: ModelBytes, backend: RuntimeOption): Promise<PlaygroundModel> {
    const { config, weights } = await modelFiles(files);
    const options = backend.model;
    const pipe = config.num_labels === null ? await webPipeline('fill-mask', files, options) : await webPipeline('text-classification', files, options);
    let routing: CrammedBertModel | undefined;
    if (config.intermed_type === 'fff') {
      await setBackend(backend.routes);
      routing = await loadCheckpoint(weights, config);
    }
    return new PlaygroundModel(name, config, pipe, routing, backend.routes);
  }

  get task(): 'fill-mask' | 'text-classification' {
    return this.fill ? 'fill-mask' : 'text-classification';
  }

  get isFFF(): boolean {
    return this.config.intermed_type === 'fff';
  }

  /** The runtime, as the pipeline names it (`tfjs (webgpu on ...)`, `onnxruntime-web [wasm] (...)`). */
  get runtime(): string {
    return (this.fill ?? this.classify)!.model.description;
  }

  async answer(text: string, topK: number): Promise<ModelAnswer> {
    const call = async (): Promise<Omit<ModelAnswer, 'tokens' | 'msPerToken'>> => {
      if (this.fill) {
        const result = await this.fill(text, { top_k: topK });
        return { candidates: Array.isArray(result[0]) ? (result as FillMaskCandidate[][])[0] : (result as FillMaskCandidate[]) };
      }
      const scores = await this.classify!(text, { top_k: null });
      return { labels: Array.isArray(scores[0]) ? (scores as LabelScore[][])[0] : (scores as LabelScore[]) };
    };
    const result = await call();
    const times: number[] = [];
    for (let i = 0; i < TIMED_CALLS; i++) {
      const start = performance.now();
      await call();
      times.push(performance.now() - start);
    }
    const tokens = (this.fill ?? this.classify)!.tokenizer.encode(text).ids.length;
    return { ...result, tokens, msPerToken: times.sort((a, b) => a - b)[Math.floor(TIMED_CALLS / 2)] / tokens };
  }

  /** Each token's FFF path (undefined for a dense model), on tfjs with ufbert's kernels. */
  async routes(text: string): Promise<TokenRoutes[] | undefined> {
    if (!this.routing) return undefined;
    await setBackend(this.routesBackend);
    return fffRoutesOfModel(this.routing, (this.fill ?? this.classify)!.tokenizer, text);
  }

  async dispose(): Promise<void> {
    await (this.fill ?? this.classify)!.dispose();
    this.routing?.dispose();
  }
}
