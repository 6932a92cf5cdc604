// The one definition of how the browser tests start Chromium: Debian's binary and the flags of
// ARCHITECTURE.md "Headless Chromium flags". Playwright passes --user-data-dir (a fresh folder).

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
