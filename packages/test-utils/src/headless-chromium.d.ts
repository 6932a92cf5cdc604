/** Debian's chromium (tools/setup-system.sh), which ships the SwiftShader Vulkan driver WebGPU runs on here. */
export declare const CHROMIUM: string;
/** The flags of ARCHITECTURE.md "Headless Chromium flags", without --user-data-dir. */
export declare const CHROMIUM_FLAGS: readonly string[];

/** The part of playwright-core's `chromium` the launcher uses (tools/ does not depend on playwright-core itself). */
export interface PersistentContextLauncher<Context> {
  launchPersistentContext(
    userDataDir: string,
    options: { executablePath: string; headless: boolean; args: string[]; viewport?: { width: number; height: number } },
  ): Promise<Context>;
}

export interface HeadlessChromium<Context> {
  readonly context: Context;
  /** Closes the browser and removes its temporary profile. */
  close(): Promise<void>;
}

/** Headless Chromium with CHROMIUM_FLAGS and a fresh temporary profile, removed on close. */
export declare function launchHeadlessChromium<Context extends { close(): Promise<void> }>(
  chromium: PersistentContextLauncher<Context>,
  options?: { viewport?: { width: number; height: number }; profilePrefix?: string },
): Promise<HeadlessChromium<Context>>;
