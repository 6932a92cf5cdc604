import { HubIdError } from '../errors.js';

/** A model repository on the hub, `owner/name`. */
export interface HubId {
  owner: string;
  name: string;
  /** `owner/name`, as the hub's API and URLs spell it. */
  repo: string;
}

// The hub's own rule (huggingface_hub's validate_repo_id): letters, digits, '-', '_', '.', at most 96
// characters, no '--' or '..' (the cache folder name joins owner and name with '--'), no leading or
// trailing '-' or '.'.
const PART = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,94}[A-Za-z0-9])?$/;

function badPart(part: string): string | undefined {
  if (part === '') return 'an empty part';
  if (part.includes('--') || part.includes('..')) return `'${part}' holds '--' or '..'`;
  if (!PART.test(part)) return `'${part}' is not 1-96 letters, digits, '-', '_' or '.' (starting and ending with a letter or digit)`;
  return undefined;
}

/** Why `text` is not a hub id, or undefined when it is one. */
export function hubIdProblem(text: string): string | undefined {
  if (text === '') return 'an empty string';
  const parts = text.split('/');
  if (parts.length !== 2) return `${parts.length - 1} '/' (a hub id has exactly one, between owner and name)`;
  return badPart(parts[0]) ?? badPart(parts[1]);
}

/** `owner/name` as a HubId; a HubIdError naming what was wrong and what an id looks like otherwise. */
export function parseHubId(text: string): HubId {
  const problem = hubIdProblem(text);
  if (problem !== undefined)
    throw new HubIdError(`expected a hub id owner/name (for example pbelcak/UltraFastBERT-1x11-long), got '${text.slice(0, 120)}': ${problem}`);
  const [owner, name] = text.split('/');
  return { owner, name, repo: text };
}

/** A full commit hash, as the hub names snapshots. */
export const COMMIT = /^[0-9a-f]{40}$/;

/**
 * A branch, tag or commit as a path under `refs/` in the cache: branch names may hold '/'
 * (`refs/pr/1`), but no part may be empty, '.' or '..', and no control or shell-special character.
 */
export function checkRevision(revision: string): string {
  const parts = revision.split('/');
  const ok =
    revision.length > 0 &&
    revision.length <= 255 &&
    /^[A-Za-z0-9._/+-]+$/.test(revision) &&
    parts.every((part) => part !== '' && part !== '.' && part !== '..');
  if (!ok) throw new HubIdError(`expected a revision (a branch, tag or 40-hex commit, for example main), got '${revision.slice(0, 120)}'`);
  return revision;
}
