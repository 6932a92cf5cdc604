// The `webgpu` package as the GPU bench bundle carries it: the package's own loader
// (dawn-loader.js, its index.js) with Dawn's timestamp quantization off. Dawn rounds
// timestamps down to 65.5 µs by default, a browser's guard against timing attacks that
// would swallow a B = 1 kernel whole; a benchmark needs them exact.
import { create as createDawn, globals } from './dawn-loader.js';

export { globals };

export function create(flags) {
  return createDawn([...flags, 'disable-dawn-features=timestamp_quantization']);
}
