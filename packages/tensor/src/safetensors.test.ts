import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SafetensorsError, readSafetensors, serializeSafetensors, toFloat32, type SafeTensor, type Safetensors } from './safetensors.js';
import { UfbertError } from './errors.js';
import { readSafetensorsFile, writeSafetensorsFile } from './node/safetensors-file.js';
import { FIXTURES } from '../../../fixtures/index.js';

const fixtureFiles = (readdirSync(FIXTURES, { recursive: true }) as string[]).filter((f) => f.endsWith('.safetensors')).sort();

const tempDir = mkdtempSync(join(tmpdir(), 'ufbert-safetensors-'));
afterAll(() => rmSync(tempDir, { recursive: true, force: true }));

function rawBytes(t: SafeTensor): Uint8Array {
  return new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
}

function expectSameTensors(actual: Safetensors, expected: Safetensors): void {
  expect([...actual.tensors.keys()]).toEqual([...expected.tensors.keys()]);
  expect(actual.metadata).toEqual(expected.metadata);
  for (const [name, want] of expected.tensors) {
    const got = actual.tensors.get(name)!;
    expect(got.dtype, name).toBe(want.dtype);
    expect(got.shape, name).toEqual(want.shape);
    expect(got.data.constructor, name).toBe(want.data.constructor);
    expect(Buffer.from(rawBytes(got)).equals(Buffer.from(rawBytes(want))), name).toBe(true);
  }
}

/** A file from a raw header string and data section; `headerLength` overrides the prefix. */
function rawFile(header: string, data: Uint8Array = new Uint8Array(0), headerLength?: bigint): Uint8Array {
  const json = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, headerLength ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function headerFile(header: unknown, dataBytes: number): Uint8Array {
  return rawFile(JSON.stringify(header), new Uint8Array(dataBytes));
}

describe('reference fixtures', () => {
  it('finds the fixture files', () => {
    expect(fixtureFiles).toContain('fff.safetensors');
    expect(fixtureFiles.filter((f) => f.endsWith('io.safetensors')).length).toBeGreaterThan(0);
  });

  it.each(fixtureFiles)('%s reads and round-trips bit for bit', async (file) => {
    const path = join(FIXTURES, file);
    const original = readFileSync(path);
    const fromPath = await readSafetensorsFile(path);
    const fromBytes = await readSafetensors(new Uint8Array(original));
    expectSameTensors(fromBytes, fromPath);
    expect(fromPath.tensors.size).toBeGreaterThan(0);

    const serialized = serializeSafetensors(fromPath.tensors, fromPath.metadata);
    // Same order, same JSON layout, same padding: the reference library's output is reproduced exactly.
    expect(Buffer.from(serialized).equals(original)).toBe(true);
    expectSameTensors(await readSafetensors(serialized), fromPath);

    const out = join(tempDir, file.replaceAll('/', '_'));
    await writeSafetensorsFile(out, fromPath.tensors, fromPath.metadata);
    expect(readFileSync(out).equals(original)).toBe(true);
    expectSameTensors(await readSafetensorsFile(out), fromPath);
  });

  it('knows a few facts about the fixtures', async () => {
    const fff = await readSafetensorsFile(join(FIXTURES, 'fff.safetensors'));
    const x = fff.tensors.get('case0.x')!;
    expect(x.dtype).toBe('F32');
    expect(x.shape).toEqual([32, 16]);
    expect(x.data).toBeInstanceOf(Float32Array);
    expect(x.data.length).toBe(512);

    for (const file of fixtureFiles.filter((f) => f.endsWith('io.safetensors'))) {
      const io = await readSafetensorsFile(join(FIXTURES, file));
      const ids = io.tensors.get('input_ids')!;
      expect(ids.dtype, file).toBe('I64');
      expect(ids.data, file).toBeInstanceOf(BigInt64Array);
      expect(ids.shape.length, file).toBe(2);
    }
  });

  it('loads only the tensors selected by names, in file order', async () => {
    const path = join(FIXTURES, 'fff.safetensors');
    const all = await readSafetensorsFile(path);
    const some = await readSafetensorsFile(path, { names: (n) => n.startsWith('case1.') });
    const expected = [...all.tensors.keys()].filter((n) => n.startsWith('case1.'));
    expect(expected.length).toBeGreaterThan(0);
    expect([...some.tensors.keys()]).toEqual(expected);
  });
});

describe('malformed files', () => {
  const validHeader = {
    a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
    b: { dtype: 'I32', shape: [3], data_offsets: [8, 20] },
  };
  const valid = headerFile(validHeader, 20);
  const cases: [string, Uint8Array, RegExp][] = [
    ['file shorter than 8 bytes', new Uint8Array([1, 0, 0]), /3 bytes, shorter than the 8-byte/],
    ['empty file', new Uint8Array(0), /0 bytes, shorter than the 8-byte/],
    ['truncated data', valid.subarray(0, valid.length - 4), /truncated: tensors need 20 bytes but the data section holds 16/],
    ['trailing data past the last tensor', headerFile(validHeader, 24), /4 unexpected trailing bytes/],
    ['header length past end', rawFile('{}', new Uint8Array(4), 1000n), /header length 1000 runs past the end of the 14-byte file/],
    ['absurd header length', rawFile('{}', new Uint8Array(4), 1n << 40n), /header length 1099511627776 exceeds/],
    ['header length beyond 2^53', rawFile('{}', new Uint8Array(4), (1n << 64n) - 1n), /exceeds the 100000000-byte limit/],
    ['non-JSON header', rawFile('{"a": '), /not valid JSON/],
    ['empty header', rawFile(''), /not valid JSON/],
    ['header not UTF-8', rawFile('{}').map((b, i) => (i === 8 ? 0xff : b)), /not valid UTF-8/],
    ['header not an object', rawFile('[1, 2]'), /header must be a JSON object, found an array/],
    ['header null', rawFile('null'), /header must be a JSON object, found null/],
    ['entry not an object', headerFile({ a: 3 }, 0), /tensor 'a' must be an object/],
    ['a deeply nested header (a RangeError once)', rawFile(`{"a": ${'['.repeat(1e6)}${']'.repeat(1e6)}}`), /nests deeper than 16 levels/],
    [
      'nesting inside a metadata string is text, not depth',
      rawFile(`{"__metadata__": {"m": "${'['.repeat(40)}"}, "a": {"dtype": [[[[[[[[[[1]]]]]]]]]]}}`),
      /unknown dtype/,
    ],
    ['entry without dtype', headerFile({ a: { shape: [1], data_offsets: [0, 4] } }, 4), /tensor 'a' has unknown dtype undefined/],
    ['unknown dtype', headerFile({ a: { dtype: 'F8', shape: [1], data_offsets: [0, 1] } }, 1), /tensor 'a' has unknown dtype "F8"/],
    ['shape not an array', headerFile({ a: { dtype: 'U8', shape: 4, data_offsets: [0, 4] } }, 4), /tensor 'a' shape must be an array/],
    ['negative dimension', headerFile({ a: { dtype: 'U8', shape: [-1], data_offsets: [0, 0] } }, 0), /shape must be an array of non-negative integers/],
    ['fractional dimension', headerFile({ a: { dtype: 'U8', shape: [1.5], data_offsets: [0, 1] } }, 1), /shape must be an array of non-negative integers/],
    ['unsafe dimension', headerFile({ a: { dtype: 'U8', shape: [2 ** 60], data_offsets: [0, 1] } }, 1), /non-negative integers/],
    ['shape product overflow', headerFile({ a: { dtype: 'F32', shape: [2 ** 30, 2 ** 30], data_offsets: [0, 4] } }, 4), /too large to address/],
    ['missing data_offsets', headerFile({ a: { dtype: 'U8', shape: [1] } }, 1), /data_offsets must be \[begin, end\]/],
    ['reversed data_offsets', headerFile({ a: { dtype: 'U8', shape: [0], data_offsets: [4, 0] } }, 4), /data_offsets must be/],
    ['three data_offsets', headerFile({ a: { dtype: 'U8', shape: [1], data_offsets: [0, 1, 2] } }, 1), /data_offsets must be/],
    [
      'shape/size mismatch',
      headerFile({ 'encoder.w': { dtype: 'F32', shape: [4095, 768], data_offsets: [0, 100] } }, 100),
      /tensor 'encoder\.w' has shape \[4095, 768\] \(F32: 12579840 bytes\) but its data_offsets span 100 bytes/,
    ],
    [
      'overlapping offsets',
      headerFile({ a: { dtype: 'U8', shape: [4], data_offsets: [0, 4] }, b: { dtype: 'U8', shape: [4], data_offsets: [2, 6] } }, 6),
      /tensor 'b' data_offsets \[2, 6\] overlap tensor 'a' ending at 4/,
    ],
    [
      'gap between tensors',
      headerFile({ a: { dtype: 'U8', shape: [4], data_offsets: [0, 4] }, b: { dtype: 'U8', shape: [4], data_offsets: [6, 10] } }, 10),
      /gap of 2 bytes before tensor 'b'/,
    ],
    ['gap at the start', headerFile({ a: { dtype: 'U8', shape: [4], data_offsets: [4, 8] } }, 8), /gap of 4 bytes before tensor 'a'/],
    ['offsets past the end', headerFile({ a: { dtype: 'U8', shape: [40], data_offsets: [0, 40] } }, 8), /tensors need 40 bytes but the data section holds 8/],
    ['__metadata__ not an object', headerFile({ __metadata__: 'pt' }, 0), /__metadata__ must be an object of strings/],
    ['__metadata__ array', headerFile({ __metadata__: ['pt'] }, 0), /__metadata__ must be an object of strings/],
    ['__metadata__ non-string value', headerFile({ __metadata__: { epochs: 3 } }, 0), /__metadata__ value for 'epochs' must be a string/],
  ];

  it('accepts the valid baseline', async () => {
    const st = await readSafetensors(valid);
    expect([...st.tensors.keys()]).toEqual(['a', 'b']);
  });

  it.each(cases)('rejects %s (bytes)', async (_, bytes, message) => {
    const error = await readSafetensors(bytes).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SafetensorsError);
    expect(error).toBeInstanceOf(UfbertError);
    expect((error as Error).name).toBe('SafetensorsError');
    expect((error as Error).message).toMatch(message);
  });

  it.each(cases)('rejects %s (path), naming the file', async (name, bytes, message) => {
    const path = join(tempDir, `bad-${name.replace(/\W+/g, '-')}.safetensors`);
    writeFileSync(path, bytes);
    const error = await readSafetensorsFile(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SafetensorsError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message.startsWith(`${path}: `)).toBe(true);
  });
});

function f16Tensor(bits: number[], dtype: 'F16' | 'BF16' = 'F16'): Uint8Array {
  const data = new Uint8Array(new Uint16Array(bits).buffer);
  return rawFile(JSON.stringify({ t: { dtype, shape: [bits.length], data_offsets: [0, data.length] } }), data);
}

function storedHalfBits(bytes: Uint8Array): number[] {
  const headerLength = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return [...new Uint16Array(bytes.slice(8 + headerLength).buffer)];
}

describe('dtypes', () => {
  it('decodes F16 known values', async () => {
    const bits = [0x3c00, 0xc000, 0x0001, 0x03ff, 0x0400, 0x7bff, 0x7c00, 0xfc00, 0x8000, 0x3555];
    const t = (await readSafetensors(f16Tensor(bits))).tensors.get('t')!;
    expect(t.dtype).toBe('F16');
    expect(t.data).toBeInstanceOf(Float32Array);
    expect([...t.data]).toEqual([1, -2, 2 ** -24, 1023 * 2 ** -24, 2 ** -14, 65504, Infinity, -Infinity, -0, 0.333251953125]);
  });

  it('keeps F16 NaN payloads through read and write', async () => {
    const bits = [0x7e00, 0x7c01, 0xfdff, 0x7fff];
    const t = (await readSafetensors(f16Tensor(bits))).tensors.get('t')!;
    expect([...t.data].every(Number.isNaN)).toBe(true);
    expect(storedHalfBits(serializeSafetensors({ t }))).toEqual(bits);
  });

  it.each(['F16', 'BF16'] as const)('round-trips all 65536 %s bit patterns exactly', async (dtype) => {
    const bits = Array.from({ length: 65536 }, (_, i) => i);
    const st = await readSafetensors(f16Tensor(bits, dtype));
    expect(storedHalfBits(serializeSafetensors(st.tensors))).toEqual(bits);
  });

  it('decodes BF16 known values', async () => {
    const t = (await readSafetensors(f16Tensor([0x3f80, 0xc000, 0x0001, 0x7f80, 0xff80, 0x7fc0], 'BF16'))).tensors.get('t')!;
    expect(t.dtype).toBe('BF16');
    expect([...t.data]).toEqual([1, -2, 2 ** -133, Infinity, -Infinity, NaN]);
  });

  it('encodes arbitrary float32 to F16 with round-to-nearest-even', () => {
    const values = [
      1 + 2 ** -11, // tie, even neighbour is 1
      1 + 3 * 2 ** -11, // tie, rounds up to the even neighbour
      1 + 2 ** -11 + 2 ** -20, // just above a tie
      65519, // rounds down to max finite
      65520, // tie at the top, rounds to infinity
      1e10,
      2 ** -25, // tie between 0 and the smallest subnormal
      1.5 * 2 ** -25,
      3 * 2 ** -25, // subnormal tie, rounds to even 2 * 2^-24
      2 ** -14 - 2 ** -25, // rounds up across the subnormal/normal boundary
      1e-10,
      -1e-10,
    ];
    const t: SafeTensor = { dtype: 'F16', shape: [values.length], data: new Float32Array(values) };
    expect(storedHalfBits(serializeSafetensors({ t }))).toEqual([
      0x3c00, 0x3c02, 0x3c01, 0x7bff, 0x7c00, 0x7c00, 0x0000, 0x0001, 0x0002, 0x0400, 0x0000, 0x8000,
    ]);
  });

  it('encodes arbitrary float32 to BF16 with round-to-nearest-even', () => {
    const values = [1 + 2 ** -8, 1 + 3 * 2 ** -8, 1 + 2 ** -8 + 2 ** -20, 3.4028234663852886e38, NaN];
    const t: SafeTensor = { dtype: 'BF16', shape: [values.length], data: new Float32Array(values) };
    const stored = storedHalfBits(serializeSafetensors({ t }));
    expect(stored.slice(0, 4)).toEqual([0x3f80, 0x3f82, 0x3f81, 0x7f80]);
    expect(stored[4] & 0x7f80).toBe(0x7f80);
    expect(stored[4] & 0x7f).not.toBe(0);
  });

  it('round-trips F64, I64, I32, U8 and BOOL with their typed arrays', async () => {
    const tensors = new Map<string, SafeTensor>([
      ['f64', { dtype: 'F64', shape: [3], data: new Float64Array([1, -0.1, Number.MAX_VALUE]) }],
      ['i64', { dtype: 'I64', shape: [3], data: new BigInt64Array([0n, -(2n ** 63n), 2n ** 63n - 1n]) }],
      ['i32', { dtype: 'I32', shape: [2, 2], data: new Int32Array([1, -1, 2 ** 31 - 1, -(2 ** 31)]) }],
      ['u8', { dtype: 'U8', shape: [3], data: new Uint8Array([0, 128, 255]) }],
      ['bool', { dtype: 'BOOL', shape: [2], data: new Uint8Array([1, 0]) }],
    ]);
    const bytes = serializeSafetensors(tensors);
    const st = await readSafetensors(bytes);
    expectSameTensors(st, { tensors, metadata: {} });
    expect([...(st.tensors.get('f64')!.data as Float64Array)]).toEqual([1, -0.1, Number.MAX_VALUE]);
    // F64 1.0 is 0x3FF0000000000000, stored little-endian at the start of the data section.
    const dataStart = bytes.length - 24 - 24 - 16 - 3 - 2;
    expect([...bytes.subarray(dataStart, dataStart + 8)]).toEqual([0, 0, 0, 0, 0, 0, 0xf0, 0x3f]);
  });

  it('handles scalars, zero-size tensors and unaligned input bytes', async () => {
    const tensors = new Map<string, SafeTensor>([
      ['scalar', { dtype: 'F32', shape: [], data: new Float32Array([3.5]) }],
      ['empty', { dtype: 'F64', shape: [0, 3], data: new Float64Array(0) }],
      ['half', { dtype: 'F16', shape: [0], data: new Float32Array(0) }],
      ['after', { dtype: 'I64', shape: [1], data: new BigInt64Array([7n]) }],
    ]);
    const bytes = serializeSafetensors(tensors);
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    const st = await readSafetensors(shifted.subarray(1));
    expectSameTensors(st, { tensors, metadata: {} });
    expect(st.tensors.get('scalar')!.shape).toEqual([]);
  });

  it('keeps the given order, including integer-like names, and the metadata', async () => {
    const tensors = new Map<string, SafeTensor>([
      ['10', { dtype: 'U8', shape: [1], data: new Uint8Array([10]) }],
      ['2', { dtype: 'U8', shape: [1], data: new Uint8Array([2]) }],
      ['b', { dtype: 'U8', shape: [1], data: new Uint8Array([98]) }],
      ['a', { dtype: 'U8', shape: [1], data: new Uint8Array([97]) }],
    ]);
    const bytes = serializeSafetensors(tensors, { format: 'pt', note: 'ünïcødé' });
    expect((8 + Number(new DataView(bytes.buffer).getBigUint64(0, true))) % 8).toBe(0);
    const st = await readSafetensors(bytes);
    expect([...st.tensors.keys()]).toEqual(['10', '2', 'b', 'a']);
    expect(st.metadata).toEqual({ format: 'pt', note: 'ünïcødé' });
  });

  it('refuses tensors that cannot be written', () => {
    const bad: [string, SafeTensor, RegExp][] = [
      ['wrong array', { dtype: 'I32', shape: [1], data: new Float32Array(1) }, /I32 data must be a Int32Array, found Float32Array/],
      ['wrong length', { dtype: 'F32', shape: [2, 2], data: new Float32Array(3) }, /shape \[2, 2\] needs 4 elements but data has 3/],
      ['bad shape', { dtype: 'U8', shape: [-1], data: new Uint8Array(0) }, /non-negative integers/],
      ['bad dtype', { dtype: 'F8' as 'F32', shape: [1], data: new Float32Array(1) }, /unknown dtype "F8"/],
    ];
    for (const [name, tensor, message] of bad) {
      expect(() => serializeSafetensors({ [name]: tensor }), name).toThrow(SafetensorsError);
      expect(() => serializeSafetensors({ [name]: tensor }), name).toThrow(message);
    }
    const ok: SafeTensor = { dtype: 'U8', shape: [0], data: new Uint8Array(0) };
    expect(() => serializeSafetensors({ __metadata__: ok })).toThrow(/reserved/);
  });
});

describe('writeSafetensors', () => {
  it('replaces the target atomically and leaves no temporary files', async () => {
    const dir = mkdtempSync(join(tempDir, 'atomic-'));
    const path = join(dir, 'model.safetensors');
    writeFileSync(path, 'old contents');
    const tensors = { w: { dtype: 'BF16', shape: [2], data: new Float32Array([1, -2]) } } satisfies Record<string, SafeTensor>;
    await writeSafetensorsFile(path, tensors, { format: 'pt' });
    expect(readdirSync(dir)).toEqual(['model.safetensors']);
    expect(readFileSync(path).equals(Buffer.from(serializeSafetensors(tensors, { format: 'pt' })))).toBe(true);

    const bad = { w: { dtype: 'F32', shape: [3], data: new Float32Array(2) } } satisfies Record<string, SafeTensor>;
    await expect(writeSafetensorsFile(path, bad)).rejects.toBeInstanceOf(SafetensorsError);
    expect(readdirSync(dir)).toEqual(['model.safetensors']);
    expect((await readSafetensorsFile(path)).tensors.get('w')!.data).toEqual(new Float32Array([1, -2]));
  });
});

describe('toFloat32', () => {
  it('returns float32 data as is and converts the other dtypes', () => {
    const f32 = new Float32Array([1, 2]);
    expect(toFloat32({ dtype: 'F32', shape: [2], data: f32 })).toBe(f32);
    expect(toFloat32({ dtype: 'F64', shape: [2], data: new Float64Array([0.5, -3]) })).toEqual(new Float32Array([0.5, -3]));
    expect(toFloat32({ dtype: 'I32', shape: [1], data: new Int32Array([-7]) })).toEqual(new Float32Array([-7]));
    expect(toFloat32({ dtype: 'BOOL', shape: [2], data: new Uint8Array([1, 0]) })).toEqual(new Float32Array([1, 0]));
    const ids = new BigInt64Array([5n, -(2n ** 53n - 1n)]);
    expect(toFloat32({ dtype: 'I64', shape: [2], data: ids })).toEqual(new Float32Array([5, -(2 ** 53)]));
  });

  it('rejects I64 values outside the safe integer range', () => {
    const t: SafeTensor = { dtype: 'I64', shape: [2], data: new BigInt64Array([1n, 2n ** 53n]) };
    expect(() => toFloat32(t)).toThrow(SafetensorsError);
    expect(() => toFloat32(t)).toThrow(/9007199254740992 at index 1/);
  });
});
