import { defineConfig } from 'vitest/config';
import { RELAXED_SIMD_PROBE } from './src/wasm/relaxed-simd-probe.js';

// Every test runs on the SIMD build; the WASM conformance and runtime tests run again on
// the relaxed-SIMD build. Node 20 has relaxed SIMD behind a V8 flag, which Node 22+
// (where it is on by default) no longer accepts.
const relaxedSimdFlags = WebAssembly.validate(RELAXED_SIMD_PROBE) ? [] : ['--experimental-wasm-relaxed-simd'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    setupFiles: ['src/test-utils/wasm-build.setup.ts'],
    projects: [
      {
        extends: true,
        test: { name: 'simd', include: ['src/**/*.test.ts'], provide: { wasmBuild: 'simd' } },
      },
      {
        extends: true,
        test: {
          name: 'relaxed-simd',
          include: ['src/conformance.test.ts', 'src/wasm/*.test.ts'],
          provide: { wasmBuild: 'relaxed-simd' },
          execArgv: relaxedSimdFlags,
        },
      },
    ],
  },
});
