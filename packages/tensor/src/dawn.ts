import { BackendUnavailableError, MissingOptionalPackageError } from './errors.js';

/** What ufbert uses of the `webgpu` package (Dawn for Node). */
export interface DawnModule {
  create(flags: string[]): GPU;
  globals: Record<string, unknown>;
}

/** The package and range of the optional peer dependency in package.json. */
export const DAWN_PACKAGE = 'webgpu';
export const DAWN_RANGE = '^0.6.2';

function isMissing(err: unknown, specifier: string): boolean {
  const { code, message } = err as { code?: string; message?: string };
  // A package that is installed but fails to find one of its own files is broken, not missing.
  return code === 'ERR_MODULE_NOT_FOUND' && (message ?? '').includes(`'${specifier}'`);
}

/**
 * Loads Dawn only when a user asks for WebGPU in Node: it is an optional peer dependency,
 * so most installs lack its native binaries (about 130 MB for five platforms), and the
 * specifier is a variable so that bundlers do not try to resolve it for the browser.
 */
export async function loadDawn(specifier: string = DAWN_PACKAGE): Promise<DawnModule> {
  try {
    return (await import(/* @vite-ignore */ specifier)) as DawnModule;
  } catch (cause) {
    const install = `${specifier}@${DAWN_RANGE}`;
    if (isMissing(cause, specifier)) {
      throw new MissingOptionalPackageError(
        `webgpu: WebGPU in Node runs on Dawn, the optional '${specifier}' package, which is not installed; ` +
          `add it next to @ufbert/tensor (npm install ${install}, or pnpm add ${install}), or choose the wasm or cpu backend`,
        install,
      );
    }
    throw new BackendUnavailableError(`webgpu: the '${specifier}' package (Dawn for Node) is installed but could not be loaded: ${(cause as Error).message}`);
  }
}
