import { endianness } from 'node:os';
import { ProtoWriter } from './protobuf.js';

/** Field numbers of onnx.proto (onnx/onnx, onnx/onnx.proto) for the messages written here. */
const Model = { irVersion: 1, producerName: 2, producerVersion: 3, graph: 7, opsetImport: 8 } as const;
const OperatorSetId = { domain: 1, version: 2 } as const;
const Graph = { node: 1, name: 2, initializer: 5, input: 11, output: 12 } as const;
const Node = { input: 1, output: 2, name: 3, opType: 4 } as const;
const Tensor = { dims: 1, dataType: 2, name: 8, rawData: 9 } as const;
const ValueInfo = { name: 1, type: 2 } as const;
const TypeProto = { tensorType: 1 } as const;
const TensorType = { elemType: 1, shape: 2 } as const;
const Shape = { dim: 1 } as const;
const Dimension = { dimValue: 1, dimParam: 2 } as const;
const FLOAT = 1;
/** IR version 9 is the first that allows opset 20; onnxruntime 1.30 reads it. */
const IR_VERSION = 9;

export type GeluForm =
  /** The Gelu operator of opset 20 (approximate = "none": the erf form). */
  | 'gelu-op'
  /** 0.5 h (1 + erf(h / sqrt 2)) from Mul, Erf and Add, for runtimes older than opset 20. */
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

interface NodeSpec {
  op: string;
  inputs: string[];
  output: string;
}

/**
 * An ONNX ModelProto for y = GELU(x W_in^T) W_out^T with x [batch, H] (batch symbolic),
 * weights as initializers (transposed once here so both products are plain MatMul).
 */
export function denseFeedforwardModel(spec: DenseFeedforwardSpec): Uint8Array {
  const { inputSize: h, hiddenSize: m, outputSize: o } = spec;
  if (spec.wIn.length !== m * h) throw new RangeError(`expected dense_in.weight of ${m}x${h} values, got ${spec.wIn.length}`);
  if (spec.wOut.length !== o * m) throw new RangeError(`expected dense_out.weight of ${o}x${m} values, got ${spec.wOut.length}`);

  const initializers: Array<{ name: string; dims: number[]; values: Float32Array }> = [
    { name: 'w_in_t', dims: [h, m], values: transpose(spec.wIn, m, h) },
    { name: 'w_out_t', dims: [m, o], values: transpose(spec.wOut, o, m) },
  ];
  const nodes: NodeSpec[] = [{ op: 'MatMul', inputs: [INPUT_NAME, 'w_in_t'], output: 'h' }];
  if (spec.gelu === 'gelu-op') {
    nodes.push({ op: 'Gelu', inputs: ['h'], output: 'g' });
  } else {
    initializers.push(
      { name: 'inv_sqrt2', dims: [], values: Float32Array.of(Math.SQRT1_2) },
      { name: 'one', dims: [], values: Float32Array.of(1) },
      { name: 'half', dims: [], values: Float32Array.of(0.5) },
    );
    nodes.push(
      { op: 'Mul', inputs: ['h', 'inv_sqrt2'], output: 'h_scaled' },
      { op: 'Erf', inputs: ['h_scaled'], output: 'h_erf' },
      { op: 'Add', inputs: ['h_erf', 'one'], output: 'h_erf1' },
      { op: 'Mul', inputs: ['h', 'h_erf1'], output: 'h_gated' },
      { op: 'Mul', inputs: ['h_gated', 'half'], output: 'g' },
    );
  }
  nodes.push({ op: 'MatMul', inputs: ['g', 'w_out_t'], output: OUTPUT_NAME });

  return new ProtoWriter()
    .uint(Model.irVersion, IR_VERSION)
    .string(Model.producerName, 'ufbert-bench')
    .string(Model.producerVersion, '1')
    .message(Model.opsetImport, (w) => w.string(OperatorSetId.domain, '').uint(OperatorSetId.version, spec.gelu === 'gelu-op' ? 20 : 13))
    .message(Model.graph, (g) => {
      nodes.forEach((node, i) =>
        g.message(Graph.node, (w) => {
          for (const input of node.inputs) w.string(Node.input, input);
          w.string(Node.output, node.output).string(Node.name, `${node.op.toLowerCase()}_${i}`).string(Node.opType, node.op);
        }),
      );
      g.string(Graph.name, `dense_ff_${h}x${m}x${o}`);
      for (const init of initializers) {
        g.message(Graph.initializer, (w) => {
          for (const d of init.dims) w.uint(Tensor.dims, d);
          w.uint(Tensor.dataType, FLOAT).string(Tensor.name, init.name).bytes(Tensor.rawData, littleEndianBytes(init.values));
        });
      }
      g.message(Graph.input, (w) => valueInfo(w, INPUT_NAME, h));
      g.message(Graph.output, (w) => valueInfo(w, OUTPUT_NAME, o));
    })
    .finish();
}

function valueInfo(w: ProtoWriter, name: string, width: number): void {
  w.string(ValueInfo.name, name).message(ValueInfo.type, (t) =>
    t.message(TypeProto.tensorType, (tt) =>
      tt.uint(TensorType.elemType, FLOAT).message(TensorType.shape, (s) =>
        s.message(Shape.dim, (d) => d.string(Dimension.dimParam, 'batch')).message(Shape.dim, (d) => d.uint(Dimension.dimValue, width)),
      ),
    ),
  );
}

/** [rows, cols] -> [cols, rows]. */
export function transpose(a: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(a.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = a[r * cols + c];
  return out;
}

/** raw_data is little-endian whatever the host. */
function littleEndianBytes(values: Float32Array): Uint8Array {
  if (endianness() === 'LE') return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return out;
}
