import { listFolder, pathKind } from '@ufbert/tensor/node';

/** Where the Vulkan loader looks for drivers (ICD manifests), system-wide. */
const ICD_DIRS = ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d', '/usr/local/share/vulkan/icd.d'];

function list(dir: string, keep: (name: string) => boolean = () => true): string[] {
  try {
    return listFolder(dir)
      .filter(keep)
      .map((name) => `${dir}/${name}`);
  } catch {
    return [];
  }
}

/**
 * What a remote operator needs when Dawn found no adapter: the Vulkan drivers the loader can
 * see, the GPU device files, and the variables that steer them (an NVIDIA container started
 * without the `graphics` capability has /dev/nvidia0 but no Vulkan ICD).
 */
export function gpuDiagnostics(): Record<string, string | string[]> {
  return {
    VK_ICD_FILENAMES: process.env.VK_ICD_FILENAMES ?? 'unset',
    LD_LIBRARY_PATH: process.env.LD_LIBRARY_PATH ?? 'unset',
    NVIDIA_DRIVER_CAPABILITIES: process.env.NVIDIA_DRIVER_CAPABILITIES ?? 'unset',
    vulkan_icds: ICD_DIRS.flatMap((dir) => list(dir)),
    gpu_devices: [...list('/dev', (name) => /^nvidia\d+$/.test(name)), ...list('/dev/dri')],
    nvidia_smi: pathKind('/usr/bin/nvidia-smi') !== 'missing' ? '/usr/bin/nvidia-smi' : 'absent',
  };
}
