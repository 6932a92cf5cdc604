import { defineConfig } from 'vitest/config';

// The structure tests read the whole workspace (sources, and the built dist/ for bundling): run by
// `pnpm test:structure` from the root, after the packages are built.
export default defineConfig({
  test: {
    root: new URL('.', import.meta.url).pathname,
    include: ['*.test.mjs'],
    testTimeout: 240_000,
    hookTimeout: 240_000,
  },
});
