import { UfbertError, formatShape } from './errors.js';

/** A safetensors file (or buffer) is malformed, or a tensor cannot be stored as safetensors. */
export class SafetensorsError extends UfbertError {}

export type SafetensorsDtype = 'F32' | 'F16' | 'BF16' | 'F64' | 'I64' | 'I32' | 'U8' | 'BOOL';

export interface SafeTensor {
  /** The stored dtype; F16 and BF16 data live in a Float32Array but are written back in their own format. */
  dtype: SafetensorsDtype;
  /** `[]` is a scalar (one element). */
  shape: number[];
  data: Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array;
}

export interface Safetensors {
  /** In file order (by data offset). */
  tensors: Map<string, SafeTensor>;
  metadata: Record<string, string>;
}

export interface ReadSafetensorsOptions {
  /** Load only the tensors whose name passes; the whole header is still validated. */
  names?: (name: string) => boolean;
}

type TensorData = SafeTensor['data'];

const DTYPE_SIZE: Readonly<Record<SafetensorsDtype, number>> = {
  F32: 4,
  F16: 2,
  BF16: 2,
  F64: 8,
  I64: 8,
  I32: 4,
  U8: 1,
  BOOL: 1,
};

const DTYPE_ARRAY: Readonly<Record<SafetensorsDtype, new (length: number) => TensorData>> = {
  F32: Float32Array,
  F16: Float32Array,
  BF16: Float32Array,
  F64: Float64Array,
  I64: BigInt64Array,
  I32: Int32Array,
  U8: Uint8Array,
  BOOL: Uint8Array,
};

const METADATA_KEY = '__metadata__';
const PREFIX_BYTES = 8;
/** Far beyond any real header; stops a corrupt length prefix from allocating gigabytes. */
const MAX_HEADER_BYTES = 100_000_000;
/**
 * A header nests three levels (header -> tensor entry -> shape); a deeper one is no safetensors
 * header, and a deep enough one (a megabyte of `[`) overflows the stack of whatever walks or
 * prints it, an untyped RangeError.
 */
const MAX_HEADER_DEPTH = 16;
/** Elements converted per step for F16/BF16, so conversion never needs a second full-size buffer. */
const HALF_CHUNK = 1 << 16;

// Tensor bytes are copied straight into typed arrays, which use the host byte order.
const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function assertLittleEndianHost(): void {
  if (!HOST_IS_LITTLE_ENDIAN) throw new UfbertError('safetensors I/O needs a little-endian host');
}

function isDtype(value: unknown): value is SafetensorsDtype {
  return typeof value === 'string' && Object.hasOwn(DTYPE_SIZE, value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Element count of a shape, or undefined when it is not exactly representable. */
function elementCount(shape: readonly number[]): number | undefined {
  let count = 1;
  for (const dim of shape) {
    count *= dim;
    if (count > Number.MAX_SAFE_INTEGER) return undefined;
  }
  return count;
}

// ---------------------------------------------------------------------------
// F16 / BF16 <-> float32 bit patterns. Working on Uint32 bits (not JS numbers)
// keeps NaN payloads intact, so F16/BF16 data survives read -> write bit for bit.

let f16ToF32Table: Uint32Array | undefined;

function f16ToF32Bits(): Uint32Array {
  if (f16ToF32Table) return f16ToF32Table;
  const table = new Uint32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = (h & 0x8000) << 16;
    const exp = (h >> 10) & 0x1f;
    let mant = h & 0x3ff;
    if (exp === 0x1f) {
      table[h] = sign | 0x7f800000 | (mant << 13);
    } else if (exp !== 0) {
      table[h] = sign | ((exp + 112) << 23) | (mant << 13);
    } else if (mant === 0) {
      table[h] = sign;
    } else {
      // Subnormal half: shift the mantissa up until its leading 1 becomes the implicit bit.
      let e = 113;
      while ((mant & 0x400) === 0) {
        mant <<= 1;
        e--;
      }
      table[h] = sign | (e << 23) | ((mant & 0x3ff) << 13);
    }
  }
  f16ToF32Table = table;
  return table;
}

/** float32 bits -> F16 bits, rounding to nearest even. */
function f32BitsToF16(x: number): number {
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp === 0xff) {
    // Keep the top of a NaN payload, but never let a NaN collapse into infinity.
    return sign | 0x7c00 | (mant === 0 ? 0 : mant >>> 13 || 0x200);
  }
  const e = exp - 112;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    const full = mant | 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    const rem = full & ((1 << shift) - 1);
    let h = full >>> shift;
    if (rem > half || (rem === half && (h & 1) === 1)) h++;
    return sign | h;
  }
  let h = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  // A carry out of the mantissa correctly bumps the exponent, up to infinity.
  if (rem > 0x1000 || (rem === 0x1000 && (h & 1) === 1)) h++;
  return sign | h;
}

/** float32 bits -> BF16 bits, rounding to nearest even. */
function f32BitsToBf16(x: number): number {
  if ((x & 0x7fffffff) > 0x7f800000) {
    const top = x >>> 16;
    return (top & 0x7f) === 0 ? top | 0x40 : top;
  }
  return ((x + 0x7fff + ((x >>> 16) & 1)) >>> 16) & 0xffff;
}

// ---------------------------------------------------------------------------
// Header parsing and validation.

interface TensorEntry {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  begin: number;
  end: number;
}

interface Header {
  entries: TensorEntry[];
  metadata: Record<string, string>;
}

/** Where a file's bytes come from: a file read by `@ufbert/tensor/node`, or bytes already in memory. */
export interface ByteSource {
  /** Used to prefix error messages; undefined for in-memory bytes. */
  file: string | undefined;
  size: number;
  /** Fill `dst` with the bytes at absolute `position`. */
  readInto(dst: Uint8Array, position: number): void;
}

function failer(file: string | undefined): (message: string) => SafetensorsError {
  return (message) => new SafetensorsError(file === undefined ? message : `${file}: ${message}`);
}

function readHeaderLength(source: ByteSource): number {
  const fail = failer(source.file);
  if (source.size < PREFIX_BYTES) {
    throw fail(`file is ${source.size} bytes, shorter than the 8-byte header length prefix`);
  }
  const prefix = new Uint8Array(PREFIX_BYTES);
  source.readInto(prefix, 0);
  const view = new DataView(prefix.buffer);
  const length = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
  if (length > MAX_HEADER_BYTES) {
    throw fail(`header length ${length} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  }
  if (PREFIX_BYTES + length > source.size) {
    throw fail(`header length ${length} runs past the end of the ${source.size}-byte file`);
  }
  return length;
}

function parseHeaderJson(bytes: Uint8Array, fail: (message: string) => SafetensorsError): unknown {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw fail('header is not valid UTF-8');
  }
  const depth = nestingDepth(text, MAX_HEADER_DEPTH);
  if (depth > MAX_HEADER_DEPTH) throw fail(`header nests deeper than ${MAX_HEADER_DEPTH} levels; expected a JSON object of tensor entries (3 levels)`);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw fail(`header is not valid JSON (${(error as Error).message})`);
  }
}

/** The deepest nesting of `[` and `{` outside JSON strings, counted only up to just past `limit`. */
function nestingDepth(text: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash escapes the next character, a quote included
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      deepest = Math.max(deepest, ++depth);
      if (deepest > limit) return deepest;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

function parseMetadata(value: unknown, fail: (message: string) => SafetensorsError): Record<string, string> {
  if (!isPlainObject(value)) throw fail(`${METADATA_KEY} must be an object of strings, found ${JSON.stringify(value)}`);
  const metadata: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string') {
      throw fail(`${METADATA_KEY} value for '${key}' must be a string, found ${JSON.stringify(item)}`);
    }
    metadata[key] = item;
  }
  return metadata;
}

function parseEntry(name: string, value: unknown, fail: (message: string) => SafetensorsError): TensorEntry {
  if (!isPlainObject(value)) throw fail(`tensor '${name}' must be an object, found ${JSON.stringify(value)}`);
  const { dtype, shape, data_offsets: offsets } = value;
  if (!isDtype(dtype)) {
    throw fail(`tensor '${name}' has unknown dtype ${JSON.stringify(dtype)} (expected one of ${Object.keys(DTYPE_SIZE).join(', ')})`);
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw fail(`tensor '${name}' shape must be an array of non-negative integers, found ${JSON.stringify(shape)}`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) || offsets[0] > offsets[1]) {
    throw fail(`tensor '${name}' data_offsets must be [begin, end] integers with 0 <= begin <= end, found ${JSON.stringify(offsets)}`);
  }
  const [begin, end] = offsets as [number, number];
  const count = elementCount(shape);
  const bytes = count === undefined ? undefined : count * DTYPE_SIZE[dtype];
  if (bytes === undefined || bytes > Number.MAX_SAFE_INTEGER) {
    throw fail(`tensor '${name}' has shape ${formatShape(shape)}, too large to address`);
  }
  if (bytes !== end - begin) {
    throw fail(`tensor '${name}' has shape ${formatShape(shape)} (${dtype}: ${bytes} bytes) but its data_offsets span ${end - begin} bytes`);
  }
  return { name, dtype, shape: [...shape], begin, end };
}

/** Tensors must tile the data section exactly: in order, no gaps, no overlaps, nothing left over. */
function checkLayout(entries: TensorEntry[], dataBytes: number, fail: (message: string) => SafetensorsError): void {
  let expected = 0;
  let previous: TensorEntry | undefined;
  for (const entry of entries) {
    if (entry.begin < expected) {
      throw fail(`tensor '${entry.name}' data_offsets [${entry.begin}, ${entry.end}] overlap tensor '${previous?.name}' ending at ${expected}`);
    }
    if (entry.begin > expected) {
      const after = previous === undefined ? 'the start of the data section' : `tensor '${previous.name}'`;
      throw fail(`gap of ${entry.begin - expected} bytes before tensor '${entry.name}' (expected it to begin at ${expected}, after ${after})`);
    }
    expected = entry.end;
    previous = entry;
  }
  if (expected !== dataBytes) {
    throw fail(
      expected < dataBytes
        ? `tensors cover ${expected} bytes but the data section holds ${dataBytes} bytes (${dataBytes - expected} unexpected trailing bytes)`
        : `tensor data is truncated: tensors need ${expected} bytes but the data section holds ${dataBytes}`,
    );
  }
}

function parseHeader(bytes: Uint8Array, dataBytes: number, file: string | undefined): Header {
  const fail = failer(file);
  const json = parseHeaderJson(bytes, fail);
  if (!isPlainObject(json)) throw fail(`header must be a JSON object, found ${Array.isArray(json) ? 'an array' : JSON.stringify(json)}`);
  let metadata: Record<string, string> = {};
  const entries: TensorEntry[] = [];
  for (const [name, value] of Object.entries(json)) {
    if (name === METADATA_KEY) metadata = parseMetadata(value, fail);
    else entries.push(parseEntry(name, value, fail));
  }
  // JSON key order is not file order (JS objects list integer-like keys first); offsets are.
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  checkLayout(entries, dataBytes, fail);
  return { entries, metadata };
}

// ---------------------------------------------------------------------------
// Reading.

function loadTensor(entry: TensorEntry, source: ByteSource, dataStart: number): SafeTensor {
  const count = (entry.end - entry.begin) / DTYPE_SIZE[entry.dtype];
  const data = new DTYPE_ARRAY[entry.dtype](count);
  const position = dataStart + entry.begin;
  if (entry.dtype === 'F16' || entry.dtype === 'BF16') {
    const out = new Uint32Array(data.buffer);
    const half = new Uint16Array(Math.min(count, HALF_CHUNK));
    const halfBytes = new Uint8Array(half.buffer);
    const table = entry.dtype === 'F16' ? f16ToF32Bits() : undefined;
    for (let start = 0; start < count; start += HALF_CHUNK) {
      const n = Math.min(HALF_CHUNK, count - start);
      source.readInto(halfBytes.subarray(0, 2 * n), position + 2 * start);
      for (let i = 0; i < n; i++) out[start + i] = table ? table[half[i]] : half[i] << 16;
    }
  } else {
    source.readInto(new Uint8Array(data.buffer), position);
  }
  return { dtype: entry.dtype, shape: entry.shape, data };
}

/** Name, dtype and shape of a tensor in a safetensors file, known from its header alone. */
export interface SafetensorsEntry {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
}

/**
 * A safetensors file opened once: its validated header, and its tensors read on demand
 * through the same open file descriptor. A file renamed over the path meanwhile (an atomic
 * replace) does not change what this handle reads, so every tensor comes from one version.
 */
export interface SafetensorsFile {
  readonly path: string;
  /** In file order (by data offset). */
  readonly entries: readonly SafetensorsEntry[];
  readonly metadata: Record<string, string>;
  /** Reads one tensor; throws SafetensorsError for a name the file does not hold. */
  read(name: string): SafeTensor;
  close(): void;
}

interface ParsedSource {
  header: Header;
  dataStart: number;
}

function parseSource(source: ByteSource): ParsedSource {
  assertLittleEndianHost();
  const headerBytes = readHeaderLength(source);
  const header = new Uint8Array(headerBytes);
  source.readInto(header, PREFIX_BYTES);
  const dataStart = PREFIX_BYTES + headerBytes;
  return { header: parseHeader(header, source.size - dataStart, source.file), dataStart };
}

function readFromSource(source: ByteSource, options: ReadSafetensorsOptions | undefined): Safetensors {
  const { header, dataStart } = parseSource(source);
  const tensors = new Map<string, SafeTensor>();
  for (const entry of header.entries) {
    if (options?.names && !options.names(entry.name)) continue;
    tensors.set(entry.name, loadTensor(entry, source, dataStart));
  }
  return { tensors, metadata: header.metadata };
}

function bytesSource(bytes: Uint8Array): ByteSource {
  return {
    file: undefined,
    size: bytes.length,
    readInto: (dst, position) => dst.set(bytes.subarray(position, position + dst.length)),
  };
}

/**
 * A SafetensorsFile over any byte source: the header validated at once, tensors read on
 * demand; `close` is called once, by the first close(). `@ufbert/tensor/node` opens files with it.
 */
export function safetensorsFromSource(source: ByteSource, label: string, close: () => void = () => {}): SafetensorsFile {
  const { header, dataStart } = parseSource(source);
  const byName = new Map(header.entries.map((entry) => [entry.name, entry]));
  let closed = false;
  return {
    path: label,
    entries: header.entries.map(({ name, dtype, shape }) => ({ name, dtype, shape: [...shape] })),
    metadata: header.metadata,
    read(name) {
      if (closed) throw new SafetensorsError(`${label}: read '${name}' after close()`);
      const entry = byName.get(name);
      if (!entry) throw new SafetensorsError(`${label}: holds no tensor '${name}'`);
      return loadTensor(entry, source, dataStart);
    },
    close() {
      if (closed) return;
      closed = true;
      close();
    },
  };
}

/**
 * Opens safetensors bytes already in memory and validates the header without converting
 * tensor data; see SafetensorsFile. A file on disk: `openSafetensorsFile` of `@ufbert/tensor/node`.
 */
export async function openSafetensors(bytes: Uint8Array): Promise<SafetensorsFile> {
  return safetensorsFromSource(bytesSource(bytes), 'safetensors bytes');
}

/** Every tensor of an open file (or those `options.names` passes), then closes it. */
export function readAllTensors(file: SafetensorsFile, options?: ReadSafetensorsOptions): Safetensors {
  try {
    const tensors = new Map<string, SafeTensor>();
    for (const { name } of file.entries) if (!options?.names || options.names(name)) tensors.set(name, file.read(name));
    return { tensors, metadata: file.metadata };
  } finally {
    file.close();
  }
}

/** Reads safetensors bytes. A file on disk: `readSafetensorsFile` of `@ufbert/tensor/node`. */
export async function readSafetensors(bytes: Uint8Array, options?: ReadSafetensorsOptions): Promise<Safetensors> {
  return readFromSource(bytesSource(bytes), options);
}

// ---------------------------------------------------------------------------
// Writing.

interface Layout {
  tensors: [string, SafeTensor][];
  /** Length prefix plus padded header. */
  head: Uint8Array;
  totalBytes: number;
}

function checkWritable(name: string, tensor: SafeTensor): void {
  const fail = (message: string) => new SafetensorsError(`cannot write tensor '${name}': ${message}`);
  if (name === METADATA_KEY) throw fail(`the name ${METADATA_KEY} is reserved`);
  if (!isDtype(tensor.dtype)) throw fail(`unknown dtype ${JSON.stringify(tensor.dtype)}`);
  if (!(tensor.data instanceof DTYPE_ARRAY[tensor.dtype])) {
    const expected = DTYPE_ARRAY[tensor.dtype].name;
    throw fail(`${tensor.dtype} data must be a ${expected}, found ${tensor.data?.constructor?.name}`);
  }
  if (!Array.isArray(tensor.shape) || !tensor.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw fail(`shape must be an array of non-negative integers, found ${JSON.stringify(tensor.shape)}`);
  }
  const count = elementCount(tensor.shape);
  if (count !== tensor.data.length) {
    throw fail(`shape ${formatShape(tensor.shape)} needs ${count ?? 'too many'} elements but data has ${tensor.data.length}`);
  }
}

function layout(input: Map<string, SafeTensor> | Record<string, SafeTensor>, metadata: Record<string, string> | undefined): Layout {
  assertLittleEndianHost();
  const tensors = input instanceof Map ? [...input] : Object.entries(input);
  // Built by hand rather than JSON.stringify(object) so integer-like names keep their given order.
  const parts: string[] = [];
  let offset = 0;
  for (const [name, tensor] of tensors) {
    checkWritable(name, tensor);
    const end = offset + tensor.data.length * DTYPE_SIZE[tensor.dtype];
    parts.push(`${JSON.stringify(name)}:${JSON.stringify({ dtype: tensor.dtype, shape: tensor.shape, data_offsets: [offset, end] })}`);
    offset = end;
  }
  // Metadata goes last, matching the files the Python library writes.
  if (metadata && Object.keys(metadata).length > 0) {
    for (const [key, value] of Object.entries(metadata)) {
      if (typeof value !== 'string') {
        throw new SafetensorsError(`cannot write ${METADATA_KEY}: value for '${key}' must be a string, found ${typeof value}`);
      }
    }
    parts.push(`${JSON.stringify(METADATA_KEY)}:${JSON.stringify(metadata)}`);
  }
  const json = new TextEncoder().encode(`{${parts.join(',')}}`);
  // Pad with spaces so the data section starts 8-byte aligned, as the reference library does.
  const headerBytes = Math.ceil(json.length / PREFIX_BYTES) * PREFIX_BYTES;
  const head = new Uint8Array(PREFIX_BYTES + headerBytes).fill(0x20, PREFIX_BYTES + json.length);
  const view = new DataView(head.buffer);
  view.setUint32(0, headerBytes % 2 ** 32, true);
  view.setUint32(4, Math.floor(headerBytes / 2 ** 32), true);
  head.set(json, PREFIX_BYTES);
  return { tensors, head, totalBytes: head.length + offset };
}

/** A tensor's stored bytes, in pieces bounded by HALF_CHUNK (F16/BF16) or the tensor itself. */
function* tensorBytes(tensor: SafeTensor): Generator<Uint8Array> {
  const { data } = tensor;
  if (tensor.dtype !== 'F16' && tensor.dtype !== 'BF16') {
    yield new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    return;
  }
  const bits = new Uint32Array(data.buffer, data.byteOffset, data.length);
  const encode = tensor.dtype === 'F16' ? f32BitsToF16 : f32BitsToBf16;
  const half = new Uint16Array(Math.min(bits.length, HALF_CHUNK));
  for (let start = 0; start < bits.length; start += HALF_CHUNK) {
    const n = Math.min(HALF_CHUNK, bits.length - start);
    for (let i = 0; i < n; i++) half[i] = encode(bits[start + i]);
    yield new Uint8Array(half.buffer, 0, 2 * n);
  }
}

/** Serializes tensors in the given order, offsets contiguous from 0. */
export function serializeSafetensors(tensors: Map<string, SafeTensor> | Record<string, SafeTensor>, metadata?: Record<string, string>): Uint8Array {
  const plan = layout(tensors, metadata);
  const out = new Uint8Array(plan.totalBytes);
  out.set(plan.head);
  let position = plan.head.length;
  for (const [, tensor] of plan.tensors) {
    for (const chunk of tensorBytes(tensor)) {
      out.set(chunk, position);
      position += chunk.length;
    }
  }
  return out;
}

/**
 * The bytes of a safetensors file in order, head first, then tensor by tensor, so a writer
 * streams a checkpoint to disk without holding it twice (`writeSafetensorsFile` of `@ufbert/tensor/node`).
 */
export function* safetensorsChunks(tensors: Map<string, SafeTensor> | Record<string, SafeTensor>, metadata?: Record<string, string>): Generator<Uint8Array> {
  const plan = layout(tensors, metadata);
  yield plan.head;
  for (const [, tensor] of plan.tensors) yield* tensorBytes(tensor);
}

// ---------------------------------------------------------------------------

/**
 * The tensor's values as float32. F32/F16/BF16 data is returned as is (not copied); other dtypes
 * are converted. I64 values beyond ±(2^53 - 1) are rejected rather than silently rounded twice.
 */
export function toFloat32(t: SafeTensor): Float32Array {
  const { data } = t;
  if (data instanceof Float32Array) return data;
  if (data instanceof BigInt64Array) {
    const out = new Float32Array(data.length);
    const limit = BigInt(Number.MAX_SAFE_INTEGER);
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      if (v > limit || v < -limit) {
        throw new SafetensorsError(`I64 value ${v} at index ${i} is outside the safe integer range`);
      }
      out[i] = Number(v);
    }
    return out;
  }
  return Float32Array.from(data);
}
