import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { describeBackend, tf } from '@ufbert/tensor';
import { FILE_LIMITS, readTextSync } from '@ufbert/tensor/node';
import type { MachineInfo, Versions } from './run-report.js';

/** The machine a run's times were measured on. */
export function machineInfo(): MachineInfo {
  const processors = cpus();
  return {
    platform: process.platform,
    arch: process.arch,
    cpu: processors[0]?.model.trim() ?? 'unknown',
    cores: processors.length,
    memoryGiB: Math.round((10 * totalmem()) / 2 ** 30) / 10,
    backend: describeBackend(),
  };
}

/** Node, the @ufbert packages (one fixed version for all) and tfjs-core. */
export function versions(): Versions {
  // @ufbert/tensor's entry is dist/index.js; its manifest sits one folder above dist.
  const manifest = JSON.parse(
    readTextSync(fileURLToPath(new URL('../package.json', import.meta.resolve('@ufbert/tensor'))), { what: 'package manifest', maxBytes: FILE_LIMITS.json }),
  ) as { version: string };
  return { node: process.version, ufbert: manifest.version, tfjsCore: tf.version_core };
}
