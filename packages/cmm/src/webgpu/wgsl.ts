import { ERF_WGSL } from '@ufbert/tensor';

/** The scalar types the kernels' buffers and uniforms hold. */
export type WgslScalar = 'f32' | 'i32' | 'u32';

/** A storage buffer a program binds, in binding order after the uniforms (binding 0). */
export interface StorageBinding {
  readonly name: string;
  readonly type: WgslScalar;
  /** `read` for inputs, `read_write` for outputs and scratch. */
  readonly access: 'read' | 'read_write';
}

/** A value of the program's uniform struct, readable in WGSL as `u.<name>`. */
export interface UniformValue {
  readonly name: string;
  readonly type: WgslScalar;
  readonly value: number;
}

/**
 * What one dispatch needs: the WGSL pieces, its bindings and uniforms, and the grid.
 * Every op is a function that returns one of these; a recorder runs it.
 */
export interface GpuProgram {
  /** Names the program in errors and debug labels. */
  readonly name: string;
  /** Invocations per workgroup (one dimension; programs index with `local`). */
  readonly workgroupSize: number;
  /** Bytes of `var<workgroup>` memory the program declares. */
  readonly workgroupStorageBytes: number;
  readonly bindings: readonly StorageBinding[];
  readonly uniforms: readonly UniformValue[];
  /** Workgroups to run; programs that linearise it read `group`. */
  readonly dispatch: readonly [number, number, number];
  /** Module-scope WGSL: helper functions and workgroup arrays. */
  readonly declarations: string;
  /** The body of `main`, which sees `local` (invocation index), `wid`, and `group` (the linear workgroup index). */
  readonly main: string;
}

export const input = (name: string, type: WgslScalar = 'f32'): StorageBinding => ({ name, type, access: 'read' });
export const output = (name: string, type: WgslScalar = 'f32'): StorageBinding => ({ name, type, access: 'read_write' });
export const u32 = (name: string, value: number): UniformValue => ({ name, type: 'u32', value });

/** The full WGSL module of a program: uniform struct, bindings, declarations, entry point. */
export function shaderSource(program: GpuProgram): string {
  const fields = program.uniforms.map((v) => `  ${v.name} : ${v.type},`).join('\n');
  const storage = program.bindings.map((b, i) => `@group(0) @binding(${i + 1}) var<storage, ${b.access}> ${b.name} : array<${b.type}>;`).join('\n');
  return `struct Uniforms {
${fields}
}
@group(0) @binding(0) var<uniform> u : Uniforms;
${storage}
${program.declarations}
@compute @workgroup_size(${program.workgroupSize})
fn main(@builtin(local_invocation_index) local : u32, @builtin(workgroup_id) wid : vec3<u32>, @builtin(num_workgroups) groups : vec3<u32>) {
  let group = wid.x + wid.y * groups.x;
${program.main}
}
`;
}

/** Uniform values packed as the WGSL struct lays them out: 4-byte scalars in order, padded to 16 bytes. */
export function packUniforms(uniforms: readonly UniformValue[]): ArrayBuffer {
  const bytes = Math.max(16, Math.ceil((uniforms.length * 4) / 16) * 16);
  const data = new ArrayBuffer(bytes);
  const view = new DataView(data);
  uniforms.forEach((v, i) => {
    if (v.type === 'f32') view.setFloat32(i * 4, v.value, true);
    else if (v.type === 'i32') view.setInt32(i * 4, v.value, true);
    else view.setUint32(i * 4, v.value, true);
  });
  return data;
}

/** Exact-erf GELU and its derivative, as @ufbert/tensor computes them on the GPU. */
export const GELU_WGSL = /* wgsl */ `${ERF_WGSL}
fn gelu(z : f32) -> f32 {
  return 0.5 * z * (1.0 + ufbertErf(z * 0.7071067811865476));
}
fn geluGrad(z : f32) -> f32 {
  return 0.5 * (1.0 + ufbertErf(z * 0.7071067811865476)) + z * 0.3989422804014327 * exp(-0.5 * z * z);
}
`;

/**
 * `laneSum(local, lane, value)`: the sum of `value` over the `lanes` consecutive
 * invocations that share one token. Every lane adds the token's partial sums in the
 * same order, so all of them get the same bits, and a token's sum never depends on its
 * neighbours in the workgroup. Call it from uniform control flow (it has barriers).
 * (A halving tree with writes under `if (lane < half)` gives wrong sums on Mesa's
 * llvmpipe once lanes span SIMD chunks; this form has no divergent writes.)
 */
export function laneSumWgsl(workgroupSize: number, lanes: number): string {
  return /* wgsl */ `
var<workgroup> partial : array<f32, ${workgroupSize}>;
fn laneSum(local : u32, lane : u32, value : f32) -> f32 {
  partial[local] = value;
  workgroupBarrier();
  var sum = 0.0;
  for (var q = local - lane; q < local - lane + ${lanes}u; q++) {
    sum += partial[q];
  }
  workgroupBarrier();
  return sum;
}
`;
}
