/** The Vulkan driver of Debian's chromium package, which tools/setup-system.sh installs. */
export declare const SWIFTSHADER_ICD: string;

/** Whether WebGPU suites must run here: where they are not expected, they are skipped with `reason`. */
export declare function webgpuTestExpectation(): { expected: boolean; reason: string };
