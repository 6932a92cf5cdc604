import type { TokenRoutes } from '@ufbert/pipelines/web';
import type { ModelAnswer } from './playground-model.js';

/** One loaded model's part of the page, as the page shows it. */
export interface ModelState {
  name: string;
  kind: 'fff' | 'ff';
  task: 'fill-mask' | 'text-classification';
  /** The runtime the pipeline runs on, in its own words. */
  runtime: string;
  answer?: ModelAnswer;
  routes?: TokenRoutes[];
}

/** What the page leaves in `window.ufbertPlayground` for a test (and a console) to read. */
export interface PageState {
  /** `busy` while loading or running; `ready` once the last run is on screen; `error` with `error` set. */
  status: 'busy' | 'ready' | 'error';
  backend: string;
  text: string;
  models: ModelState[];
  error?: string;
  /** The last download of a model named by hub id or URL: the files fetched over the network (none when the Cache API had them all) and the last progress. */
  download?: { name: string; fetched: string[]; file?: string; loaded?: number; total?: number };
}

declare global {
  interface Window {
    ufbertPlayground?: PageState;
  }
}
