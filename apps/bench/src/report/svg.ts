import { fastestExternal, matchingDense } from './speedups.js';
import type { Row } from './types.js';

export interface Series {
  label: string;
  points: ReadonlyArray<readonly [number, number]>;
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

export interface LineChart {
  title: string;
  x: Axis;
  y: Axis;
  series: readonly Series[];
}

const WIDTH = 830;
const HEIGHT = 480;
const PLOT = { left: 72, right: 580, top: 44, bottom: 420 };
const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];

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
  const xs = chart.series.flatMap((s) => s.points.map(([x]) => x));
  const ys = chart.series.flatMap((s) => s.points.map(([, y]) => y));
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
  chart.series.forEach((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length];
    const dash = s.dash ? ` stroke-dasharray="${s.dash}"` : '';
    const pts = [...s.points].sort((a, b) => a[0] - b[0]).filter(([x, y]) => (!chart.x.log || x > 0) && (!chart.y.log || y > 0));
    if (pts.length > 1) parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2"${dash} points="${pts.map(([x, y]) => `${f(px(x))},${f(py(y))}`).join(' ')}"/>`);
    for (const [x, y] of pts) parts.push(`<circle cx="${f(px(x))}" cy="${f(py(y))}" r="3" fill="${color}"><title>${escapeXml(`${s.label}: ${y} at ${x}`)}</title></circle>`);
    const ly = PLOT.top + 8 + i * 18;
    parts.push(
      `<line x1="${PLOT.right + 14}" y1="${ly}" x2="${PLOT.right + 40}" y2="${ly}" stroke="${color}" stroke-width="2"${dash}/>`,
      `<text x="${PLOT.right + 46}" y="${ly}" dominant-baseline="middle" font-size="11">${escapeXml(s.label)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

/** `ts/fused`, `onnxruntime 2t`: the short name of an implementation in a legend. */
function shortImplementation(row: Row): string {
  return row.suite === 'external' ? `onnxruntime ${row.threads ?? 1}t` : `${row.backend}/${row.level}`;
}

/**
 * µs per token against batch size, log-log. One colour per implementation (backend and
 * level, or onnxruntime thread count); FFF-1x11 solid, the dense widths dashed.
 */
export function batchChart(rows: readonly Row[]): string | undefined {
  const relevant = rows.filter((r) => r.suite === 'kernels' || r.suite === 'external');
  const batches = [...new Set(relevant.map((r) => r.batch))].sort((a, b) => a - b);
  if (batches.length < 2) return undefined;
  const implementations = [...new Set(relevant.map(shortImplementation))];
  const denseNames = [...new Set(relevant.filter((r) => r.family === 'ff').map((r) => r.name.replace('onnxruntime ', '')))].sort();
  const dashes = ['7 4', '2 3', '10 3 2 3'];
  const groups = new Map<string, Row[]>();
  for (const r of relevant) {
    const key = `${r.name.replace('onnxruntime ', '')} ${shortImplementation(r)}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const series: Series[] = [...groups.entries()].map(([label, group]) => {
    const r = group[0];
    const dash = r.family === 'ff' ? dashes[denseNames.indexOf(r.name.replace('onnxruntime ', '')) % dashes.length] : undefined;
    return {
      label,
      points: group.map((g) => [g.batch, g.median_us_per_token] as const),
      color: PALETTE[implementations.indexOf(shortImplementation(r)) % PALETTE.length],
      ...(dash ? { dash } : {}),
    };
  });
  return renderLineChart({
    title: 'FF vs FFF-1x11: µs per token against batch size (solid: FFF)',
    x: { label: 'batch size (tokens)', log: true, ticks: batches.map((b) => [b, String(b)] as const) },
    y: { label: 'µs per token, median', log: true },
    series,
  });
}

/** Speedup of each KxD over the dense layer of the same width (matching level) and over onnxruntime, against depth. */
export function depthChart(rows: readonly Row[]): string | undefined {
  const sweep = rows.filter((r) => r.suite === 'depth-sweep');
  if (sweep.length === 0) return undefined;
  const widths = new Set(rows.filter((r) => r.suite === 'kernels' && r.family === 'ff').map((r) => r.neurons));
  const width = widths.has(4095) ? 4095 : widths.has(3072) ? 3072 : undefined;
  const series: Series[] = [];
  [...new Set(sweep.map((r) => r.implementation))].forEach((impl, i) => {
    const group = sweep.filter((r) => r.implementation === impl);
    const color = PALETTE[i % PALETTE.length];
    if (width !== undefined) {
      const points = group.flatMap((r) => {
        const dense = matchingDense(rows, r.backend, r.level, r.batch, width);
        return dense ? [[r.depth ?? 0, dense.median_us_per_token / r.median_us_per_token] as const] : [];
      });
      if (points.length) series.push({ label: `${shortImplementation(group[0])} vs FF-${width}, same level`, points, color });
    }
    const external = group.flatMap((r) => {
      const ort = fastestExternal(rows, width ?? 3072, r.batch) ?? fastestExternal(rows, 3072, r.batch);
      return ort ? [[r.depth ?? 0, ort.median_us_per_token / r.median_us_per_token] as const] : [];
    });
    if (external.length) series.push({ label: `${shortImplementation(group[0])} vs fastest onnxruntime`, points: external, dash: '2 3', color });
  });
  if (series.length === 0) return undefined;
  const depths = [...new Set(sweep.map((r) => r.depth ?? 0))].sort((a, b) => a - b);
  const nameOf = new Map(sweep.map((r) => [r.depth ?? 0, `${r.trees}x${r.depth}`]));
  return renderLineChart({
    title: `Speedup of KxD FFF against depth (B = ${sweep[0].batch}; solid: dense cmm, dotted: onnxruntime)`,
    x: { label: 'depth D (K x D, about 4095 neurons each)', log: false, ticks: depths.map((d) => [d, nameOf.get(d) ?? String(d)] as const) },
    y: { label: 'speedup (dense time / FFF time)', log: true },
    series,
  });
}
