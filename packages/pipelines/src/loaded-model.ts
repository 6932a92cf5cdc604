import type { InferenceRuntime, TextTokenizer } from '@ufbert/crammed-bert';
import type { Dtype } from '@ufbert/onnx/dtype';

/** A model ready to run: its runtime, the weights' precision it runs, its tokenizer and its label names (from the config, when it has them). */
export interface LoadedModel {
  runtime: InferenceRuntime;
  dtype: Dtype;
  tokenizer: TextTokenizer;
  id2label: string[] | undefined;
}
