/**
 * Loading progress, in transformers.js's event shapes: per file `initiate`, `download`
 * (a network fetch starts), `progress` (bytes so far) and `done`; `ready` once the pipeline
 * can run. `name` is the model as given, `file` the file's name in the model folder.
 */
export type ProgressInfo =
  | { status: 'initiate'; name: string; file: string }
  /** `host`: the origin the bytes come from when the hub redirected to its file storage (another host). */
  | { status: 'download'; name: string; file: string; host?: string }
  | { status: 'progress'; name: string; file: string; progress: number; loaded: number; total: number }
  | { status: 'done'; name: string; file: string }
  | { status: 'ready'; task: string; model: string };

export type ProgressCallback = (info: ProgressInfo) => void;
