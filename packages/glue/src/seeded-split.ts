import { GlueError } from './errors.js';

/**
 * A deterministic generator of floats in [0, 1): a Weyl sequence mixed by MurmurHash3's 32-bit finaliser.
 * Small and stable across platforms, which is all a reproducible data split needs.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    z ^= z >>> 16;
    return (z >>> 0) / 4294967296;
  };
}

/** A shuffled copy (Fisher-Yates), the same for the same seed. */
export function seededShuffle<T>(items: readonly T[], seed: number): T[] {
  const random = seededRandom(seed);
  const shuffled = [...items];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
  }
  return shuffled;
}

export interface TrainDevSplit<T> {
  readonly train: T[];
  readonly dev: T[];
}

export interface SplitOptions {
  /** Fraction of each class that goes to dev (default 0.2). */
  readonly devFraction?: number;
  readonly seed?: number;
}

/**
 * Splits items into disjoint train and dev sets by a seeded shuffle, stratified by label so that both keep
 * the class balance of the whole. The same items and seed always give the same split.
 */
export function splitTrainDev<T extends { readonly label: number }>(items: readonly T[], options: SplitOptions = {}): TrainDevSplit<T> {
  const devFraction = options.devFraction ?? 0.2;
  const seed = options.seed ?? 0;
  if (!(devFraction > 0 && devFraction < 1)) {
    throw new GlueError(`expected a dev fraction between 0 and 1 (exclusive), got ${devFraction}`);
  }
  const byLabel = new Map<number, T[]>();
  for (const item of items) {
    const group = byLabel.get(item.label);
    if (group === undefined) byLabel.set(item.label, [item]);
    else group.push(item);
  }
  const train: T[] = [];
  const dev: T[] = [];
  for (const label of [...byLabel.keys()].sort((a, b) => a - b)) {
    const shuffled = seededShuffle(byLabel.get(label) as T[], seed + label);
    const devCount = Math.round(shuffled.length * devFraction);
    dev.push(...shuffled.slice(0, devCount));
    train.push(...shuffled.slice(devCount));
  }
  // Mix the classes so that neither file is sorted by label.
  return { train: seededShuffle(train, seed + 1_000_003), dev: seededShuffle(dev, seed + 2_000_003) };
}
