import { tf, setBackend, type Device, type Tensor2D } from '@ufbert/tensor';
import {
  CONFIG_FILE,
  HF_CONFIG_FILE,
  MODEL_FILE,
  loadCheckpoint,
  readModelConfig,
  readModelWeights,
  type CrammedBertConfig,
  type CrammedBertModel,
  type TextTokenizer,
} from '@ufbert/crammed-bert';
import { readModelFolderSnapshot } from '@ufbert/crammed-bert/node';
import { GlueError } from './errors.js';
import { seededShuffle } from './seeded-split.js';
import { cosineWithWarmup, recipeFor, type FineTuneRecipe } from './fine-tune-recipe.js';
import type { GlueExample } from './read-split.js';
import { evaluateTask, type SplitPredictions, type TaskEvaluation } from './scores.js';
import type { TaskDefinition } from './task-definition.js';
import { getTask, type TaskName } from './task-registry.js';

export interface FineTuneProgress {
  task: string;
  epoch: number;
  epochs: number;
  step: number;
  totalSteps: number;
  loss: number;
  lr: number;
}

export interface FineTuneOptions {
  /** A pretrained model folder (model.safetensors + model_config.json); its MLM head is replaced by the task's head. */
  modelDir: string;
  tokenizer: TextTokenizer;
  task: TaskName | TaskDefinition;
  train: readonly GlueExample[];
  /** Evaluation splits by name (`dev`, or `dev_matched` and `dev_mismatched` for MNLI). */
  eval: Readonly<Record<string, readonly GlueExample[]>>;
  recipe?: Partial<FineTuneRecipe>;
  backend?: Device | 'auto';
  onProgress?: (p: FineTuneProgress) => void;
  /** Called after each epoch with the evaluation so far. */
  onEpoch?: (epoch: number, evaluation: TaskEvaluation) => void;
  /** Receives loading's warning about non-finite weights; default console.warn. */
  warn?: (message: string) => void;
}

export interface FineTuneResult {
  task: string;
  evaluation: TaskEvaluation;
  /** The majority-class (or mean, for regression) baseline on the same splits. */
  baseline: TaskEvaluation;
  losses: number[];
  recipe: FineTuneRecipe;
  model: CrammedBertModel;
}

/** The config a pretrained checkpoint is fine-tuned with: the recipe's head, pooler and dropout. */
export function fineTuneConfig(config: CrammedBertConfig, recipe: FineTuneRecipe, numLabels: number): CrammedBertConfig {
  return {
    ...config,
    num_labels: numLabels,
    hidden_dropout_prob: recipe.dropout,
    embedding: { ...config.embedding, dropout_prob: recipe.dropout },
    attention: { ...config.attention, dropout_prob: recipe.dropout },
    classification_head: {
      ...config.classification_head,
      pooler: recipe.pooler,
      include_ff_layer: true,
      head_dim: recipe.headDim,
      nonlin: recipe.headNonlinearity,
      classifier_dropout: recipe.dropout,
    },
  };
}

function inputsOf(examples: readonly GlueExample[]): Array<string | [string, string]> {
  return examples.map((e) => (e.textB === undefined ? e.textA : [e.textA, e.textB]));
}

function labelsOf(task: TaskDefinition, examples: readonly GlueExample[], split: string): number[] {
  return examples.map((e, i) => {
    if (e.label === undefined)
      throw new GlueError(`${task.name} ${split}: example ${i} (${e.id}) has no label; fine-tuning and evaluation need labelled splits`);
    return e.label;
  });
}

function batchTensors(tokenizer: TextTokenizer, inputs: Array<string | [string, string]>, maxLength: number) {
  const enc = tokenizer.encodeBatch(inputs, { maxLength });
  return {
    ids: tf.tensor2d(enc.inputIds, undefined, 'int32') as Tensor2D,
    mask: tf.tensor2d(enc.attentionMask, undefined, 'float32') as Tensor2D,
  };
}

/** Class ids (argmax) or regression scores of a classifier on `examples`, batched. */
export async function predict(
  model: CrammedBertModel,
  tokenizer: TextTokenizer,
  task: TaskDefinition,
  examples: readonly GlueExample[],
  batchSize = 64,
  maxLength = 128,
): Promise<number[]> {
  const wasTraining = model.training;
  model.eval();
  const out: number[] = [];
  try {
    for (let start = 0; start < examples.length; start += batchSize) {
      const { ids, mask } = batchTensors(tokenizer, inputsOf(examples.slice(start, start + batchSize)), maxLength);
      const result = tf.tidy(() => {
        const logits = model.classificationLogits(ids, mask);
        return task.kind === 'regression' ? tf.reshape(logits, [-1]) : tf.argMax(logits, 1);
      });
      out.push(...(await result.data()));
      tf.dispose([ids, mask, result]);
    }
  } finally {
    if (wasTraining) model.train();
  }
  return out;
}

function isDecayed(name: string): boolean {
  return !(name.includes('norm') || name.endsWith('bias'));
}

/** The score of always answering the training set's majority class (its mean, for regression). */
export function baselineEvaluation(task: TaskDefinition, trainLabels: number[], evalLabels: Record<string, number[]>): TaskEvaluation {
  let constant: number;
  if (task.kind === 'regression') constant = trainLabels.reduce((a, b) => a + b, 0) / trainLabels.length;
  else {
    const counts = new Map<number, number>();
    for (const l of trainLabels) counts.set(l, (counts.get(l) ?? 0) + 1);
    constant = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0][0];
  }
  const outputs: Record<string, SplitPredictions> = {};
  for (const [split, labels] of Object.entries(evalLabels)) outputs[split] = { predictions: labels.map(() => constant), labels };
  return evaluateTask(task, outputs);
}

/**
 * Fine-tunes a pretrained checkpoint on one task with the GLUE_sane recipe (AdamW,
 * cosine schedule with warmup, dropout, a fresh pooler and head; cross-entropy, or MSE
 * for regression), then evaluates it on the given splits with the task's metrics.
 */
export async function fineTune(options: FineTuneOptions): Promise<FineTuneResult> {
  const task = getTask(options.task);
  const recipe = recipeFor(task.name, options.recipe);
  if (options.backend) await setBackend(options.backend);
  if (options.train.length === 0) throw new GlueError(`${task.name}: the training split is empty`);
  const trainLabels = labelsOf(task, options.train, 'train');
  const evalLabels: Record<string, number[]> = {};
  for (const [split, examples] of Object.entries(options.eval)) evalLabels[split] = labelsOf(task, examples, split);

  const read = await readModelFolderSnapshot(options.modelDir, [MODEL_FILE, CONFIG_FILE, HF_CONFIG_FILE]);
  const { config: pretrained } = await readModelConfig(read, options.modelDir);
  // The checkpoint's own num_labels stays, so loading sees the task's head as new (fresh
  // init) unless the checkpoint already is a classifier of this task's size.
  const config = { ...fineTuneConfig(pretrained, recipe, task.numLabels), num_labels: pretrained.num_labels };
  const model = await loadCheckpoint(await readModelWeights(read, options.modelDir), config, {
    where: `${options.modelDir}/${MODEL_FILE}`,
    numLabels: task.numLabels,
    seed: recipe.seed,
    warn: options.warn,
  });
  model.train();

  const variables = model.trainableVariables();
  const names = [...model.namedParameters().entries()];
  const decayed = new Set(names.filter(([name, v]) => v.trainable && isDecayed(name)).map(([, v]) => v));
  const optimizer = tf.train.adam(recipe.lr, recipe.betas[0], recipe.betas[1], recipe.eps);
  const indices = options.train.map((_, i) => i);
  const stepsPerEpoch = Math.ceil(indices.length / recipe.batchSize);
  const totalSteps = stepsPerEpoch * recipe.epochs;
  const losses: number[] = [];
  let step = 0;
  let evaluation: TaskEvaluation | undefined;
  for (let epoch = 0; epoch < recipe.epochs; epoch++) {
    const order = seededShuffle(indices, recipe.seed * 1009 + epoch);
    for (let start = 0; start < order.length; start += recipe.batchSize) {
      const idx = order.slice(start, start + recipe.batchSize);
      const { ids, mask } = batchTensors(options.tokenizer, inputsOf(idx.map((i) => options.train[i])), recipe.maxLength);
      const labels = idx.map((i) => trainLabels[i]);
      const lr = cosineWithWarmup(step, totalSteps, recipe.lr, recipe.warmupFraction);
      (optimizer as unknown as { learningRate: number }).learningRate = lr;
      const loss = optimizer.minimize(
        () =>
          tf.tidy(() => {
            const logits = model.classificationLogits(ids, mask);
            if (task.kind === 'regression') return tf.losses.meanSquaredError(tf.tensor1d(labels), tf.reshape(logits, [-1])) as tf.Scalar;
            return tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d(labels, 'int32'), task.numLabels), logits) as tf.Scalar;
          }),
        true,
        variables,
      );
      if (recipe.weightDecay > 0) {
        tf.tidy(() => {
          for (const v of decayed) v.assign(tf.mul(v, 1 - lr * recipe.weightDecay));
        });
      }
      const value = (await loss!.data())[0];
      tf.dispose([loss!, ids, mask]);
      if (!Number.isFinite(value)) {
        optimizer.dispose();
        model.dispose();
        throw new GlueError(
          `${task.name}: fine-tuning step ${step + 1} of ${totalSteps} (epoch ${epoch + 1}) gave a loss of ${value}; the checkpoint's weights or the learning rate ${lr} make the model non-finite, so no score would mean anything`,
        );
      }
      losses.push(value);
      options.onProgress?.({ task: task.name, epoch, epochs: recipe.epochs, step, totalSteps, loss: value, lr });
      step++;
    }
    if (options.onEpoch || epoch === recipe.epochs - 1) {
      evaluation = await evaluateModel(model, options.tokenizer, task, options.eval, recipe.maxLength);
      options.onEpoch?.(epoch, evaluation);
    }
  }
  optimizer.dispose();
  model.eval();
  return { task: task.name, evaluation: evaluation!, baseline: baselineEvaluation(task, trainLabels, evalLabels), losses, recipe, model };
}

/** Runs a classifier on every evaluation split and scores it with the task's metrics. */
export async function evaluateModel(
  model: CrammedBertModel,
  tokenizer: TextTokenizer,
  task: TaskName | TaskDefinition,
  splits: Readonly<Record<string, readonly GlueExample[]>>,
  maxLength = 128,
): Promise<TaskEvaluation> {
  const definition = getTask(task);
  const outputs: Record<string, SplitPredictions> = {};
  for (const [split, examples] of Object.entries(splits)) {
    outputs[split] = { predictions: await predict(model, tokenizer, definition, examples, 64, maxLength), labels: labelsOf(definition, examples, split) };
  }
  return evaluateTask(definition, outputs);
}
