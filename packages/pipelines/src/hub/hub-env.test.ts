import { homedir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HubIdError } from '../errors.js';
import { env, hubToken } from './hub-env.js';
import { checkRevision, parseHubId } from './hub-id.js';

const VARIABLES = ['HF_ENDPOINT', 'HF_HOME', 'HF_HUB_CACHE', 'HUGGINGFACE_HUB_CACHE', 'XDG_CACHE_HOME', 'HF_HUB_OFFLINE', 'HF_TOKEN', 'HUGGING_FACE_HUB_TOKEN'];
const saved = Object.fromEntries(VARIABLES.map((name) => [name, process.env[name]]));

afterEach(() => {
  for (const name of VARIABLES)
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  for (const key of ['remoteHost', 'cacheDir', 'allowRemoteModels', 'allowLocalModels', 'localModelPath'] as const)
    (env as unknown as Record<string, undefined>)[key] = undefined;
});

describe('env follows the Python hub variables unless set', () => {
  it('finds the cache where huggingface_hub does: HF_HUB_CACHE, else HF_HOME/hub, else XDG_CACHE_HOME/huggingface/hub, else ~/.cache', () => {
    for (const name of VARIABLES) delete process.env[name];
    expect(env.cacheDir).toBe(join(homedir(), '.cache', 'huggingface', 'hub'));
    process.env.XDG_CACHE_HOME = '/xdg';
    expect(env.cacheDir).toBe('/xdg/huggingface/hub');
    process.env.HF_HOME = '/hf-home';
    expect(env.cacheDir).toBe('/hf-home/hub');
    process.env.HF_HUB_CACHE = '/hub-cache';
    expect(env.cacheDir).toBe('/hub-cache');
    env.cacheDir = '/mine';
    expect(env.cacheDir).toBe('/mine');
    env.cacheDir = undefined as unknown as string;
    expect(env.cacheDir).toBe('/hub-cache');
  });

  it('reads HF_ENDPOINT, HF_HUB_OFFLINE in its truthy spellings, and HF_TOKEN', () => {
    process.env.HF_ENDPOINT = 'http://mirror.example/';
    expect(env.remoteHost).toBe('http://mirror.example');
    for (const [value, remote] of [
      ['1', false],
      ['TRUE', false],
      ['yes', false],
      ['0', true],
      ['', true],
    ] as const) {
      process.env.HF_HUB_OFFLINE = value;
      expect(env.allowRemoteModels).toBe(remote);
    }
    process.env.HF_TOKEN = 'hf_abc';
    expect(hubToken()).toBe('hf_abc');
    expect(Object.keys(env).sort()).toEqual(['allowLocalModels', 'allowRemoteModels', 'cacheDir', 'localModelPath', 'remoteHost']);
  });
});

describe('hub ids and revisions', () => {
  it('takes owner/name and refuses what cannot name a repository', () => {
    expect(parseHubId('pbelcak/UltraFastBERT-1x11-long')).toEqual({
      owner: 'pbelcak',
      name: 'UltraFastBERT-1x11-long',
      repo: 'pbelcak/UltraFastBERT-1x11-long',
    });
    for (const bad of ['', 'name-only', 'a/b/c', '../x', './x', 'a/-b', 'a/b.', 'o--w/n', 'a b/c', `a/${'x'.repeat(97)}`])
      expect(() => parseHubId(bad)).toThrow(HubIdError);
    expect(checkRevision('refs/pr/1')).toBe('refs/pr/1');
    for (const bad of ['', '../main', 'a//b', 'main\n', 'x'.repeat(256)]) expect(() => checkRevision(bad)).toThrow(HubIdError);
  });
});
