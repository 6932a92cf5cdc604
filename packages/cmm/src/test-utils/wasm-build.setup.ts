// Runs before every test file of a vitest project: puts the WASM kernels on the build
// the project names (vitest.config.ts), so one conformance suite checks both builds.
import { inject } from 'vitest';
import { selectWasmBuild, type WasmBuild } from '../wasm/wasm-instance.js';

declare module 'vitest' {
  export interface ProvidedContext {
    wasmBuild: WasmBuild;
  }
}

selectWasmBuild(inject('wasmBuild'));
