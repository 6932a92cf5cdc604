import { BackendUnavailableError } from './errors.js';
import { loadDawn } from './dawn.js';

/** Which WebGPU implementation and adapter a session runs on. */
export interface WebGpuAdapterDescription {
  /** `navigator.gpu` (browser) or `dawn` (the `webgpu` npm package in Node). */
  implementation: 'navigator.gpu' | 'dawn';
  /** In Node: `vulkan` (SwiftShader or a real driver) or `opengles` (e.g. Mesa llvmpipe). */
  route?: 'vulkan' | 'opengles';
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  featureLevel: 'core' | 'compatibility';
  /** True for adapters that emulate a GPU on the CPU (SwiftShader, llvmpipe). */
  isCpuAdapter: boolean;
}

export interface AcquiredAdapter {
  adapter: GPUAdapter;
  description: WebGpuAdapterDescription;
}

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

function isNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string';
}

function describe(
  adapter: GPUAdapter,
  implementation: WebGpuAdapterDescription['implementation'],
  route: WebGpuAdapterDescription['route'],
  featureLevel: WebGpuAdapterDescription['featureLevel'],
): WebGpuAdapterDescription {
  const info = adapter.info;
  const text = `${info.vendor} ${info.architecture} ${info.device} ${info.description}`.toLowerCase();
  return {
    implementation,
    ...(route ? { route } : {}),
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    featureLevel,
    isCpuAdapter: /swiftshader|llvmpipe|lavapipe|softpipe|warp|cpu/.test(text),
  };
}

/** Formats an adapter for logs and benchmark headers. */
export function formatAdapter(d: WebGpuAdapterDescription): string {
  const name = [d.vendor, d.architecture, d.description || d.device].filter(Boolean).join(' ');
  const via = d.implementation === 'dawn' ? `Dawn/${d.route}` : 'navigator.gpu';
  return `${name} (${via}, ${d.featureLevel}${d.isCpuAdapter ? ', CPU adapter' : ''})`;
}

async function requestFromNavigator(): Promise<AcquiredAdapter> {
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) throw new BackendUnavailableError('webgpu: navigator.gpu is missing; this browser has no WebGPU (Chromium needs --enable-unsafe-webgpu)');
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new BackendUnavailableError('webgpu: navigator.gpu.requestAdapter() returned null; no WebGPU adapter is available');
  return { adapter, description: describe(adapter, 'navigator.gpu', undefined, 'core') };
}

/**
 * Node: Dawn through the `webgpu` package. Route 1 is Vulkan (a real driver, or
 * the SwiftShader ICD that Debian's chromium ships); route 2 is OpenGL ES through
 * EGL surfaceless (Mesa llvmpipe), which only offers the compatibility level.
 */
async function requestFromDawn(): Promise<AcquiredAdapter> {
  const dawn = await loadDawn();
  // getBuiltinModule, not an import: the main entry stays free of node: imports for bundlers
  // (this runs only in Node), and the file layer is for files read or written, not probed.
  if (!process.env.VK_ICD_FILENAMES && process.getBuiltinModule('node:fs').existsSync(SWIFTSHADER_ICD)) {
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  }
  Object.assign(globalThis, dawn.globals);
  const tried: string[] = [];

  const vulkan = dawn.create([]);
  const onVulkan = await vulkan.requestAdapter({ powerPreference: 'high-performance' });
  if (onVulkan) {
    installNavigatorGpu(vulkan);
    return { adapter: onVulkan, description: describe(onVulkan, 'dawn', 'vulkan', 'core') };
  }
  tried.push(`vulkan (VK_ICD_FILENAMES=${process.env.VK_ICD_FILENAMES ?? 'unset'})`);

  process.env.EGL_PLATFORM ??= 'surfaceless';
  const gles = dawn.create(['backend=opengles']);
  const onGles = await gles.requestAdapter({ featureLevel: 'compatibility' } as GPURequestAdapterOptions);
  if (onGles) {
    installNavigatorGpu(gles);
    return { adapter: onGles, description: describe(onGles, 'dawn', 'opengles', 'compatibility') };
  }
  tried.push('opengles (EGL_PLATFORM=surfaceless)');
  throw new BackendUnavailableError(
    `webgpu: Dawn found no adapter; tried ${tried.join(', ')}. Install Debian's chromium (SwiftShader Vulkan ICD) and libvulkan1, or Mesa's EGL.`,
  );
}

// tfjs's webgpu backend checks navigator.gpu before it constructs; Node 20 has no navigator.
function installNavigatorGpu(gpu: GPU): void {
  const g = globalThis as { navigator?: { gpu?: GPU } };
  if (!g.navigator) {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  } else if (!g.navigator.gpu) {
    Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
  }
}

let pending: Promise<AcquiredAdapter> | undefined;

/** Finds a WebGPU adapter once per process: navigator.gpu in browsers, Dawn in Node. */
export function acquireWebGpuAdapter(): Promise<AcquiredAdapter> {
  pending ??= (isNode() ? requestFromDawn() : requestFromNavigator()).catch((err) => {
    pending = undefined;
    throw err;
  });
  return pending;
}
