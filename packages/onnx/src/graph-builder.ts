import onnxProto from 'onnx-proto';
import { OnnxExportError } from './errors.js';

const { onnx } = onnxProto;

/** TensorProto.DataType values used here. */
export const FLOAT = 1;
export const INT8 = 3;
export const INT64 = 7;
export const BOOL = 9;

/**
 * opset 17 is the first with LayerNormalization and is read by every onnxruntime from
 * 1.14 on (onnxruntime-web included). A graph may ask for a later one (20 has Gelu).
 */
export const OPSET = 17;

/** The IR version each opset came with (onnx/onnx docs/Versioning.md): 17 -> 8, 19..21 -> 9. */
function irVersionFor(opset: number): number {
  return opset >= 19 ? 9 : 8;
}

/** An attribute value with its ONNX type spelled out (an integer-valued float must stay a float). */
export type Attribute =
  | { kind: 'int'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'ints'; value: readonly number[] }
  | { kind: 'string'; value: string };

export const int = (value: number): Attribute => ({ kind: 'int', value });
export const float = (value: number): Attribute => ({ kind: 'float', value });
export const ints = (value: readonly number[]): Attribute => ({ kind: 'ints', value });

/** A dimension: a size, or the name of a symbolic (dynamic) axis. */
export type Dim = number | string;

const AttributeType = onnx.AttributeProto.AttributeType;

/**
 * Builds one ONNX graph: initializers, nodes in topological order (the order added), and
 * typed inputs and outputs. Value names are made unique here, so callers name values for
 * readability (`layer3.fff.level7.logit`) without tracking collisions.
 */
export class GraphBuilder {
  private readonly nodes: InstanceType<typeof onnx.NodeProto>[] = [];
  private readonly initializers: InstanceType<typeof onnx.TensorProto>[] = [];
  private readonly inputs: InstanceType<typeof onnx.ValueInfoProto>[] = [];
  private readonly outputs: InstanceType<typeof onnx.ValueInfoProto>[] = [];
  private readonly used = new Set<string>();
  private readonly scalarCache = new Map<string, string>();
  private readonly reserved: ReadonlySet<string>;

  /** `reserved`: the graph's input and output names, which generated value names avoid. */
  constructor(reserved: readonly string[] = []) {
    this.reserved = new Set(reserved);
  }

  /** A fresh value name starting with `hint`. */
  name(hint: string): string {
    let candidate = hint;
    for (let i = 1; this.used.has(candidate) || this.reserved.has(candidate); i++) candidate = `${hint}_${i}`;
    this.used.add(candidate);
    return candidate;
  }

  input(name: string, elemType: number, dims: readonly Dim[]): string {
    this.claim(name);
    this.inputs.push(valueInfo(name, elemType, dims));
    return name;
  }

  /** Declares `value` a graph output named `name` (through an Identity when the names differ). */
  output(value: string, name: string, elemType: number, dims: readonly Dim[]): void {
    if (value !== name) {
      this.claim(name);
      this.nodes.push(onnx.NodeProto.create({ opType: 'Identity', input: [value], output: [name], name: `${name}_identity` }));
    }
    this.outputs.push(valueInfo(name, elemType, dims));
  }

  /** A float32 initializer. The data is copied (little-endian) at `build()` time, not now. */
  floats(hint: string, dims: readonly number[], data: Float32Array): string {
    checkSize(hint, dims, data.length);
    const name = this.name(hint);
    this.initializers.push(onnx.TensorProto.create({ name, dims: [...dims], dataType: FLOAT, rawData: littleEndian(data) }));
    return name;
  }

  /** An int8 initializer (a quantized weight or table). */
  int8s(hint: string, dims: readonly number[], data: Int8Array): string {
    checkSize(hint, dims, data.length);
    const name = this.name(hint);
    this.initializers.push(
      onnx.TensorProto.create({ name, dims: [...dims], dataType: INT8, rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) }),
    );
    return name;
  }

  /** An int64 initializer. */
  int64s(hint: string, dims: readonly number[], data: readonly number[]): string {
    checkSize(hint, dims, data.length);
    const name = this.name(hint);
    const bytes = new Uint8Array(data.length * 8);
    const view = new DataView(bytes.buffer);
    data.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
    this.initializers.push(onnx.TensorProto.create({ name, dims: [...dims], dataType: INT64, rawData: bytes }));
    return name;
  }

  /** A float32 scalar, shared by every node that uses the same value. */
  scalar(value: number): string {
    const key = `f${Object.is(value, -0) ? '-0' : value}`;
    let name = this.scalarCache.get(key);
    if (!name) {
      name = this.floats(`const_${String(value).replace(/[^0-9a-z]/gi, '_')}`, [], Float32Array.of(value));
      this.scalarCache.set(key, name);
    }
    return name;
  }

  /** An int8 scalar (a zero point), shared like `scalar`. */
  int8Scalar(value: number): string {
    const key = `b${value}`;
    let name = this.scalarCache.get(key);
    if (!name) {
      name = this.int8s(`const_int8_${String(value).replace(/-/g, 'm')}`, [], Int8Array.of(value));
      this.scalarCache.set(key, name);
    }
    return name;
  }

  /** A 1-D int64 constant (shapes, axes, indices), shared like `scalar`. */
  int64Vector(values: readonly number[]): string {
    const key = `i${values.join(',')}`;
    let name = this.scalarCache.get(key);
    if (!name) {
      name = this.int64s(`const_i64_${values.join('_').replace(/-/g, 'm')}`, [values.length], values);
      this.scalarCache.set(key, name);
    }
    return name;
  }

  /** Adds a node with one output and returns that output's name. */
  op(opType: string, inputs: readonly string[], attributes: Record<string, Attribute> = {}, hint = opType.toLowerCase()): string {
    return this.opN(opType, inputs, 1, attributes, hint)[0];
  }

  /** Adds a node with `count` outputs. */
  opN(opType: string, inputs: readonly string[], count: number, attributes: Record<string, Attribute> = {}, hint = opType.toLowerCase()): string[] {
    const outputs = Array.from({ length: count }, (_, i) => this.name(count === 1 ? hint : `${hint}_${i}`));
    this.nodes.push(
      onnx.NodeProto.create({
        opType,
        input: [...inputs],
        output: outputs,
        name: `${outputs[0]}_node`,
        attribute: Object.entries(attributes).map(([name, a]) => attributeProto(name, a)),
      }),
    );
    return outputs;
  }

  /** The serialized ModelProto. */
  build(graphName: string, options: { metadata?: Record<string, string>; opset?: number } = {}): Uint8Array {
    const metadata = options.metadata ?? {};
    const opset = options.opset ?? OPSET;
    const model = onnx.ModelProto.create({
      irVersion: irVersionFor(opset),
      producerName: 'ufbert',
      producerVersion: '1',
      opsetImport: [onnx.OperatorSetIdProto.create({ domain: '', version: opset })],
      metadataProps: Object.entries(metadata).map(([key, value]) => onnx.StringStringEntryProto.create({ key, value })),
      graph: onnx.GraphProto.create({
        name: graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      }),
    });
    return onnx.ModelProto.encode(model).finish();
  }

  private claim(name: string): void {
    if (this.used.has(name)) throw new OnnxExportError(`graph value name '${name}' is used twice`);
    this.used.add(name);
  }
}

function checkSize(name: string, dims: readonly number[], length: number): void {
  const expected = dims.reduce((a, b) => a * b, 1);
  if (expected !== length) throw new OnnxExportError(`expected ${expected} values for ${name} of shape [${dims.join(', ')}], got ${length}`);
}

function valueInfo(name: string, elemType: number, dims: readonly Dim[]) {
  return onnx.ValueInfoProto.create({
    name,
    type: onnx.TypeProto.create({
      tensorType: onnx.TypeProto.Tensor.create({
        elemType,
        shape: onnx.TensorShapeProto.create({
          dim: dims.map((d) => onnx.TensorShapeProto.Dimension.create(typeof d === 'number' ? { dimValue: d } : { dimParam: d })),
        }),
      }),
    }),
  });
}

function attributeProto(name: string, a: Attribute) {
  switch (a.kind) {
    case 'int':
      return onnx.AttributeProto.create({ name, type: AttributeType.INT, i: a.value });
    case 'float':
      return onnx.AttributeProto.create({ name, type: AttributeType.FLOAT, f: a.value });
    case 'ints':
      return onnx.AttributeProto.create({ name, type: AttributeType.INTS, ints: [...a.value] });
    case 'string':
      return onnx.AttributeProto.create({ name, type: AttributeType.STRING, s: new TextEncoder().encode(a.value) });
  }
}

const LITTLE_ENDIAN_HOST = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** raw_data is little-endian whatever the host. */
function littleEndian(values: Float32Array): Uint8Array {
  if (LITTLE_ENDIAN_HOST) return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return out;
}
