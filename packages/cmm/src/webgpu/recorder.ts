import { WebGpuExecutionError } from './errors.js';
import { checkBufferSize } from './limits.js';
import { pipelineFor } from './pipeline-cache.js';
import { packUniforms, type GpuProgram } from './wgsl.js';

/**
 * Records programs into a command encoder: one compute pass each, with a fresh uniform
 * buffer, in order. Works on any encoder: its own job's, or the tfjs backend's.
 */
export class ProgramRecorder {
  private readonly temporaries: GPUBuffer[] = [];

  constructor(
    readonly device: GPUDevice,
    readonly encoder: GPUCommandEncoder,
  ) {}

  /** A zero-filled storage buffer of `elements` 4-byte values, destroyed by release(). */
  scratch(what: string, elements: number, usage = 0): GPUBuffer {
    const size = Math.max(4, elements * 4);
    checkBufferSize(this.device.limits, what, size);
    return this.keep(this.device.createBuffer({ label: what, size, usage: GPUBufferUsage.STORAGE | usage }));
  }

  /** A buffer the recorder destroys in release(). */
  keep(buffer: GPUBuffer): GPUBuffer {
    this.temporaries.push(buffer);
    return buffer;
  }

  /** Records one dispatch of `program`, binding `buffers` by the names of its bindings. */
  run(program: GpuProgram, buffers: Readonly<Record<string, GPUBuffer | undefined>>): void {
    const { pipeline, layout } = pipelineFor(this.device, program);
    const data = packUniforms(program.uniforms);
    const uniforms = this.keep(
      this.device.createBuffer({ label: `${program.name} uniforms`, size: data.byteLength, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST }),
    );
    this.device.queue.writeBuffer(uniforms, 0, data);
    const entries: GPUBindGroupEntry[] = [{ binding: 0, resource: { buffer: uniforms } }];
    program.bindings.forEach((b, i) => {
      const buffer = buffers[b.name];
      if (!buffer) throw new WebGpuExecutionError(`${program.name}: no buffer given for binding '${b.name}'`);
      entries.push({ binding: i + 1, resource: { buffer } });
    });
    const pass = this.encoder.beginComputePass({ label: program.name });
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, this.device.createBindGroup({ label: program.name, layout, entries }));
    pass.dispatchWorkgroups(...program.dispatch);
    pass.end();
  }

  /** Destroys scratch and uniform buffers; call once the recorded commands were submitted. */
  release(): void {
    for (const buffer of this.temporaries.splice(0)) buffer.destroy();
  }
}
