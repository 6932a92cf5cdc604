// The one definition of how the browser tests start Chromium: Debian's binary and the flags of
// ARCHITECTURE.md "Headless Chromium flags". Playwright passes --user-data-dir (a fresh folder).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Debian's chromium (tools/setup-system.sh), which ships the SwiftShader Vulkan driver WebGPU runs on here. */
export const CHROMIUM = '/usr/bin/chromium';

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-vulkan=swiftshader',
  '--use-webgpu-adapter=swiftshader',
];

/**
 * Headless Chromium with these flags and a fresh, temporary profile (Playwright passes it as
 * --user-data-dir), removed on close. `chromium` is playwright-core's, which the calling app
 * depends on (tools/ has no dependencies of its own).
 */
export async function launchHeadlessChromium(chromium, options = {}) {
  const profile = mkdtempSync(join(tmpdir(), options.profilePrefix ?? 'ufbert-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [...CHROMIUM_FLAGS],
      ...(options.viewport ? { viewport: options.viewport } : {}),
    });
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
