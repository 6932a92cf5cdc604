import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** shared/fixtures/reference, beside the repository (or UFBERT_FIXTURES). */
export const FIXTURES = process.env.UFBERT_FIXTURES ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../../../../shared/fixtures/reference');

export function fixtureFolder(name: string): string {
  return join(FIXTURES, name);
}

export const fixturesPresent = existsSync(join(FIXTURES, 'crammed-ff-mlm', 'model.safetensors'));
