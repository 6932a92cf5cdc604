import { describe, expect, it } from 'vitest';
import { SafetensorsError, readSafetensors, serializeSafetensors, type SafeTensor } from './safetensors.js';

/** mulberry32: tiny, seedable, good enough to drive mutations reproducibly. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = 0x5afe7e45;
const ITERATIONS = 5000;

const base = serializeSafetensors(
  new Map<string, SafeTensor>([
    ['f32', { dtype: 'F32', shape: [2, 3], data: new Float32Array([1, -2, 0.5, NaN, Infinity, 3]) }],
    ['f16', { dtype: 'F16', shape: [3], data: new Float32Array([1, -0, 65504]) }],
    ['bf16', { dtype: 'BF16', shape: [2], data: new Float32Array([1, -2]) }],
    ['f64', { dtype: 'F64', shape: [], data: new Float64Array([Math.PI]) }],
    ['i64', { dtype: 'I64', shape: [1, 2], data: new BigInt64Array([101n, -1n]) }],
    ['i32', { dtype: 'I32', shape: [2], data: new Int32Array([7, -7]) }],
    ['u8', { dtype: 'U8', shape: [0], data: new Uint8Array(0) }],
    ['bool', { dtype: 'BOOL', shape: [3], data: new Uint8Array([1, 0, 1]) }],
  ]),
  { format: 'pt' },
);
const baseHeaderLength = Number(new DataView(base.buffer).getBigUint64(0, true));

// Values that stress shape arithmetic and offset checks once they land in a parseable header.
const HEADER_TOKENS = [
  '0',
  '-1',
  '1.5',
  '1e308',
  '-0',
  '9007199254740993',
  '4294967296',
  '99999999999999999999999',
  'null',
  'true',
  '"F32"',
  '"x"',
  '[]',
  '{}',
  '[0,0]',
  '[9007199254740991,9007199254740991]',
];

type Mutation = (bytes: Uint8Array, rand: () => number) => Uint8Array;

const int = (rand: () => number, n: number): number => Math.floor(rand() * n);

function changeBytes(bytes: Uint8Array, rand: () => number, from: number, to: number): Uint8Array {
  const out = bytes.slice();
  const count = 1 + int(rand, 8);
  for (let i = 0; i < count; i++) out[from + int(rand, Math.max(1, to - from))] = int(rand, 256);
  return out;
}

function withHeader(header: string, data: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

const MUTATIONS: Mutation[] = [
  (bytes, rand) => changeBytes(bytes, rand, 0, bytes.length),
  (bytes, rand) => changeBytes(bytes, rand, 8, 8 + baseHeaderLength),
  (bytes, rand) => changeBytes(bytes, rand, 0, 8),
  (bytes, rand) => bytes.slice(0, int(rand, bytes.length)),
  (bytes, rand) => {
    const at = int(rand, bytes.length + 1);
    const inserted = Uint8Array.from({ length: 1 + int(rand, 16) }, () => int(rand, 256));
    return new Uint8Array([...bytes.subarray(0, at), ...inserted, ...bytes.subarray(at)]);
  },
  // Edits the JSON text and fixes the length prefix, so mutations get past the JSON parser.
  (bytes, rand) => {
    const header = new TextDecoder().decode(bytes.subarray(8, 8 + baseHeaderLength));
    const numbers = [...header.matchAll(/-?\d+|"[A-Z0-9]+"|\[\]/g)];
    const pick = numbers[int(rand, numbers.length)];
    if (pick === undefined) return bytes;
    const token = HEADER_TOKENS[int(rand, HEADER_TOKENS.length)];
    const edited = header.slice(0, pick.index) + token + header.slice(pick.index + pick[0].length);
    return withHeader(edited, bytes.subarray(8 + baseHeaderLength));
  },
];

describe('safetensors fuzz', () => {
  it('parses the unmutated base file', async () => {
    expect((await readSafetensors(base)).tensors.size).toBe(8);
  });

  it(`only ever succeeds or throws SafetensorsError over ${ITERATIONS} mutations`, { timeout: 10_000 }, async () => {
    const rand = mulberry32(SEED);
    let rejected = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      const mutate = MUTATIONS[int(rand, MUTATIONS.length)];
      // Stacking a second mutation now and then reaches states a single edit cannot.
      let bytes = mutate(base, rand);
      if (rand() < 0.2) bytes = MUTATIONS[int(rand, MUTATIONS.length)](bytes, rand);
      try {
        const parsed = await readSafetensors(bytes);
        // Whatever parses must also survive a write and re-read unchanged.
        const again = await readSafetensors(serializeSafetensors(parsed.tensors, parsed.metadata));
        expect([...again.tensors.keys()]).toEqual([...parsed.tensors.keys()]);
      } catch (error) {
        if (!(error instanceof SafetensorsError)) {
          throw new Error(`iteration ${i} (seed ${SEED}) leaked ${String(error)} for bytes ${Buffer.from(bytes).toString('hex')}`);
        }
        rejected++;
      }
    }
    // Guards against a fuzzer that silently stops exercising the error paths.
    expect(rejected).toBeGreaterThan(ITERATIONS / 2);
    expect(rejected).toBeLessThan(ITERATIONS);
  });
});
