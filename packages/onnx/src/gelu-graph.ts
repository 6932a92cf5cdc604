import type { GraphBuilder } from './graph-builder.js';

/**
 * The exact GELU, 0.5 x (1 + erf(x / sqrt 2)), written as PyTorch's exporter writes it
 * (Div, Erf, Add, Mul, Mul): onnxruntime's graph optimiser fuses this pattern into its
 * Gelu kernel, and runtimes without that fusion still compute the erf form.
 */
export function gelu(g: GraphBuilder, x: string, hint: string): string {
  const erf = g.op('Erf', [g.op('Div', [x, g.scalar(Math.SQRT2)], {}, `${hint}_scaled`)], {}, `${hint}_erf`);
  const gated = g.op('Mul', [x, g.op('Add', [erf, g.scalar(1)], {}, `${hint}_erf1`)], {}, `${hint}_gated`);
  return g.op('Mul', [gated, g.scalar(0.5)], {}, hint);
}
