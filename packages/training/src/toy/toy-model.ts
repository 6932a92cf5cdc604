import { join } from 'node:path';
import { FILE_LIMITS, readJson, readSafetensorsFile, writeJsonAtomic, writeSafetensorsFile } from '@ufbert/tensor/node';
import { tf, layerNorm, Rng, formatShape, type Tensor1D, type Tensor2D, type Tensor3D, type SafeTensor } from '@ufbert/tensor';
import { CheckpointError, TrainingConfigError } from '../errors.js';
import { sparseCrossEntropy, type MaskedLanguageModel, type MlmBatchTensors } from '../model.js';

export interface ToyMlmConfig {
  vocabSize: number;
  hiddenSize: number;
  /** Seeds the initial weights. Default 0. */
  seed?: number;
}

export const TOY_MODEL_FILE = 'model.safetensors';
export const TOY_CONFIG_FILE = 'model_config.json';

/**
 * A deliberately tiny masked language model: word embeddings, the mean embedding of the
 * sequence as context, one dense tanh layer, a LayerNorm, and a decoder tied to the
 * embeddings. It learns word frequencies and a little topic context, nothing more. It exists
 * to exercise the trainer end to end (smoke tests, examples, the resume test) in seconds;
 * real pretraining wraps the crammedBERT model in the same interface.
 */
export class ToyMaskedLanguageModel implements MaskedLanguageModel {
  readonly config: Required<ToyMlmConfig>;
  private readonly parameters: Map<string, tf.Variable>;

  private constructor(config: Required<ToyMlmConfig>, parameters: Map<string, tf.Variable>) {
    this.config = config;
    this.parameters = parameters;
  }

  static create(config: ToyMlmConfig): ToyMaskedLanguageModel {
    const { vocabSize, hiddenSize, seed = 0 } = config;
    if (!Number.isInteger(vocabSize) || vocabSize < 2 || !Number.isInteger(hiddenSize) || hiddenSize < 1) {
      throw new TrainingConfigError([`toy model needs an integer vocabSize >= 2 and hiddenSize >= 1, got ${vocabSize} and ${hiddenSize}`]);
    }
    const rng = new Rng(seed);
    const normal = (shape: number[]) => tf.variable(rng.normalTensor(shape, 0, 0.02), true);
    const parameters = new Map<string, tf.Variable>([
      ['embeddings.word.weight', normal([vocabSize, hiddenSize])],
      ['context.weight', normal([hiddenSize, hiddenSize])],
      ['dense.weight', normal([hiddenSize, hiddenSize])],
      ['dense.bias', tf.variable(tf.zeros([hiddenSize]), true)],
      ['norm.weight', tf.variable(tf.ones([hiddenSize]), true)],
      ['norm.bias', tf.variable(tf.zeros([hiddenSize]), true)],
    ]);
    return new ToyMaskedLanguageModel({ vocabSize, hiddenSize, seed }, parameters);
  }

  namedParameters(): ReadonlyMap<string, tf.Variable> {
    return this.parameters;
  }

  mlmLoss(batch: MlmBatchTensors, _training: boolean): tf.Scalar {
    return tf.tidy(() => {
      const p = (name: string) => this.parameters.get(name)!;
      const [rows, length] = batch.inputIds.shape;
      const ids = tf.reshape(batch.inputIds, [-1]) as Tensor1D;
      const words = tf.reshape(tf.gather(p('embeddings.word.weight') as Tensor2D, ids), [rows, length, this.config.hiddenSize]) as Tensor3D;
      const present = tf.expandDims(tf.cast(batch.attentionMask, 'float32'), 2);
      const context = tf.div(tf.sum(tf.mul(words, present), 1), tf.sum(present, 1)) as Tensor2D;
      const mixed = tf.add(words, tf.expandDims(tf.matMul(context, p('context.weight')), 1));
      const flat = tf.reshape(mixed, [rows * length, this.config.hiddenSize]) as Tensor2D;
      const predicted = tf.gather(flat, batch.maskedPositions);
      const hidden = tf.tanh(tf.add(tf.matMul(predicted, p('dense.weight')), p('dense.bias')));
      const normed = layerNorm(hidden, p('norm.weight') as Tensor1D, p('norm.bias') as Tensor1D) as Tensor2D;
      const logits = tf.matMul(normed, p('embeddings.word.weight'), false, true) as Tensor2D;
      return sparseCrossEntropy(logits, batch.maskedTargets);
    });
  }

  async saveCheckpoint(dir: string, metadata?: Record<string, string>): Promise<void> {
    const tensors = new Map<string, SafeTensor>();
    for (const [name, variable] of this.parameters) {
      tensors.set(name, { dtype: 'F32', shape: [...variable.shape], data: (await variable.data()) as Float32Array });
    }
    await writeSafetensorsFile(join(dir, TOY_MODEL_FILE), tensors, { ...metadata, format: 'pt' });
    await writeJsonAtomic(join(dir, TOY_CONFIG_FILE), this.config);
  }

  async loadCheckpoint(dir: string): Promise<void> {
    const config = (await readJson(join(dir, TOY_CONFIG_FILE), {
      what: 'toy model config',
      maxBytes: FILE_LIMITS.config,
      fail: (message) => new CheckpointError(message),
    })) as ToyMlmConfig;
    if (config.vocabSize !== this.config.vocabSize || config.hiddenSize !== this.config.hiddenSize) {
      throw new CheckpointError(
        `${dir}: expected a toy model with vocabSize ${this.config.vocabSize} and hiddenSize ${this.config.hiddenSize}, got ${config.vocabSize} and ${config.hiddenSize}`,
      );
    }
    const { tensors } = await readSafetensorsFile(join(dir, TOY_MODEL_FILE));
    for (const [name, variable] of this.parameters) {
      const stored = tensors.get(name);
      if (!stored || !tf.util.arraysEqual(stored.shape, variable.shape)) {
        throw new CheckpointError(`${dir}: expected ${name} of shape ${formatShape(variable.shape)}, got ${stored ? formatShape(stored.shape) : 'none'}`);
      }
      tf.tidy(() => variable.assign(tf.tensor(stored.data as Float32Array, [...variable.shape], 'float32')));
    }
  }

  dispose(): void {
    tf.dispose([...this.parameters.values()]);
  }
}
