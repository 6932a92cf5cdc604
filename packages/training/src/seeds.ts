import { Rng } from '@ufbert/tensor';

/**
 * A seed for one named use of the run seed (`validation-split`, `epoch-3`, ...), so that each
 * use draws from its own stream and adding a use never shifts another.
 */
export function deriveSeed(seed: number, purpose: string): number {
  let hash = 0x811c9dc5;
  for (const char of `${seed >>> 0}:${Math.floor(seed / 2 ** 32)}:${purpose}`) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** A generator for one named use of the run seed. */
export function derivedRng(seed: number, purpose: string): Rng {
  return new Rng(deriveSeed(seed, purpose));
}
