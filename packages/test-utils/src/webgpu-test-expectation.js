// The test policy of the workspace's WebGPU suites. It lives here, not in a published package:
// where this repository's setup installed the SwiftShader Vulkan driver, a missing adapter is a
// test failure, not a skip.
import { existsSync } from 'node:fs';

/** The Vulkan driver of Debian's chromium package, which tools/setup-system.sh installs. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/**
 * Whether WebGPU suites must run here. `UFBERT_SKIP_WEBGPU=1` skips them anywhere; a browser
 * (no `process`) always runs them.
 */
export function webgpuTestExpectation() {
  if (typeof process === 'undefined' || !process.versions?.node) return { expected: true, reason: '' };
  if (process.env.UFBERT_SKIP_WEBGPU === '1') return { expected: false, reason: 'UFBERT_SKIP_WEBGPU=1' };
  if (existsSync(SWIFTSHADER_ICD)) return { expected: true, reason: '' };
  return { expected: false, reason: `no WebGPU driver installed (${SWIFTSHADER_ICD} missing; run tools/setup-system.sh as root)` };
}
