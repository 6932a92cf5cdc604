import { BackendUnavailableError, UfbertError } from '@ufbert/tensor';
import { CMM_WASM_BASE64, CMM_WASM_RELAXED_BASE64, CMM_WASM_RELAXED_SHARED_BASE64, CMM_WASM_SHARED_BASE64 } from '../generated/cmm-wasm.js';
import { ERF_TABLE } from '@ufbert/tensor';
import { Allocator } from './allocator.js';
import { RELAXED_SIMD_PROBE } from './relaxed-simd-probe.js';
import { workerHost } from './worker-host.js';

/**
 * The two builds of the module: `simd` (128-bit SIMD, multiply then add) and
 * `relaxed-simd` (the same kernels with f32x4.relaxed_madd, one fused multiply-add
 * where the CPU has FMA). Their results may differ in the last bits.
 */
export type WasmBuild = 'simd' | 'relaxed-simd';

/** The functions of assembly/index.ts; every pointer is a byte address in the runtime's memory. */
export interface CmmWasmExports {
  conditionalTokens(
    wIn: number,
    bIn: number,
    wOutT: number,
    hv: number,
    ov: number,
    trees: number,
    depth: number,
    x: number,
    y: number,
    nodes: number,
    logits: number,
    b0: number,
    b1: number,
    scratch: number,
  ): void;
  conditionalScratchBytes(trees: number, depth: number): number;
  conditionalTokensQ8(
    wIn: number,
    wScale: number,
    rowSum: number,
    bIn: number,
    wOutT: number,
    oScale: number,
    hb: number,
    ob: number,
    trees: number,
    depth: number,
    x: number,
    y: number,
    nodes: number,
    logits: number,
    b0: number,
    b1: number,
    scratch: number,
    useRelaxedDot: number,
  ): void;
  relaxedDotProbe(p: number): void;
  conditionalQ8ScratchBytes(trees: number, depth: number, hb: number): number;
  gemmPacked(
    a: number,
    lda: number,
    rows: number,
    packed: number,
    depth: number,
    p0: number,
    p1: number,
    c: number,
    ldc: number,
    bias: number,
    applyGelu: number,
  ): void;
  gatherDots(x: number, hv: number, rows: number, rowOf: number, bias: number, count: number, out: number): void;
  sumScaledRowsBatch(coef: number, rows: number, visits: number, count: number, ov: number, out: number): void;
  geluAll(logits: number, count: number, out: number): void;
  probe(x: number, hv: number, reps: number): number;
  touchTreeTops(wIn: number, bIn: number, wOutT: number, hv: number, ov: number, trees: number, n: number, top: number, sink: number): void;
  multiplyAddPeak(reps: number, m: number, c: number): number;
  backwardCoefficients(dy: number, ov: number, columns: number, slotOf: number, logits: number, visits: number, count: number, g: number, act: number): void;
  backwardGroups(
    entries: number,
    start: number,
    units: number,
    visits: number,
    g: number,
    act: number,
    x: number,
    hv: number,
    dy: number,
    ov: number,
    coefTmp: number,
    rowsTmp: number,
    dWIn: number,
    dbIn: number,
    dWOutT: number,
  ): void;
}

/** Where assembly/gelu.ts reads the erf table; below HEAP_BASE, which the allocator never hands out. */
const ERF_TABLE_ADDRESS = 1024;
const HEAP_BASE = 65536;
const PAGE = 65536;
/** A shared memory must declare its maximum; this is the wasm32 limit (4 GiB), reserved, not committed. */
const SHARED_MAX_PAGES = 65536;

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

const BUILDS: Record<WasmBuild, { plain: string; shared: string }> = {
  simd: { plain: CMM_WASM_BASE64, shared: CMM_WASM_SHARED_BASE64 },
  'relaxed-simd': { plain: CMM_WASM_RELAXED_BASE64, shared: CMM_WASM_RELAXED_SHARED_BASE64 },
};

let plainBytes: Uint8Array<ArrayBuffer> | undefined;
let simd: boolean | undefined;
let relaxedSimd: boolean | undefined;

/** Whether this engine can compile the module: WebAssembly with SIMD (v128). */
export function wasmSimdSupported(): boolean {
  if (simd === undefined) {
    plainBytes ??= decodeBase64(CMM_WASM_BASE64);
    simd = typeof WebAssembly === 'object' && WebAssembly.validate(plainBytes);
  }
  return simd;
}

/** Whether this engine has relaxed SIMD (Node 22+, Chromium 114+; Node 20 with --experimental-wasm-relaxed-simd). */
export function wasmRelaxedSimdSupported(): boolean {
  relaxedSimd ??= wasmSimdSupported() && WebAssembly.validate(RELAXED_SIMD_PROBE);
  return relaxedSimd;
}

let selected: WasmBuild | undefined;

/**
 * The build the WASM kernels of this process run: the one selectWasmBuild chose, else
 * relaxed SIMD where the engine has it, else SIMD; undefined without WebAssembly SIMD.
 */
export function wasmBuild(): WasmBuild | undefined {
  if (compiled) return compiled.build;
  if (runtime) return runtime.build;
  if (selected) return selected;
  if (!wasmSimdSupported()) return undefined;
  return wasmRelaxedSimdSupported() ? 'relaxed-simd' : 'simd';
}

/**
 * Chooses the build before the first WASM kernel call ('auto': the default choice of
 * wasmBuild). Throws if the engine cannot run that build, or if the runtime already
 * runs another build (its prepared weights live in that build's memory).
 */
export function selectWasmBuild(build: WasmBuild | 'auto'): WasmBuild {
  if (build !== 'auto' && build !== 'simd' && build !== 'relaxed-simd') {
    throw new UfbertError(`selectWasmBuild: expected 'simd', 'relaxed-simd' or 'auto', got '${String(build)}'`);
  }
  const running = compiled?.build ?? runtime?.build;
  const wanted = build === 'auto' ? (running ?? (wasmRelaxedSimdSupported() ? 'relaxed-simd' : 'simd')) : build;
  if (running && running !== wanted) {
    throw new UfbertError(`selectWasmBuild: the WASM runtime already runs the ${running} build; select '${wanted}' before the first WASM kernel call`);
  }
  if (!wasmSimdSupported()) throw new BackendUnavailableError('WebAssembly SIMD is not available in this engine');
  if (wanted === 'relaxed-simd' && !wasmRelaxedSimdSupported()) {
    throw new BackendUnavailableError('WebAssembly relaxed SIMD is not available in this engine (Node 20: run with --experimental-wasm-relaxed-simd)');
  }
  selected = build === 'auto' ? undefined : wanted;
  return wanted;
}

function moduleBytes(build: WasmBuild, shared: boolean): Uint8Array<ArrayBuffer> {
  if (build === 'simd' && !shared) return (plainBytes ??= decodeBase64(CMM_WASM_BASE64));
  return decodeBase64(shared ? BUILDS[build].shared : BUILDS[build].plain);
}

/** One instance of the module, its memory, and a heap over that memory. */
export class WasmInstance {
  readonly exports: CmmWasmExports;
  private readonly allocator: Allocator;
  private f32View: Float32Array;
  private i32View: Int32Array;
  private generation = 0;
  private viewGeneration = 0;
  private readonly scratchSlots = new Map<string, { at: number; bytes: number }>();

  constructor(
    readonly module: WebAssembly.Module,
    readonly memory: WebAssembly.Memory,
    readonly shared: boolean,
    readonly build: WasmBuild,
  ) {
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    this.exports = instance.exports as unknown as CmmWasmExports;
    this.allocator = new Allocator(HEAP_BASE, memory.buffer.byteLength, (bytes) => {
      const have = this.memory.buffer.byteLength / PAGE;
      // grow by at least half again, so a sequence of allocations grows the memory few times
      const pages = Math.max(Math.ceil(bytes / PAGE), Math.ceil(have / 2));
      this.memory.grow(pages);
      this.generation++;
      return this.memory.buffer.byteLength;
    });
    this.f32View = new Float32Array(memory.buffer);
    this.i32View = new Int32Array(memory.buffer);
    new Float64Array(memory.buffer, ERF_TABLE_ADDRESS, ERF_TABLE.length).set(ERF_TABLE);
  }

  /** A float32 view of the whole memory; take it again after any alloc, which may grow the memory. */
  get f32(): Float32Array {
    this.refreshViews();
    return this.f32View;
  }

  get i32(): Int32Array {
    this.refreshViews();
    return this.i32View;
  }

  alloc(bytes: number): number {
    return this.allocator.alloc(bytes);
  }

  free(at: number): void {
    this.allocator.dealloc(at);
  }

  get allocatedBytes(): number {
    return this.allocator.allocatedBytes;
  }

  /**
   * A buffer of at least `bytes` kept under `slot` from call to call, reallocated only
   * when too small. Kernel calls are synchronous, so one slot per purpose suffices.
   */
  scratch(slot: string, bytes: number): number {
    const have = this.scratchSlots.get(slot);
    if (have && have.bytes >= bytes) return have.at;
    if (have) this.free(have.at);
    const size = Math.max(bytes, have ? 2 * have.bytes : 0, 64);
    const at = this.alloc(size);
    this.scratchSlots.set(slot, { at, bytes: size });
    return at;
  }

  private refreshViews(): void {
    if (this.viewGeneration === this.generation && this.f32View.buffer === this.memory.buffer) return;
    this.f32View = new Float32Array(this.memory.buffer);
    this.i32View = new Int32Array(this.memory.buffer);
    this.viewGeneration = this.generation;
  }
}

let runtime: WasmInstance | undefined;
let compiled: { module: WebAssembly.Module; shared: boolean; build: WasmBuild } | undefined;

function wantShared(): boolean {
  return workerHost() !== undefined;
}

/**
 * Compiles the module asynchronously ahead of first use. Optional in Node; in browsers
 * call it once before running a wasm kernel, since engines may refuse to compile
 * modules synchronously on the main thread.
 */
export async function initWasm(): Promise<void> {
  const build = wasmBuild();
  if (runtime || compiled || !build) return;
  const shared = wantShared();
  const module = await WebAssembly.compile(moduleBytes(build, shared));
  compiled ??= { module, shared, build };
}

/**
 * The process-wide runtime, created on first use, of the build wasmBuild() names. Where
 * workers can share its memory (Node's worker threads; Web Workers in a cross-origin-isolated
 * page) it uses the shared-memory module, so a thread pool can run on the same memory.
 */
export function wasmInstance(): WasmInstance {
  if (runtime) return runtime;
  const build = wasmBuild();
  if (!build) throw new BackendUnavailableError('WebAssembly SIMD is not available in this engine');
  const shared = compiled?.shared ?? wantShared();
  const module = compiled?.module ?? new WebAssembly.Module(moduleBytes(build, shared));
  const initial = 64;
  const memory = shared ? new WebAssembly.Memory({ initial, maximum: SHARED_MAX_PAGES, shared: true }) : new WebAssembly.Memory({ initial });
  runtime = new WasmInstance(module, memory, shared, build);
  return runtime;
}
