import { describeBackend, setBackend } from '@ufbert/tensor';
import '@ufbert/fff';
import { runConformanceChecks } from './conformance.js';
import { runFixtureChecks } from './fixtures.js';
import { runOnnxRuntimeWebChecks } from './onnxruntime-web.js';
import type { PageReport } from './report.js';

async function run(): Promise<PageReport> {
  await setBackend('webgpu');
  const adapter = describeBackend();
  const checks = [...(await runConformanceChecks()), ...(await runFixtureChecks('/fixtures/')), ...(await runOnnxRuntimeWebChecks('/onnx/'))];
  return { adapter, checks };
}

const report = await run().catch((err: unknown): PageReport => ({ checks: [], error: err instanceof Error ? (err.stack ?? err.message) : String(err) }));
window.ufbertReport = report;
const lines = report.error
  ? [`error: ${report.error}`]
  : [report.adapter ?? '', ...report.checks.map((c) => `${c.ok ? 'PASS' : 'FAIL'} ${c.name}: ${c.detail}`)];
document.getElementById('log')!.textContent = lines.join('\n');
