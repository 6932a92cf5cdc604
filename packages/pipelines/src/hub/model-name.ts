import { join } from 'node:path';
import { downloadModel } from '../download-model.js';
import { HubIdError, ModelLoadError } from '../errors.js';
import { followedKind } from '@ufbert/tensor/node';
import type { DownloadOptions } from './download-options.js';
import { env } from './hub-env.js';
import { hubIdProblem, parseHubId } from './hub-id.js';
import { hubSnapshot } from './hub-snapshot.js';
import { printableUrl } from './redact.js';

/**
 * The folder a model's name stands for, looked up as transformers.js does: an http(s) URL is
 * downloaded into the cache; otherwise (when `env.allowLocalModels`) a folder as given, then
 * `owner/name` under `env.localModelPath`; otherwise a hub id, resolved to a snapshot in the
 * Python-layout cache (downloaded when not cached and remote models are allowed).
 */
export async function modelFolder(source: string | URL, options: DownloadOptions = {}): Promise<string> {
  if (source instanceof URL || /^https?:\/\//i.test(source)) return downloadModel(new URL(source), options);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(source))
    throw new ModelLoadError(`expected a model folder, an http(s) URL or a hub id owner/name, got the ${source.split(':')[0]}: URL ${printableUrl(source)}`);
  const problem = hubIdProblem(source);
  if (env.allowLocalModels) {
    if (source !== '' && (await followedKind(source)) === 'folder') return source;
    const localModelPath = env.localModelPath;
    if (localModelPath !== undefined && problem === undefined && (await followedKind(join(localModelPath, source))) === 'folder')
      return join(localModelPath, source);
  }
  if (problem !== undefined) {
    throw new HubIdError(
      `expected a model folder, an http(s) URL or a hub id owner/name (for example pbelcak/UltraFastBERT-1x11-long), got '${source.slice(0, 120)}': no such folder, and as a hub id ${problem}`,
    );
  }
  return hubSnapshot(parseHubId(source), options);
}
