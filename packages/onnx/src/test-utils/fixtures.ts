import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The reference fixtures (UFBERT_FIXTURES overrides). */
export const FIXTURES = process.env.UFBERT_FIXTURES ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../../../../shared/fixtures/reference');
