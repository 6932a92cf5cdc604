/** Builds `packageRoot`/dist (tsc with its tsconfig.build.json) unless it is newer than every file of its src/. */
export declare function ensureBuilt(packageRoot: string): void;
