import { kernelLabel, type KernelName, type KernelOf } from '@ufbert/cmm';
// The same runner the browser page uses: cmm's cases, seeds and tolerance against the float64 oracle.
import { kernelConformanceChecks } from '../../webgpu-browser/page/conformance.js';
import type { CheckResult } from '../../webgpu-browser/page/report.js';
import type { DeviceWatch } from './device-watch.js';

export interface KernelVerdict {
  /** `ConditionalMatmul/webgpu/fused`. */
  kernel: string;
  ok: boolean;
  checks: CheckResult[];
  /** Why the cases could not run (a thrown error, a lost or hung device). */
  error?: string;
  seconds: number;
}

/** Conformance cases of one kernel can take a while on an emulated adapter: several GPU waits' worth. */
const CASES_DEADLINE_FACTOR = 5;

/**
 * Runs cmm's conformance cases for each webgpu kernel on this adapter, kernel by kernel,
 * so that one failing or throwing kernel does not take the others' verdicts with it.
 */
export async function conformanceVerdicts(
  kernels: ReadonlyArray<KernelOf<KernelName, 'webgpu'>>,
  watch: DeviceWatch,
  log: (line: string) => void,
): Promise<KernelVerdict[]> {
  const verdicts: KernelVerdict[] = [];
  for (const kernel of kernels) {
    const label = kernelLabel(kernel);
    const started = performance.now();
    const seconds = () => Math.round(performance.now() - started) / 1000;
    const unusable = watch.unusable;
    if (unusable) {
      verdicts.push({ kernel: label, ok: false, checks: [], error: unusable, seconds: 0 });
      continue;
    }
    try {
      const checks = await watch.wait(`conformance of ${label}`, kernelConformanceChecks(kernel), CASES_DEADLINE_FACTOR * watch.deadlineMs);
      const failed = checks.filter((c) => !c.ok);
      verdicts.push({ kernel: label, ok: failed.length === 0, checks, seconds: seconds() });
      log(`  ${failed.length === 0 ? 'PASS' : 'FAIL'} ${label}: ${checks.length - failed.length} of ${checks.length} checks (${seconds()} s)`);
      for (const c of failed) log(`    failed: ${c.name}: ${c.detail}`);
    } catch (err) {
      const error = (err as Error).message.split('\n')[0];
      verdicts.push({ kernel: label, ok: false, checks: [], error, seconds: seconds() });
      log(`  FAIL ${label}: ${error}`);
    }
  }
  return verdicts;
}

/** Why a kernel is not timed: its failed checks or its error; undefined when it passed. */
export function refusal(verdicts: readonly KernelVerdict[], label: string): string | undefined {
  const verdict = verdicts.find((v) => v.kernel === label);
  if (!verdict) return `no conformance verdict for ${label}`;
  if (verdict.ok) return undefined;
  if (verdict.error) return `conformance did not complete on this adapter: ${verdict.error}`;
  const failed = verdict.checks.filter((c) => !c.ok);
  return `failed ${failed.length} conformance check(s) on this adapter, e.g. ${failed[0].name}: ${failed[0].detail}`;
}
