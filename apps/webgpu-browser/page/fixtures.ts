// The reference FFF fixtures (written by the PyTorch reference), run through the
// differentiable op on tfjs's webgpu backend, as `pnpm parity` does in Node.
import { checkFFFFixtures, type FFFFixtureSpec } from '@ufbert/fff/parity';
import { readSafetensors } from '@ufbert/tensor';
import { withinTolerance, type CheckResult } from './report.js';

/** The tolerance of `pnpm parity`. */
const TOLERANCE = 1e-4;

async function fetchOk(url: string): Promise<Response> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${response.statusText}`);
  return response;
}

export async function runFixtureChecks(base: string): Promise<CheckResult[]> {
  const spec = (await (await fetchOk(`${base}fff.json`)).json()) as FFFFixtureSpec;
  const file = await readSafetensors(new Uint8Array(await (await fetchOk(`${base}fff.safetensors`)).arrayBuffer()));
  const checks: CheckResult[] = [];
  await checkFFFFixtures(spec, file, {
    report: (caseName, tensorName, error) => checks.push(withinTolerance(`fixture ${caseName} ${tensorName}`, error, TOLERANCE)),
  });
  return checks;
}
