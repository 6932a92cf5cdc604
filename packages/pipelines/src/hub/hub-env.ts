import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Loading settings in transformers.js's shape. A field left unset (or set back to undefined)
 * follows the Python hub's environment variables, read when a model is loaded:
 * `remoteHost` <- `HF_ENDPOINT` (default https://huggingface.co), `cacheDir` <- `HF_HUB_CACHE`,
 * else `HF_HOME/hub`, else `$XDG_CACHE_HOME/huggingface/hub`, else `~/.cache/huggingface/hub`
 * (the folder Python's huggingface_hub uses, so both find each other's downloads),
 * `allowRemoteModels` <- not `HF_HUB_OFFLINE`.
 */
export interface Env {
  remoteHost: string;
  cacheDir: string;
  allowRemoteModels: boolean;
  /** Whether a name is first looked up as a folder (as given, then under `localModelPath`). */
  allowLocalModels: boolean;
  /** A folder searched for `owner/name` before the hub (default: none). */
  localModelPath: string | undefined;
}

type Overrides = { -readonly [K in keyof Env]?: Env[K] };

function variable(name: string): string | undefined {
  const value = globalThis.process?.env?.[name];
  return value === undefined || value === '' ? undefined : value;
}

/** huggingface_hub's truthy spellings of a boolean environment variable. */
function flag(name: string): boolean {
  return ['1', 'on', 'yes', 'true'].includes((variable(name) ?? '').toLowerCase());
}

function defaultCacheDir(): string {
  const hubCache = variable('HF_HUB_CACHE') ?? variable('HUGGINGFACE_HUB_CACHE');
  if (hubCache) return hubCache;
  const home = variable('HF_HOME') ?? join(variable('XDG_CACHE_HOME') ?? join(homedir(), '.cache'), 'huggingface');
  return join(home, 'hub');
}

const overrides: Overrides = {};
const defaults: { [K in keyof Env]: () => Env[K] } = {
  remoteHost: () => (variable('HF_ENDPOINT') ?? 'https://huggingface.co').replace(/\/+$/, ''),
  cacheDir: defaultCacheDir,
  allowRemoteModels: () => !flag('HF_HUB_OFFLINE'),
  allowLocalModels: () => true,
  localModelPath: () => undefined,
};

function accessor<K extends keyof Env>(key: K): PropertyDescriptor {
  return {
    enumerable: true,
    get: () => overrides[key] ?? defaults[key](),
    set: (value: Env[K] | undefined) => {
      overrides[key] = value;
    },
  };
}

export const env: Env = Object.defineProperties({} as Env, {
  remoteHost: accessor('remoteHost'),
  cacheDir: accessor('cacheDir'),
  allowRemoteModels: accessor('allowRemoteModels'),
  allowLocalModels: accessor('allowLocalModels'),
  localModelPath: accessor('localModelPath'),
});

/** The access token for the hub: `HF_TOKEN` (or the older `HUGGING_FACE_HUB_TOKEN`), never printed. */
export function hubToken(): string | undefined {
  return variable('HF_TOKEN') ?? variable('HUGGING_FACE_HUB_TOKEN');
}
