import { activeBackend, setBackend, type BackendName } from '@ufbert/tensor';
import { TfjsRuntime, type CrammedBertModel, type CrammedBertConfig, type InferenceRuntime, type TokenBatch } from '@ufbert/crammed-bert';

/**
 * A tfjs model bound to one backend: tfjs has one active backend per process, so each call
 * selects this pipeline's backend first, and pipelines on different devices can be used side by side.
 */
export class TfjsDeviceRuntime implements InferenceRuntime {
  private readonly inner: TfjsRuntime;
  readonly backend: BackendName;

  constructor(model: CrammedBertModel, backend: BackendName) {
    this.inner = new TfjsRuntime(model);
    this.backend = backend;
  }

  get config(): CrammedBertConfig {
    return this.inner.config;
  }

  get description(): string {
    return this.inner.description;
  }

  async hiddenStates(batch: TokenBatch): Promise<Float32Array> {
    await this.select();
    return this.inner.hiddenStates(batch);
  }

  async maskedLogits(batch: TokenBatch, positions: readonly number[]): Promise<Float32Array> {
    await this.select();
    return this.inner.maskedLogits(batch, positions);
  }

  async classificationLogits(batch: TokenBatch): Promise<Float32Array> {
    await this.select();
    return this.inner.classificationLogits(batch);
  }

  dispose(): void {
    this.inner.dispose();
  }

  private async select(): Promise<void> {
    if (activeBackend() !== this.backend) await setBackend(this.backend);
  }
}
