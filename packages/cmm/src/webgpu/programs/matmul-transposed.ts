import { WebGpuLimitError } from '../errors.js';
import { GELU_WGSL, input, output, u32, type GpuProgram } from '../wgsl.js';

export interface MatmulTransposedOptions {
  /** rows of a and of c */
  readonly rows: number;
  /** rows of b, columns of c */
  readonly cols: number;
  /** columns of a and of b */
  readonly inner: number;
  /** c = GELU(a b^T + bias): adds `bias` [cols] and applies the exact GELU. */
  readonly biasGelu: 'none' | 'gelu' | 'bias-gelu';
}

const TILE = 16;

/**
 * c [rows, cols] = a [rows, inner] . b [cols, inner]^T, in 16 x 16 tiles staged through
 * workgroup memory; each of the 64 invocations computes 2 x 2 outputs. Every output sums
 * its products in increasing `inner` order. The dense level-3 kernel runs it twice.
 */
export function matmulTransposedProgram(o: MatmulTransposedOptions, limits: GPUSupportedLimits): GpuProgram {
  const grid: [number, number, number] = [Math.ceil(o.cols / TILE), Math.ceil(o.rows / TILE), 1];
  const max = limits.maxComputeWorkgroupsPerDimension;
  if (grid[0] > max || grid[1] > max) {
    throw new WebGpuLimitError(
      `matmulTransposed of [${o.rows}, ${o.inner}] x [${o.cols}, ${o.inner}]^T needs a ${grid[0]} x ${grid[1]} grid; maxComputeWorkgroupsPerDimension is ${max}`,
    );
  }
  const epilogue = o.biasGelu === 'none' ? 'v' : o.biasGelu === 'gelu' ? 'gelu(v)' : 'gelu(v + bias[col])';
  return {
    name: `matmulTransposed(${o.biasGelu})`,
    workgroupSize: 64,
    workgroupStorageBytes: 2 * TILE * TILE * 4,
    bindings: [input('a'), input('b'), ...(o.biasGelu === 'bias-gelu' ? [input('bias')] : []), output('c')],
    uniforms: [u32('rows', o.rows), u32('cols', o.cols), u32('inner', o.inner)],
    dispatch: grid,
    declarations: /* wgsl */ `${o.biasGelu === 'none' ? '' : GELU_WGSL}
var<workgroup> tileA : array<f32, ${TILE * TILE}>;
var<workgroup> tileB : array<f32, ${TILE * TILE}>;
fn store(row : u32, col : u32, v : f32) {
  if (row < u.rows && col < u.cols) {
    c[row * u.cols + col] = ${epilogue};
  }
}`,
    main: /* wgsl */ `
  let row0 = wid.y * ${TILE}u;
  let col0 = wid.x * ${TILE}u;
  let tx = local % 8u;
  let ty = local / 8u;
  var c00 = 0.0;
  var c01 = 0.0;
  var c10 = 0.0;
  var c11 = 0.0;
  for (var k0 = 0u; k0 < u.inner; k0 += ${TILE}u) {
    for (var q = 0u; q < 4u; q++) {
      let e = local + q * 64u;
      let r = e / ${TILE}u;
      let k = k0 + e % ${TILE}u;
      var av = 0.0;
      if (row0 + r < u.rows && k < u.inner) {
        av = a[(row0 + r) * u.inner + k];
      }
      tileA[e] = av;
      var bv = 0.0;
      if (col0 + r < u.cols && k < u.inner) {
        bv = b[(col0 + r) * u.inner + k];
      }
      tileB[e] = bv;
    }
    workgroupBarrier();
    for (var k = 0u; k < ${TILE}u; k++) {
      let a0 = tileA[(2u * ty) * ${TILE}u + k];
      let a1 = tileA[(2u * ty + 1u) * ${TILE}u + k];
      let b0 = tileB[(2u * tx) * ${TILE}u + k];
      let b1 = tileB[(2u * tx + 1u) * ${TILE}u + k];
      c00 += a0 * b0;
      c01 += a0 * b1;
      c10 += a1 * b0;
      c11 += a1 * b1;
    }
    workgroupBarrier();
  }
  store(row0 + 2u * ty, col0 + 2u * tx, c00);
  store(row0 + 2u * ty, col0 + 2u * tx + 1u, c01);
  store(row0 + 2u * ty + 1u, col0 + 2u * tx, c10);
  store(row0 + 2u * ty + 1u, col0 + 2u * tx + 1u, c11);`,
  };
}
