import { hasOwnEntry } from '@ufbert/tensor';
import { describeValue } from './describe-value.js';
import { PipelineError } from './errors.js';

/** The options an options object may hold, as a table with every key of its type (so the compiler says when one is missing). */
export type OptionTable<O> = { readonly [K in keyof Required<O>]: true };

/**
 * Checks an options argument: absent, or a plain object whose every key is in `accepted`.
 * An unknown key is a PipelineError listing the accepted ones: a typo such as `topk` would
 * otherwise be ignored and the call run with the default (5 results instead of the 1 asked for).
 */
export function checkOptions<O extends object>(options: unknown, accepted: Readonly<Record<string, true>>, what: string): asserts options is O | undefined {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new PipelineError(`expected the ${what} as an object, got ${describeValue(options)}`);
  }
  const unknown = Object.keys(options).filter((key): boolean => !hasOwnEntry(accepted, key));
  if (unknown.length) {
    const names = unknown.map((key) => `'${key.slice(0, 40)}'`).join(', ');
    throw new PipelineError(`unknown ${unknown.length === 1 ? 'option' : 'options'} ${names} in the ${what}: expected ${Object.keys(accepted).join(', ')}`);
  }
}
