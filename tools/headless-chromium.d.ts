/** Debian's chromium (tools/setup-system.sh), which ships the SwiftShader Vulkan driver WebGPU runs on here. */
export declare const CHROMIUM: string;
/** The flags of ARCHITECTURE.md "Headless Chromium flags", without --user-data-dir. */
export declare const CHROMIUM_FLAGS: readonly string[];
