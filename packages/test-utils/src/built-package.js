// For tests that start a separate Node process importing a package as a user would (from
// its dist/): builds dist/ as `pnpm build` does, unless it is newer than every source file.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds `packageRoot`/dist (tsc with its tsconfig.build.json) unless it is newer than every file of its src/. */
export function ensureBuilt(packageRoot) {
  const entry = join(packageRoot, 'dist', 'index.js');
  if (existsSync(entry) && statSync(entry).mtimeMs >= newestSource(join(packageRoot, 'src'))) return;
  execFileSync(process.execPath, [join(packageRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(packageRoot, 'tsconfig.build.json')], {
    stdio: 'pipe',
  });
}
