// @ufbert/fff/node: an FFF layer's parameters in a safetensors file on disk, through
// @ufbert/tensor/node's guarded file layer. The main entry holds no file I/O, so it runs in a browser.
import { readSafetensorsFile, writeSafetensorsFile } from '@ufbert/tensor/node';
import type { FFF } from './fff-layer.js';

/** Reads `linear_in.weight`, `linear_in.bias` and `linear_out.weight` (under `prefix`) from a safetensors file into the layer. */
export async function loadFFF(fff: FFF, path: string, prefix = ''): Promise<void> {
  const file = await readSafetensorsFile(path, { names: (name) => name.startsWith(prefix) });
  fff.loadParameters(file.tensors, prefix);
}

/** Writes the layer's parameters (under `prefix`) to a safetensors file, through a temporary file renamed into place. */
export async function saveFFF(fff: FFF, path: string, prefix = ''): Promise<void> {
  await writeSafetensorsFile(path, await fff.toSafeTensors(prefix), { format: 'pt' });
}
