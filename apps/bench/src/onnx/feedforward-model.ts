import { FLOAT, GraphBuilder, gelu, transpose } from '@ufbert/onnx';

export type GeluForm =
  /** The Gelu operator of opset 20 (approximate = "none": the erf form). */
  | 'gelu-op'
  /** 0.5 h (1 + erf(h / sqrt 2)) from Div, Erf, Add and Mul, for runtimes older than opset 20. */
  | 'erf';

export interface DenseFeedforwardSpec {
  inputSize: number;
  hiddenSize: number;
  outputSize: number;
  /** dense_in.weight in the reference layout [M, H]. */
  wIn: Float32Array;
  /** dense_out.weight in the reference layout [O, M]. */
  wOut: Float32Array;
  gelu: GeluForm;
}

/** Input and output names of the graph. */
export const INPUT_NAME = 'x';
export const OUTPUT_NAME = 'y';

/**
 * An ONNX ModelProto for y = GELU(x W_in^T) W_out^T with x [batch, H] (batch symbolic),
 * weights as initializers (transposed once here so both products are plain MatMul).
 */
export function denseFeedforwardModel(spec: DenseFeedforwardSpec): Uint8Array {
  const { inputSize: h, hiddenSize: m, outputSize: o } = spec;
  if (spec.wIn.length !== m * h) throw new RangeError(`expected dense_in.weight of ${m}x${h} values, got ${spec.wIn.length}`);
  if (spec.wOut.length !== o * m) throw new RangeError(`expected dense_out.weight of ${o}x${m} values, got ${spec.wOut.length}`);
  const g = new GraphBuilder([INPUT_NAME, OUTPUT_NAME]);
  const x = g.input(INPUT_NAME, FLOAT, ['batch', h]);
  const hidden = g.op('MatMul', [x, g.floats('w_in_t', [h, m], transpose(spec.wIn, m, h))], {}, 'h');
  const activated = spec.gelu === 'gelu-op' ? g.op('Gelu', [hidden], {}, 'g') : gelu(g, hidden, 'g');
  g.output(g.op('MatMul', [activated, g.floats('w_out_t', [m, o], transpose(spec.wOut, o, m))], {}, 'y_out'), OUTPUT_NAME, FLOAT, ['batch', o]);
  return g.build(`dense_ff_${h}x${m}x${o}`, { opset: spec.gelu === 'gelu-op' ? 20 : 17 });
}
