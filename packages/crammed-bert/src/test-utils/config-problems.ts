import { expect } from 'vitest';
import { ConfigError } from '../errors.js';

/** The problems of the ConfigError `body` throws; fails the test when it throws anything else or nothing. */
export function problemsOf(body: () => unknown): readonly string[] {
  try {
    body();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}
