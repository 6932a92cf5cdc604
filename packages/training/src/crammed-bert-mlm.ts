import { join } from 'node:path';
import { readSafetensorsFile, writeFileAtomic } from '@ufbert/tensor/node';
import { tf, toFloat32, type Tensor2D, type RngState } from '@ufbert/tensor';
import { type CrammedBertModel, MODEL_FILE, modelFolderFiles } from '@ufbert/crammed-bert';
import { TrainingContractError } from './errors.js';
import { sparseCrossEntropy, type MaskedLanguageModel, type MlmBatchTensors } from './model.js';

/**
 * A crammedBERT / UltraFastBERT model as the trainer sees it. The loss decodes only the
 * masked positions (the reference's sparse prediction), so the [B*S, vocab] logits of the
 * whole batch are never built.
 */
export class CrammedBertMlm implements MaskedLanguageModel {
  constructor(readonly model: CrammedBertModel) {
    if (model.isClassifier) throw new TrainingContractError('MLM pretraining needs a model with the MLM decoder (num_labels null), got a classifier');
  }

  get config(): unknown {
    return this.model.config;
  }

  namedParameters(): ReadonlyMap<string, tf.Variable> {
    return new Map([...this.model.namedParameters()].filter(([, v]) => v.trainable));
  }

  mlmLoss(batch: MlmBatchTensors, training: boolean): tf.Scalar {
    if (training) this.model.train();
    else this.model.eval();
    return tf.tidy(() => {
      const hidden = this.model.hiddenStates(batch.inputIds, batch.attentionMask);
      const flat = tf.reshape(hidden, [-1, this.model.config.hidden_size]);
      const masked = tf.gather(flat, batch.maskedPositions) as Tensor2D;
      return sparseCrossEntropy(this.model.decode(masked), batch.maskedTargets);
    });
  }

  /** The model folder's files (crammed-bert's one writer) into the step folder, which the trainer writes as its unit with its own manifest. */
  async saveCheckpoint(dir: string, metadata?: Record<string, string>): Promise<void> {
    for (const [name, contents] of Object.entries(await modelFolderFiles(this.model, { metadata }))) await writeFileAtomic(join(dir, name), contents);
  }

  async loadCheckpoint(dir: string): Promise<void> {
    const { tensors } = await readSafetensorsFile(join(dir, MODEL_FILE));
    const params = this.model.namedParameters();
    for (const [name, variable] of params) {
      const stored = tensors.get(name);
      if (!stored) throw new TrainingContractError(`${join(dir, MODEL_FILE)} has no parameter ${name}`);
      tf.tidy(() => variable.assign(tf.tensor(toFloat32(stored), variable.shape)));
    }
  }

  getRandomState(): unknown {
    return this.model.dropoutState;
  }

  setRandomState(state: unknown): void {
    this.model.dropoutState = state as RngState;
  }
}
