import { tf, layerNorm, geluExact, Rng, ShapeError, formatShape } from '@ufbert/tensor';
import { FFF, type KernelChoice, type LayerRoutes } from '@ufbert/fff';
import type { Tensor, Tensor1D, Tensor2D, Tensor3D, RngState, SafeTensor } from '@ufbert/tensor';
import { isClassifier, type CrammedBertConfig } from './config.js';
import { CheckpointError, ModelError } from './errors.js';
import { DECODER_WEIGHT, WORD_EMBEDDING, initStd, parameterSpecs, type ParameterSpec } from './parameters.js';
import { initialValue } from './init.js';
import { sinusoidalTable } from './positional.js';
import { additivePaddingMask, selfAttention, type AttentionWeights } from './attention.js';
import { feedforward, type FeedforwardWeights } from './feedforward.js';
import { TransposedWeights, dense, recordingGradients, type DenseWeight } from './dense.js';

export interface CreateModelOptions {
  /** Seeds the initial weights and, after that, the dropout masks. Default 0. */
  seed?: number;
  /**
   * The CMM kernel of the FFF blocks: backend (`ts`, `wasm`, `webgpu`), level, and the weight
   * dtype their inference runs on (`q8`: int8 FFF tables, cpu and wasm; training stays fp32).
   * Default: the active tfjs backend's own (cpu: `ts`, wasm: `wasm`, webgpu: `webgpu`),
   * fastest level, `fp32`.
   */
  kernel?: KernelChoice;
}

/** Set by CrammedBertModel's static block: its private constructor, for `adoptVariables`. */
type Adopt = (config: CrammedBertConfig, specs: ParameterSpec[], variables: Map<string, tf.Variable>, options: CreateModelOptions) => CrammedBertModel;
let adopt: Adopt;

/**
 * crammedBERT / UltraFastBERT (the reference's ScriptableLMForPreTraining when
 * `config.num_labels` is null, ScriptableLMForSequenceClassification otherwise).
 *
 * Weights live in tf variables keyed by the reference state-dict names. Every forward
 * method returns a new tensor that the caller disposes; nothing else is left behind.
 * Dropout is active only in training mode (`train()`), with masks drawn from a seeded Rng.
 */
export class CrammedBertModel {
  readonly config: CrammedBertConfig;
  /** Every state-dict entry except the tied decoder; buffers are non-trainable variables. */
  private readonly variables: Map<string, tf.Variable>;
  private readonly positions: tf.Variable;
  private readonly specs: ParameterSpec[];
  /** Inference layouts of the dense weights, prepared on first use. */
  private readonly transposed = new TransposedWeights();
  /** The FFF blocks by layer (intermed_type fff): each owns its three `ffn.` variables and its prepared weights. */
  private readonly fffBlocks: FFF[] = [];
  private readonly rng: Rng;
  private isTraining = false;
  private disposed = false;

  private constructor(config: CrammedBertConfig, specs: ParameterSpec[], variables: Map<string, tf.Variable>, seed: number, kernel: KernelChoice = {}) {
    this.config = config;
    this.variables = variables;
    this.specs = specs;
    this.rng = new Rng(seed);
    if (config.intermed_type === 'fff') {
      const fffConfig = { inputWidth: config.hidden_size, outputWidth: config.hidden_size, depth: config.intermed_depth, trees: config.intermed_size };
      for (let i = 0; i < config.num_transformer_layers; i++) {
        const get = (name: string) => variables.get(`encoder.layers.${i}.ffn.${name}`)!;
        const adopted = { 'linear_in.weight': get('linear_in.weight'), 'linear_in.bias': get('linear_in.bias'), 'linear_out.weight': get('linear_out.weight') };
        this.fffBlocks.push(new FFF(fffConfig, { variables: adopted, kernel }));
      }
    }
    const { max_seq_length: maxLength } = config.embedding;
    const table = tf.tensor2d(sinusoidalTable(maxLength, config.hidden_size), [maxLength, config.hidden_size]);
    this.positions = tf.variable(table, false);
    table.dispose();
  }

  /** A freshly initialised model, as the reference's `_init_weights` does it (normal(std), zero biases, LayerNorm 1/0). */
  static create(config: CrammedBertConfig, options: CreateModelOptions = {}): CrammedBertModel {
    const seed = options.seed ?? 0;
    const rng = new Rng(seed);
    const std = initStd(config);
    const specs = parameterSpecs(config);
    const variables = new Map<string, tf.Variable>();
    for (const spec of specs) {
      if (spec.kind === 'tied') continue;
      variables.set(spec.name, makeVariable(initialValue(spec, config, std, rng), spec));
    }
    // The dropout stream is decorrelated from the init stream so re-seeding one does not replay the other.
    return new CrammedBertModel(config, specs, variables, seed ^ 0x5bd1e995, options.kernel);
  }

  /**
   * Wraps already-checked tensors (reference names, every non-tied entry of `parameterSpecs(config)`)
   * into a model. Takes ownership: the tensors are disposed once copied into variables.
   */
  static fromTensors(config: CrammedBertConfig, tensors: Map<string, Tensor>, options: CreateModelOptions = {}): CrammedBertModel {
    const allSpecs = parameterSpecs(config);
    const specs = allSpecs.filter((spec) => spec.kind !== 'tied');
    const problems: string[] = [];
    for (const spec of specs) {
      const tensor = tensors.get(spec.name);
      if (!tensor) problems.push(`missing parameter ${spec.name} of shape ${formatShape(spec.shape)}`);
      else if (tensor.shape.length !== spec.shape.length || tensor.shape.some((d, i) => d !== spec.shape[i])) {
        problems.push(`expected ${spec.name} of shape ${formatShape(spec.shape)}, got ${formatShape(tensor.shape)}`);
      }
    }
    if (problems.length) throw new CheckpointError('fromTensors', problems);
    const variables = new Map<string, tf.Variable>();
    for (const spec of specs) {
      variables.set(spec.name, makeVariable(tensors.get(spec.name)!, spec));
      tensors.delete(spec.name);
    }
    return new CrammedBertModel(config, allSpecs, variables, options.seed ?? 0, options.kernel);
  }

  static {
    // The checkpoint loader builds the variables itself from specs it already computed and checked.
    adopt = (config, specs, variables, options) => new CrammedBertModel(config, specs, variables, options.seed ?? 0, options.kernel);
  }

  /** The feedforward blocks' FFF layers, one per transformer layer (none for dense blocks); the model owns them. */
  get fffLayers(): readonly FFF[] {
    return this.fffBlocks;
  }

  /** What runs the feedforward blocks on the active tfjs backend: `FFF kernel ConditionalMatmul/ts/fused`, or `dense feedforward`. */
  describeKernel(): string {
    return this.fffBlocks.length ? `FFF kernel ${this.fffBlocks[0].describeKernel()}` : 'dense feedforward';
  }

  get isClassifier(): boolean {
    return isClassifier(this.config);
  }

  get training(): boolean {
    return this.isTraining;
  }

  /** Training mode: dropout on. */
  train(): this {
    this.isTraining = true;
    return this;
  }

  /** Evaluation mode: dropout off, outputs deterministic. */
  eval(): this {
    this.isTraining = false;
    return this;
  }

  /** The dropout generator's state, to resume training exactly. */
  get dropoutState(): RngState {
    return this.rng.getState();
  }

  set dropoutState(state: RngState) {
    this.rng.setState(state);
  }

  /** The variable behind a reference state-dict name (`decoder.weight` is the word embedding). */
  parameter(name: string): tf.Variable {
    const v = this.variables.get(name === DECODER_WEIGHT && !this.isClassifier ? WORD_EMBEDDING : name);
    if (!v) throw new ModelError(`model has no parameter '${name}'`);
    return v;
  }

  /** Trainable variables by reference name, in module order (buffers and the tied decoder excluded). */
  namedParameters(): Map<string, tf.Variable> {
    const out = new Map<string, tf.Variable>();
    for (const spec of this.specs) if (spec.kind === 'parameter') out.set(spec.name, this.parameter(spec.name));
    return out;
  }

  /** The trainable variables, for an optimiser. */
  trainableVariables(): tf.Variable[] {
    return [...this.namedParameters().values()];
  }

  /** Number of trained scalars (the tied decoder counted once). */
  parameterCount(): number {
    return this.trainableVariables().reduce((n, v) => n + v.size, 0);
  }

  /**
   * The encoder: final hidden states [B, S, H] (after the final norm).
   * inputIds int32 [B, S] with S <= max_seq_length; attentionMask [B, S] of 1 (token) / 0 (padding).
   */
  hiddenStates(inputIds: Tensor2D, attentionMask?: Tensor2D): Tensor3D {
    return this.encode(inputIds, attentionMask);
  }

  /**
   * The path each token takes through every FFF layer, in eval mode: per layer, the global
   * node index (t * n + heap index) visited at each level of each tree and that node's
   * logit (x . w + b, whose sign chose the next level), both [B * S, trees, depth + 1]
   * row-major. What `hiddenStates` computes, with the routes kept.
   */
  async fffRoutes(inputIds: Tensor2D, attentionMask?: Tensor2D): Promise<LayerRoutes[]> {
    if (this.config.intermed_type !== 'fff') throw new ModelError('fffRoutes: this model has dense feedforward blocks, not FFF');
    const routes: Array<{ nodes: Tensor; logits: Tensor }> = [];
    const wasTraining = this.isTraining;
    this.eval();
    try {
      tf.dispose(this.encode(inputIds, attentionMask, routes));
      return await Promise.all(routes.map(async (r) => ({ nodes: (await r.nodes.data()) as Int32Array, logits: (await r.logits.data()) as Float32Array })));
    } finally {
      tf.dispose(routes.flatMap((r) => [r.nodes, r.logits]));
      if (wasTraining) this.train();
    }
  }

  /** The encoder; with `routes`, FFF layers also push their visited nodes and logits there (kept out of the tidy). */
  private encode(inputIds: Tensor2D, attentionMask: Tensor2D | undefined, routes?: Array<{ nodes: Tensor; logits: Tensor }>): Tensor3D {
    this.checkInputs(inputIds, attentionMask);
    const c = this.config;
    return tf.tidy(() => {
      const [batch, seq] = inputIds.shape;
      const hidden = c.hidden_size;
      const words = tf.gather(this.variables.get(WORD_EMBEDDING)!, inputIds) as Tensor3D;
      const positions = tf.mul(this.variables.get('encoder.embedding.pos_embedding.scale_factor')!, tf.slice(this.positions, [0, 0], [seq, hidden]));
      let x = tf.add(words, positions) as Tensor3D;
      if (c.embedding.normalization) x = this.norm('encoder.embedding.norm', x);
      x = this.dropout(x, c.embedding.dropout_prob);
      const mask = attentionMask ? additivePaddingMask(attentionMask) : undefined;
      for (let i = 0; i < c.num_transformer_layers; i++) {
        const p = `encoder.layers.${i}`;
        const attended = selfAttention(this.norm(`${p}.norm1`, x), this.attentionWeights(p), c.attention.num_attention_heads, mask, (probs) =>
          this.dropout(probs, c.attention.dropout_prob),
        );
        const weights = this.feedforwardWeights(i);
        // The FFF kernel's idle worker warms the layer's top tree levels while this thread adds and normalises.
        if (weights.kind === 'fff' && !recordingGradients()) weights.layer.prefetch(batch * seq);
        x = tf.add(x, this.dropout(attended, c.hidden_dropout_prob));
        const normed = tf.reshape(this.norm(`${p}.norm2`, x), [batch * seq, hidden]) as Tensor2D;
        let out: Tensor2D;
        if (routes && weights.kind === 'fff') {
          const { y, nodes, logits } = weights.layer.route(normed);
          routes.push({ nodes: tf.keep(nodes), logits: tf.keep(logits) });
          out = y as Tensor2D;
        } else {
          out = feedforward(normed, weights);
        }
        const fed = tf.reshape(out, [batch, seq, hidden]) as Tensor3D;
        x = tf.add(x, this.dropout(fed, c.hidden_dropout_prob));
      }
      return c.final_norm ? this.norm('encoder.final_norm', x) : x;
    });
  }

  /** The tied MLM decoder on flattened hidden states: [T, H] -> logits [T, vocab]. */
  decode(hidden: Tensor2D): Tensor2D {
    this.assertLive();
    if (this.isClassifier) throw new ModelError('decode: this model has a classification head, not the MLM decoder');
    return dense(hidden, this.denseWeight(WORD_EMBEDDING));
  }

  /** MLM logits on every position, [B * S, vocab], as the reference's forward without labels. */
  mlmLogits(inputIds: Tensor2D, attentionMask?: Tensor2D): Tensor2D {
    if (this.isClassifier) throw new ModelError('mlmLogits: this model has a classification head, not the MLM decoder');
    return tf.tidy(() => {
      const hidden = this.hiddenStates(inputIds, attentionMask);
      return this.decode(tf.reshape(hidden, [-1, this.config.hidden_size]) as Tensor2D);
    });
  }

  /**
   * The reference PoolingComponent: pool over the sequence (`zero_index`: first token;
   * `avg`, `max`, `lse` over every position, padding included, as the reference does),
   * then `dense` with bias, the nonlinearity and dropout. [B, S, H] -> [B, head_dim].
   */
  pool(hidden: Tensor3D): Tensor2D {
    this.assertLive();
    if (!this.isClassifier) throw new ModelError('pool: this model has no classification head (num_labels is null)');
    const head = this.config.classification_head;
    return tf.tidy(() => {
      let pooled: Tensor2D;
      switch (head.pooler) {
        case 'zero_index':
          pooled = tf.squeeze(tf.slice(hidden, [0, 0, 0], [-1, 1, -1]), [1]) as Tensor2D;
          break;
        case 'avg':
          pooled = tf.mean(hidden, 1) as Tensor2D;
          break;
        case 'max':
          pooled = tf.max(hidden, 1) as Tensor2D;
          break;
        case 'lse':
          pooled = tf.logSumExp(hidden, 1) as Tensor2D;
          break;
      }
      if (head.include_ff_layer) pooled = this.linear('pooler.dense', pooled);
      const activated = head.nonlin === 'Tanh' ? tf.tanh(pooled) : head.nonlin === 'GELU' ? geluExact(pooled) : tf.relu(pooled);
      return this.dropout(activated, head.classifier_dropout) as Tensor2D;
    });
  }

  /** Classification (or, for num_labels 1, regression) logits [B, num_labels]. */
  classificationLogits(inputIds: Tensor2D, attentionMask?: Tensor2D): Tensor2D {
    if (!this.isClassifier) throw new ModelError('classificationLogits: this model has no classification head (num_labels is null)');
    return tf.tidy(() => this.linear('head', this.pool(this.hiddenStates(inputIds, attentionMask))));
  }

  /**
   * The reference state dict: every entry of `parameterSpecs(config)` under its reference
   * name, `decoder.weight` included for MLM models. Data is read back from the backend.
   */
  async stateDict(): Promise<Map<string, SafeTensor>> {
    this.assertLive();
    const out = new Map<string, SafeTensor>();
    for (const spec of this.specs) {
      const data = (await this.parameter(spec.name).data()) as Float32Array;
      out.set(spec.name, { dtype: 'F32', shape: [...spec.shape], data });
    }
    return out;
  }

  /** Frees every variable. The model cannot be used afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const owned = new Set<tf.Variable>(this.fffBlocks.flatMap((layer) => layer.trainableVariables));
    for (const layer of this.fffBlocks) layer.dispose();
    for (const v of this.variables.values()) if (!owned.has(v)) v.dispose();
    this.variables.clear();
    this.positions.dispose();
    this.transposed.dispose();
  }

  // -------------------------------------------------------------------------

  private assertLive(): void {
    if (this.disposed) throw new ModelError('this model was disposed');
  }

  private checkInputs(inputIds: Tensor2D, attentionMask: Tensor2D | undefined): void {
    this.assertLive();
    if (inputIds.rank !== 2 || inputIds.dtype !== 'int32') {
      throw new ShapeError(`expected inputIds as int32 [batch, seq], got ${inputIds.dtype} ${formatShape(inputIds.shape)}`);
    }
    const max = this.config.embedding.max_seq_length;
    if (inputIds.shape[1] > max) {
      throw new ShapeError(`sequence of ${inputIds.shape[1]} tokens exceeds the model's max_seq_length ${max}`);
    }
    if (attentionMask && (attentionMask.rank !== 2 || attentionMask.shape[0] !== inputIds.shape[0] || attentionMask.shape[1] !== inputIds.shape[1])) {
      throw new ShapeError(`expected attentionMask of shape ${formatShape(inputIds.shape)}, got ${formatShape(attentionMask.shape)}`);
    }
  }

  private dropout<T extends Tensor>(x: T, rate: number): T {
    if (!this.isTraining || rate === 0) return x;
    return tf.dropout(x, rate, undefined, this.rng.nextUint32()) as T;
  }

  private norm<T extends Tensor>(prefix: string, x: T): T {
    return layerNorm(
      x,
      this.variables.get(`${prefix}.weight`) as Tensor as Tensor1D,
      this.variables.get(`${prefix}.bias`) as Tensor as Tensor1D,
      this.config.norm_eps,
    );
  }

  private linear(prefix: string, x: Tensor2D): Tensor2D {
    return tf.add(dense(x, this.denseWeight(`${prefix}.weight`)), this.variables.get(`${prefix}.bias`)!) as Tensor2D;
  }

  private attentionWeights(prefix: string): AttentionWeights {
    return {
      queryKeyValue: this.denseWeight(`${prefix}.attn.self_attention.query_key_value.weight`),
      dense: this.denseWeight(`${prefix}.attn.dense.weight`),
      normFactor: this.variables.get(`${prefix}.attn.self_attention.norm_factor`)!,
    };
  }

  private feedforwardWeights(layer: number): FeedforwardWeights {
    if (this.config.intermed_type === 'fff') return { kind: 'fff', layer: this.fffBlocks[layer] };
    const p = `encoder.layers.${layer}.ffn`;
    return { kind: 'ff', denseIn: this.denseWeight(`${p}.dense_in.weight`), denseOut: this.denseWeight(`${p}.dense_out.weight`) };
  }

  /** The variable itself while gradients are recorded (so they reach it), else its prepared [in, out] copy. */
  private denseWeight(name: string): DenseWeight {
    const variable = this.variables.get(name)!;
    if (recordingGradients()) return { weight: variable as Tensor as Tensor2D, transposed: false };
    return { weight: this.transposed.get(variable), transposed: true };
  }
}

/**
 * A model over variables already made for every non-tied entry of `specs` (which are
 * `parameterSpecs(config)`); takes ownership. For the checkpoint loader, not exported from the package.
 */
export function adoptVariables(...args: Parameters<Adopt>): CrammedBertModel {
  return adopt(...args);
}

/** A variable of `spec`'s shape holding `initial` (disposed), trainable unless it is a buffer. */
export function makeVariable(initial: Tensor, spec: ParameterSpec): tf.Variable {
  const shaped = tf.reshape(initial, spec.shape);
  const variable = tf.variable(shaped, spec.kind === 'parameter');
  shaped.dispose();
  initial.dispose();
  return variable;
}
