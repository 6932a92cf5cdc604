// The browser suite's share of the report: its table with the FFF/dense ratios, and the
// issue-29 targets, both measured in one page run with the same dtype and threads.
import type { TargetCheck } from './headline.js';
import type { BrowserProfile, BrowserRow } from './types.js';

/** UltraFastBERT-1x11 over crammedBERT-3072 per token, wasm EP, 2 threads, at these calls. */
const MODEL_TARGET = { calls: ['8x128', '1x16'], threads: 2, speedup: 2 } as const;
/** @ufbert/cmm's FFF-1x11 kernel over onnxruntime-web's dense FF-3072 at B=128, in the page. */
const KERNEL_TARGET = { call: 'B=128', speedup: 20 } as const;

const threadsLabel = (t: number) => `${t} thread${t > 1 ? 's' : ''}`;

/** Rows of the same setting with the other family: the dense partner of an FFF row (or the reverse). */
function partner(rows: readonly BrowserRow[], row: BrowserRow, family: 'fff' | 'ff', where: Partial<BrowserRow> = {}): BrowserRow | undefined {
  return rows.find(
    (r) =>
      r.family === family &&
      r.dtype === row.dtype &&
      r.call === row.call &&
      (where.runtime ?? row.runtime) === r.runtime &&
      (where.ep ?? row.ep) === r.ep &&
      (where.threads ?? row.threads) === r.threads,
  );
}

/** The dense row over the FFF row: how much faster the FFF side is (undefined where either is missing). */
export function browserSpeedup(rows: readonly BrowserRow[], fff: BrowserRow, where: Partial<BrowserRow> = {}): number | undefined {
  const dense = partner(rows, fff, 'ff', where);
  return dense ? dense.us_per_token / fff.us_per_token : undefined;
}

/** The issue-29 targets this run has rows for, thread-matched: cmm's kernel on its pool of Web Workers against onnxruntime-web on as many threads. */
export function browserTargets(rows: readonly BrowserRow[]): TargetCheck[] {
  const out: TargetCheck[] = [];
  const models = rows.filter((r) => r.family === 'fff' && r.runtime === 'onnxruntime-web' && r.ep === 'wasm' && r.threads === MODEL_TARGET.threads);
  for (const call of MODEL_TARGET.calls) {
    for (const fff of models.filter((r) => r.call === call)) {
      const speedup = browserSpeedup(rows, fff);
      if (speedup === undefined) continue;
      const dense = partner(rows, fff, 'ff')!;
      out.push({
        what: `${fff.model} vs ${dense.model} per token in Chromium, onnxruntime-web wasm, ${fff.dtype}, ${threadsLabel(fff.threads)}, ${call}`,
        value: speedup,
        target: MODEL_TARGET.speedup,
        met: speedup >= MODEL_TARGET.speedup,
      });
    }
  }
  for (const fff of rows.filter((r) => r.runtime === '@ufbert/cmm' && r.call === KERNEL_TARGET.call)) {
    const speedup = browserSpeedup(rows, fff, { runtime: 'onnxruntime-web' });
    if (speedup === undefined) continue;
    const ranOn = fff.threads_used !== undefined && fff.threads_used !== fff.threads ? ` (@ufbert/cmm ran on ${threadsLabel(fff.threads_used)})` : '';
    const what = `@ufbert/cmm ${fff.model} kernel vs onnxruntime-web ff-3072 in Chromium, ${KERNEL_TARGET.call}, ${threadsLabel(fff.threads)} each${ranOn}`;
    out.push({ what, value: speedup, target: KERNEL_TARGET.speedup, met: speedup >= KERNEL_TARGET.speedup });
  }
  return out;
}

const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toPrecision(3));
const fmtRatio = (x: number | undefined) => (x === undefined ? '—' : `${x >= 10 ? x.toFixed(0) : x.toFixed(2)}×`);

/** Markdown lines of the browser section; none when the suite did not run. */
export function browserSection(rows: readonly BrowserRow[] | undefined, profiles: readonly BrowserProfile[] = []): string[] {
  if (!rows?.length) return [];
  const first = rows[0];
  const out: string[] = ['## In the browser: headless Chromium, onnxruntime-web and @ufbert/cmm in a page', ''];
  out.push(
    `${first.browser_version}, navigator.hardwareConcurrency ${first.hardware_concurrency}, crossOriginIsolated ${rows.every((r) => r.cross_origin_isolated)} ` +
      '(the page is served with COOP same-origin and COEP require-corp: without them SharedArrayBuffer is off and onnxruntime-web runs one thread). ' +
      'µs per token, median of the calls of every round, the models alternating round by round. The ratio is the dense row over the FFF row with the same dtype, runtime, EP, threads and call; ' +
      "feedforward rows (B=n) compare @ufbert/cmm's kernel with onnxruntime-web's dense FF-3072 at the same threads.",
    '',
  );
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  out.push(line(['model', 'dtype', 'runtime', 'EP', 'threads', 'call', 'ms/call', 'µs/token', 'dense / FFF', 'calls']), line(Array(10).fill('---')));
  for (const r of rows) {
    const ratio = r.family === 'fff' ? fmtRatio(browserSpeedup(rows, r, r.runtime === '@ufbert/cmm' ? { runtime: 'onnxruntime-web' } : {})) : '';
    const threads = r.threads_used !== undefined && r.threads_used !== r.threads ? `${r.threads} (ran on ${r.threads_used})` : String(r.threads);
    out.push(line([r.model, r.dtype, r.runtime, r.ep, threads, r.call, fmt(r.ms_per_call), fmt(r.us_per_token), ratio, String(r.samples)]));
  }
  out.push('');
  const notes = [...new Set(rows.filter((r) => r.note).map((r) => `${r.runtime} ${r.ep}: ${r.note}`))];
  for (const n of notes) out.push(`- ${n}`);
  if (notes.length) out.push('');
  const targets = browserTargets(rows);
  if (targets.length) {
    out.push('Targets (issue 29):', '');
    for (const t of targets) out.push(`- ${t.what}: ${fmtRatio(t.value)} (target ${t.target}×): ${t.met ? 'met' : 'NOT met'}`);
    out.push('');
  }
  out.push(...profileSection(profiles));
  return out;
}

/** The operators' time per token (onnxruntime-web's profiler, one call each), the slowest of each model side by side. */
function profileSection(profiles: readonly BrowserProfile[]): string[] {
  if (!profiles.length) return [];
  const top = 10;
  const ops = [...new Set(profiles.flatMap((p) => p.ops.slice(0, top).map((o) => o.op)))];
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const name = (p: BrowserProfile) => `${p.model} ${p.dtype}`;
  const out = [
    `### Where the time goes: onnxruntime-web's profiler, ${profiles[0].call}, ${threadsLabel(profiles[0].threads)}`,
    '',
    "Kernel time per operator type, µs per token, one profiled call of each model (the profiler adds its own time). Each model's ten slowest types are listed.",
    '',
    line(['operator', ...profiles.map(name)]),
    line(Array(profiles.length + 1).fill('---')),
    ...ops.map((op) => line([op, ...profiles.map((p) => fmtOr(p.ops.find((o) => o.op === op)?.us_per_token))])),
    line(['all kernels', ...profiles.map((p) => fmt(p.us_per_token))]),
    '',
  ];
  return out;
}

const fmtOr = (x: number | undefined) => (x === undefined ? '—' : fmt(x));
