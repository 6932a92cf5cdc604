import type { Row } from '../src/report/types.js';

const fmt = (x: number | undefined) => (x === undefined ? '     -' : `${x.toFixed(2)}x`.padStart(6));

/**
 * The closing lines: the whole model's ratio, and per FFF kernel row its µs/token and how many
 * times faster than the dense FF-3072 and FF-4095 at the same level.
 */
export function printRatios(rows: readonly Row[], log: (line: string) => void): void {
  const fff = rows.filter((r) => r.suite === 'kernels' && r.family === 'fff');
  for (const r of rows.filter((r) => r.suite === 'model' && r.family === 'fff')) {
    const ratio = r.speedup?.vs_crammedbert_3072;
    log(
      `whole model: ${r.name} ${r.median_us_per_token} µs/token on ${r.backend}; crammedBERT's time / this: ${ratio === undefined ? 'no crammedBERT row' : `${ratio.toFixed(2)}x`}`,
    );
  }
  if (!fff.length) return;
  log('FFF-1x11 against the dense FF at the same level (dense time / FFF time; above 1: the FFF is faster)');
  log(`  ${'kernel'.padEnd(34)} ${'B'.padStart(5)} ${'µs/token'.padStart(10)}  vs FF-3072  vs FF-4095`);
  for (const r of fff) {
    log(
      `  ${r.implementation.padEnd(34)} ${String(r.batch).padStart(5)} ${r.median_us_per_token.toPrecision(4).padStart(10)}     ${fmt(r.speedup?.vs_ff_3072_same_level)}     ${fmt(r.speedup?.vs_ff_4095_same_level)}`,
    );
  }
}
