import { headlineEntries, PAPER_CPU_FIGURES } from './headline.js';
import { fastestExternal, matchingDense, threadsOf } from './speedups.js';
import type { BenchResult, Row } from './types.js';

export interface Series {
  label: string;
  points: ReadonlyArray<readonly [number, number]>;
  /** Min-max bars: [x, lo, hi] per point that has a spread. */
  ranges?: ReadonlyArray<readonly [number, number, number]>;
  /** stroke-dasharray, solid when absent. */
  dash?: string;
  /** Any SVG colour; the palette's next one when absent. */
  color?: string;
}

export interface Axis {
  label: string;
  log: boolean;
  /** Tick positions with their labels; computed from the data when absent. */
  ticks?: ReadonlyArray<readonly [number, string]>;
}

/** A labelled horizontal line across the plot: a figure to read the series against. */
export interface Reference {
  y: number;
  label: string;
}

export interface LineChart {
  title: string;
  x: Axis;
  y: Axis;
  /** At most MAX_SERIES; more are refused (split the data over several charts). */
  series: readonly Series[];
  references?: readonly Reference[];
}

/** The most series one chart carries: past six, lines and colours stop being told apart. */
export const MAX_SERIES = 6;

export class ChartError extends Error {
  override name = 'ChartError';
}

const WIDTH = 830;
const HEIGHT = 480;
const PLOT = { left: 72, right: 580, top: 44, bottom: 420 };
/** Okabe & Ito's colour-blind-safe palette (yellow last: it is faint on white). */
export const PALETTE = ['#000000', '#E69F00', '#56B4E9', '#009E73', '#0072B2', '#D55E00', '#CC79A7', '#F0E442'];

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** 1, 2, 5 times powers of ten inside [lo, hi], thinned to at most 10 ticks. */
function logTicks(lo: number, hi: number): Array<[number, string]> {
  const ticks: Array<[number, string]> = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (v >= lo && v <= hi) ticks.push([v, formatTick(v)]);
    }
  }
  if (ticks.length > 10) return ticks.filter(([v]) => Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-9);
  return ticks;
}

function linearTicks(lo: number, hi: number): Array<[number, string]> {
  const step = 10 ** Math.floor(Math.log10(Math.max(hi - lo, 1e-12) / 5));
  const nice = [1, 2, 5, 10].map((m) => m * step).find((s) => (hi - lo) / s <= 8) ?? step * 10;
  const ticks: Array<[number, string]> = [];
  for (let v = Math.ceil(lo / nice) * nice; v <= hi + 1e-9; v += nice) ticks.push([v, formatTick(v)]);
  return ticks;
}

function formatTick(v: number): string {
  if (v >= 1e4 || (v > 0 && v < 1e-2)) return v.toExponential(0);
  return String(Number(v.toPrecision(3)));
}

function extent(values: number[], log: boolean): [number, number] {
  const usable = log ? values.filter((v) => v > 0) : values;
  if (usable.length === 0) return log ? [1, 10] : [0, 1];
  let lo = Math.min(...usable);
  let hi = Math.max(...usable);
  if (log) {
    // Rounded out to quarter decades past a margin, so points do not sit on the frame.
    lo = 10 ** (Math.floor(Math.log10(lo / 1.2) * 4) / 4);
    hi = 10 ** (Math.ceil(Math.log10(hi * 1.2) * 4) / 4);
    if (hi <= lo) hi = lo * 10;
  } else {
    const pad = (hi - lo) * 0.05 || Math.abs(hi) * 0.1 || 1;
    lo -= pad;
    hi += pad;
  }
  return [lo, hi];
}

/** A hand-written SVG line chart: axes, ticks, grid, one polyline per series, legend on the right. */
export function renderLineChart(chart: LineChart): string {
  if (chart.series.length > MAX_SERIES) throw new ChartError(`chart '${chart.title}' has ${chart.series.length} series; at most ${MAX_SERIES} are readable`);
  const xs = chart.series.flatMap((s) => s.points.map(([x]) => x));
  const ys = [
    ...chart.series.flatMap((s) => [...s.points.map(([, y]) => y), ...(s.ranges ?? []).flatMap(([, lo, hi]) => [lo, hi])]),
    ...(chart.references ?? []).map((r) => r.y),
  ];
  const [x0, x1] = chart.x.ticks ? extent([...xs, ...chart.x.ticks.map(([v]) => v)], chart.x.log) : extent(xs, chart.x.log);
  const [y0, y1] = extent(ys, chart.y.log);
  const scale = (v: number, lo: number, hi: number, log: boolean, a: number, b: number) => {
    const t = log ? (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) : (v - lo) / (hi - lo || 1);
    return a + t * (b - a);
  };
  const px = (v: number) => scale(v, x0, x1, chart.x.log, PLOT.left, PLOT.right);
  const py = (v: number) => scale(v, y0, y1, chart.y.log, PLOT.bottom, PLOT.top);
  const f = (v: number) => v.toFixed(1);

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="22" text-anchor="middle" font-size="15">${escapeXml(chart.title)}</text>`,
  );
  const xTicks = chart.x.ticks ?? (chart.x.log ? logTicks(x0, x1) : linearTicks(x0, x1));
  const yTicks = chart.y.ticks ?? (chart.y.log ? logTicks(y0, y1) : linearTicks(y0, y1));
  for (const [v, label] of xTicks) {
    const x = f(px(v));
    parts.push(
      `<line x1="${x}" y1="${PLOT.top}" x2="${x}" y2="${PLOT.bottom}" stroke="#e5e5e5"/>`,
      `<text x="${x}" y="${PLOT.bottom + 16}" text-anchor="middle">${escapeXml(label)}</text>`,
    );
  }
  for (const [v, label] of yTicks) {
    const y = f(py(v));
    parts.push(
      `<line x1="${PLOT.left}" y1="${y}" x2="${PLOT.right}" y2="${y}" stroke="#e5e5e5"/>`,
      `<text x="${PLOT.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${escapeXml(label)}</text>`,
    );
  }
  parts.push(
    `<rect x="${PLOT.left}" y="${PLOT.top}" width="${PLOT.right - PLOT.left}" height="${PLOT.bottom - PLOT.top}" fill="none" stroke="#333"/>`,
    `<text x="${(PLOT.left + PLOT.right) / 2}" y="${HEIGHT - 20}" text-anchor="middle">${escapeXml(chart.x.label)}${chart.x.log ? ' (log)' : ''}</text>`,
    `<text transform="translate(18 ${(PLOT.top + PLOT.bottom) / 2}) rotate(-90)" text-anchor="middle">${escapeXml(chart.y.label)}${chart.y.log ? ' (log)' : ''}</text>`,
  );
  for (const ref of chart.references ?? []) {
    const y = f(py(ref.y));
    parts.push(
      `<line x1="${PLOT.left}" y1="${y}" x2="${PLOT.right}" y2="${y}" stroke="#666" stroke-width="1.5" stroke-dasharray="1 3"/>`,
      `<text x="${PLOT.left + 6}" y="${f(py(ref.y) - 4)}" font-size="11" fill="#444">${escapeXml(ref.label)}</text>`,
    );
  }
  chart.series.forEach((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length];
    for (const [x, lo, hi] of s.ranges ?? []) {
      if ((chart.x.log && x <= 0) || (chart.y.log && lo <= 0)) continue;
      const cx = f(px(x));
      const [top, bottom] = [f(py(hi)), f(py(lo))];
      parts.push(
        `<line x1="${cx}" y1="${top}" x2="${cx}" y2="${bottom}" stroke="${color}" stroke-width="1"/>`,
        `<line x1="${f(px(x) - 4)}" y1="${top}" x2="${f(px(x) + 4)}" y2="${top}" stroke="${color}" stroke-width="1"/>`,
        `<line x1="${f(px(x) - 4)}" y1="${bottom}" x2="${f(px(x) + 4)}" y2="${bottom}" stroke="${color}" stroke-width="1"/>`,
      );
    }
    const dash = s.dash ? ` stroke-dasharray="${s.dash}"` : '';
    const pts = [...s.points].sort((a, b) => a[0] - b[0]).filter(([x, y]) => (!chart.x.log || x > 0) && (!chart.y.log || y > 0));
    if (pts.length > 1)
      parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2"${dash} points="${pts.map(([x, y]) => `${f(px(x))},${f(py(y))}`).join(' ')}"/>`);
    for (const [x, y] of pts)
      parts.push(`<circle cx="${f(px(x))}" cy="${f(py(y))}" r="3" fill="${color}"><title>${escapeXml(`${s.label}: ${y} at ${x}`)}</title></circle>`);
    const ly = PLOT.top + 8 + i * 18;
    parts.push(
      `<line x1="${PLOT.right + 14}" y1="${ly}" x2="${PLOT.right + 40}" y2="${ly}" stroke="${color}" stroke-width="2"${dash}/>`,
      `<text x="${PLOT.right + 46}" y="${ly}" dominant-baseline="middle" font-size="11">${escapeXml(s.label)}</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

/** `ts/fused`, `wasm/fused 2t`, `onnxruntime 2t`: the short name of an implementation in a legend. */
function shortImplementation(row: Row): string {
  if (row.suite === 'external') return `onnxruntime ${threadsOf(row)}t`;
  return `${row.backend}/${row.level}${row.threads !== undefined ? ` ${row.threads}t` : ''}`;
}

export interface Chart {
  /** Appended to the run's stem: `<stem>-<name>.svg`. */
  name: string;
  alt: string;
  svg: string;
}

/** Splits series into charts of at most MAX_SERIES, titled `(1/2)`, `(2/2)` when split. */
function chunked(name: string, title: string, series: readonly Series[], render: (title: string, series: readonly Series[]) => string): Chart[] {
  const parts = Math.ceil(series.length / MAX_SERIES);
  return Array.from({ length: parts }, (_, i) => {
    const part = parts > 1 ? ` (${i + 1}/${parts})` : '';
    return {
      name: `${name}${parts > 1 ? `-${i + 1}` : ''}`,
      alt: `${title}${part}`,
      svg: render(`${title}${part}`, series.slice(i * MAX_SERIES, (i + 1) * MAX_SERIES)),
    };
  });
}

const isEmulatedGpu = (r: Row) => r.backend === 'webgpu';

/** µs per token series, one per (layer, implementation): FFF solid, dense dashed, one colour per implementation, min-max bars. */
function timeSeries(rows: readonly Row[]): Series[] {
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const key = `${r.name.replace('onnxruntime ', '')} ${shortImplementation(r)}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const implementations = [...new Set(rows.map(shortImplementation))];
  return [...groups.entries()].map(([label, group]) => {
    const r = group[0];
    return {
      label,
      points: group.map((g) => [g.batch, g.median_us_per_token] as const),
      ranges: group.map((g) => [g.batch, g.min_us_per_token, g.max_us_per_token] as const),
      color: PALETTE[implementations.indexOf(shortImplementation(r)) % PALETTE.length],
      ...(r.family === 'ff' ? { dash: '7 4' } : {}),
    };
  });
}

/**
 * µs per token against batch size, log-log, in charts of at most six series: the fast
 * implementations (WASM kernels and onnxruntime at each thread count), the paper's
 * levels (TypeScript), one chart per further dense width, and the emulated-GPU rows on
 * their own. On fp32 weights, as the dense rows: the q8 rows are in the tables.
 */
export function batchCharts(rows: readonly Row[]): Chart[] {
  const relevant = rows.filter((r) => (r.suite === 'kernels' || r.suite === 'external') && r.dtype === undefined);
  const batches = [...new Set(relevant.map((r) => r.batch))].sort((a, b) => a - b);
  if (batches.length < 2) return [];
  const widths = [...new Set(relevant.filter((r) => r.family === 'ff').map((r) => r.neurons))].sort((a, b) => a - b);
  const fff = (r: Row) => r.family === 'fff';
  const render = (title: string, series: readonly Series[]) =>
    renderLineChart({
      title,
      x: { label: 'batch size (tokens)', log: true, ticks: batches.map((b) => [b, String(b)] as const) },
      y: { label: 'µs per token, median (bars: min-max)', log: true },
      series,
    });
  const charts: Chart[] = [];
  widths.forEach((width, i) => {
    const layer = (r: Row) => fff(r) || r.neurons === width;
    const fast = relevant.filter((r) => layer(r) && (r.backend === 'wasm' || r.suite === 'external'));
    const levels = relevant.filter((r) => layer(r) && r.backend === 'ts');
    const suffix = i === 0 ? '' : `-${width}`;
    if (fast.length)
      charts.push(
        ...chunked(`batch-fast${suffix}`, `FFF-1x11 (solid) vs FF-${width} (dashed): WASM kernels and onnxruntime, µs per token`, timeSeries(fast), render),
      );
    if (levels.length)
      charts.push(
        ...chunked(`batch-levels${suffix}`, `FFF-1x11 (solid) vs FF-${width} (dashed) by level, TypeScript, µs per token`, timeSeries(levels), render),
      );
  });
  const gpu = relevant.filter(isEmulatedGpu);
  if (gpu.length) {
    const emulated = gpu.some((r) => r.note?.includes('CPU adapter'));
    charts.push(
      ...chunked(
        'batch-webgpu',
        `WebGPU kernels${emulated ? ' on an emulated GPU (a CPU adapter: not a GPU speed)' : ''}, µs per token`,
        timeSeries(gpu),
        render,
      ),
    );
  }
  return charts;
}

/**
 * Speedup of the fastest FFF-1x11 over onnxruntime's dense FF with the same threads,
 * against batch size, with bars from the min and max of both sides, and reference marks:
 * the FLOP ratio of each width and the paper's CPU figures.
 */
export function headlineChart(result: BenchResult): Chart[] {
  const entries = headlineEntries(result);
  const batches = [...new Set(entries.map((e) => e.batch))].sort((a, b) => a - b);
  if (entries.length === 0 || batches.length < 2) return [];
  const keys = [...new Set(entries.map((e) => `${e.denseWidth}\u0000${e.threads}`))];
  const series: Series[] = keys.map((key, i) => {
    const mine = entries.filter((e) => `${e.denseWidth}\u0000${e.threads}` === key);
    const { denseWidth, threads } = mine[0];
    return {
      label: `vs onnxruntime FF-${denseWidth}, ${threads} thread${threads > 1 ? 's' : ''} each`,
      points: mine.map((e) => [e.batch, e.speedup] as const),
      ranges: mine.map(
        (e) => [e.batch, e.onnxruntime.min_us_per_token / e.fff.max_us_per_token, e.onnxruntime.max_us_per_token / e.fff.min_us_per_token] as const,
      ),
      color: PALETTE[(i + 1) % PALETTE.length],
      ...(denseWidth !== entries[0].denseWidth ? { dash: '7 4' } : {}),
    };
  });
  const ratios = [...new Map(entries.map((e) => [e.denseWidth, e.flopRatio])).entries()];
  const references: Reference[] = [
    ...ratios.map(([width, r]) => ({ y: r, label: `FLOP ratio, FF-${width} / FFF-1x11: ${r.toFixed(0)}x` })),
    ...PAPER_CPU_FIGURES.map((f) => ({ y: f.speedup, label: f.label })),
  ];
  return chunked('headline', 'Fastest FFF-1x11 over onnxruntime dense FF, thread-matched (bars: min-max)', series, (title, part) =>
    renderLineChart({
      title,
      x: { label: 'batch size (tokens)', log: true, ticks: batches.map((b) => [b, String(b)] as const) },
      y: { label: 'speedup (onnxruntime time / FFF time)', log: true },
      series: part,
      references,
    }),
  );
}

/** Speedup of each KxD over the dense layer of the same width (matching level and threads) and over onnxruntime, against depth; webgpu on its own. */
export function depthCharts(rows: readonly Row[]): Chart[] {
  const sweep = rows.filter((r) => r.suite === 'depth-sweep');
  if (sweep.length === 0) return [];
  const widths = new Set(rows.filter((r) => r.suite === 'kernels' && r.family === 'ff').map((r) => r.neurons));
  const width = widths.has(4095) ? 4095 : widths.has(3072) ? 3072 : undefined;
  const seriesOf = (group: readonly Row[]): Series[] => {
    const series: Series[] = [];
    [...new Set(group.map((r) => r.implementation))].forEach((impl, i) => {
      const mine = group.filter((r) => r.implementation === impl);
      const color = PALETTE[i % PALETTE.length];
      if (width !== undefined) {
        const points = mine.flatMap((r) => {
          const dense = matchingDense(rows, r.backend, r.level, r.batch, width, threadsOf(r));
          return dense ? [[r.depth ?? 0, dense.median_us_per_token / r.median_us_per_token] as const] : [];
        });
        if (points.length) series.push({ label: `${shortImplementation(mine[0])} vs FF-${width}, same level`, points, color });
      }
      const external = mine.flatMap((r) => {
        const ort = fastestExternal(rows, width ?? 3072, r.batch) ?? fastestExternal(rows, 3072, r.batch);
        return ort ? [[r.depth ?? 0, ort.median_us_per_token / r.median_us_per_token] as const] : [];
      });
      if (external.length) series.push({ label: `${shortImplementation(mine[0])} vs fastest onnxruntime`, points: external, dash: '2 3', color });
    });
    return series;
  };
  const depths = [...new Set(sweep.map((r) => r.depth ?? 0))].sort((a, b) => a - b);
  const nameOf = new Map(sweep.map((r) => [r.depth ?? 0, `${r.trees}x${r.depth}`]));
  const render = (title: string, series: readonly Series[]) =>
    renderLineChart({
      title,
      x: { label: 'depth D (K x D, about 4095 neurons each)', log: false, ticks: depths.map((d) => [d, nameOf.get(d) ?? String(d)] as const) },
      y: { label: 'speedup (dense time / FFF time)', log: true },
      series,
    });
  const title = `Speedup of KxD FFF against depth (B = ${sweep[0].batch}; solid: dense cmm, dotted: onnxruntime)`;
  const cpu = seriesOf(sweep.filter((r) => !isEmulatedGpu(r)));
  const gpu = seriesOf(sweep.filter(isEmulatedGpu));
  return [...(cpu.length ? chunked('depth', title, cpu, render) : []), ...(gpu.length ? chunked('depth-webgpu', `${title}, WebGPU`, gpu, render) : [])];
}
