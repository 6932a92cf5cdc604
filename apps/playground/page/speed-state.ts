/** One model's figures in the speed panel. */
export interface SpeedModel {
  name: string;
  kind: 'fff' | 'ff';
  msPerCall: number;
  usPerToken: number;
  flopsPerToken: number;
  calls: number;
}

/** What the speed panel leaves in `window.ufbertSpeed` for a test (and a console) to read. */
export interface SpeedState {
  /** `busy` while building or timing; `ready` with `models` and the ratios; `error` with `error` set. */
  status: 'idle' | 'busy' | 'ready' | 'error';
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
  size: 'full' | 'tiny';
  backend: 'wasm' | 'webgpu';
  threads: number;
  /** `SxT`: S sequences of T tokens per call. */
  call: string;
  models: SpeedModel[];
  /** crammedBERT's µs per token over UltraFastBERT's. */
  ratio?: number;
  /** crammedBERT's FLOPs per token over UltraFastBERT's: the ratio if both ran at the same FLOP rate. */
  flopRatio?: number;
  error?: string;
}

declare global {
  interface Window {
    ufbertSpeed?: SpeedState;
  }
}
