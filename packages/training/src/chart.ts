import type { TrainingLogRecord } from './training-log.js';

export interface ChartOptions {
  title?: string;
  /** A horizontal reference line on the loss panel, e.g. the unigram baseline. */
  baseline?: { value: number; label: string };
}

const WIDTH = 800;
const PANEL_HEIGHT = 220;
const MARGIN = { left: 70, right: 20, top: 40, bottom: 40 };
const GAP = 50;
/** Points drawn per line at most; longer runs are thinned evenly (the last point is kept). */
const MAX_POINTS = 2000;

interface Point {
  x: number;
  y: number;
}

interface Panel {
  top: number;
  label: string;
  lines: { points: Point[]; color: string; name: string; dots?: boolean }[];
  reference?: { value: number; label: string };
}

/** About `target` round tick values (1, 2 or 5 times a power of ten) covering [low, high]. */
export function niceTicks(low: number, high: number, target = 5): number[] {
  if (!(high > low)) return [low];
  const raw = (high - low) / target;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10]
    .map((m) => m * power)
    .reduce((best, s) => (Math.abs((high - low) / s - target) < Math.abs((high - low) / best - target) ? s : best));
  const ticks: number[] = [];
  for (let t = Math.ceil(low / step) * step; t <= high + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

function formatTick(value: number): string {
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  return magnitude >= 1e4 || magnitude < 1e-2 ? value.toExponential(1) : String(Number(value.toPrecision(4)));
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function thin(points: Point[]): Point[] {
  if (points.length <= MAX_POINTS) return points;
  const every = Math.ceil(points.length / MAX_POINTS);
  return points.filter((_, i) => i % every === 0 || i === points.length - 1);
}

function extent(values: number[]): [number, number] {
  let low = Infinity;
  let high = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    low = Math.min(low, v);
    high = Math.max(high, v);
  }
  if (low === Infinity) return [0, 1];
  if (low === high) return [low - 0.5 * (Math.abs(low) || 1), high + 0.5 * (Math.abs(high) || 1)];
  return [low, high];
}

function renderPanel(panel: Panel, xRange: [number, number]): string {
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const values = panel.lines.flatMap((line) => line.points.map((p) => p.y));
  if (panel.reference) values.push(panel.reference.value);
  const [yLow, yHigh] = extent(values);
  const x = (v: number) => MARGIN.left + ((v - xRange[0]) / (xRange[1] - xRange[0] || 1)) * plotWidth;
  const y = (v: number) => panel.top + PANEL_HEIGHT - ((v - yLow) / (yHigh - yLow)) * PANEL_HEIGHT;
  const parts: string[] = [`<g>`, `<rect x="${MARGIN.left}" y="${panel.top}" width="${plotWidth}" height="${PANEL_HEIGHT}" fill="#ffffff" stroke="#999999"/>`];
  for (const tick of niceTicks(yLow, yHigh)) {
    parts.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotWidth}" y1="${y(tick).toFixed(1)}" y2="${y(tick).toFixed(1)}" stroke="#eeeeee"/>`);
    parts.push(`<text x="${MARGIN.left - 6}" y="${(y(tick) + 4).toFixed(1)}" text-anchor="end">${formatTick(tick)}</text>`);
  }
  for (const tick of niceTicks(xRange[0], xRange[1])) {
    parts.push(`<text x="${x(tick).toFixed(1)}" y="${panel.top + PANEL_HEIGHT + 16}" text-anchor="middle">${formatTick(tick)}</text>`);
  }
  parts.push(
    `<text x="16" y="${panel.top + PANEL_HEIGHT / 2}" text-anchor="middle" transform="rotate(-90 16 ${panel.top + PANEL_HEIGHT / 2})">${escapeXml(panel.label)}</text>`,
  );
  if (panel.reference) {
    const at = y(panel.reference.value).toFixed(1);
    parts.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotWidth}" y1="${at}" y2="${at}" stroke="#888888" stroke-dasharray="6 4"/>`);
    parts.push(
      `<text x="${MARGIN.left + plotWidth - 4}" y="${(Number(at) - 4).toFixed(1)}" text-anchor="end" fill="#555555">${escapeXml(panel.reference.label)}</text>`,
    );
  }
  panel.lines.forEach((line, index) => {
    const points = thin(line.points.filter((p) => Number.isFinite(p.y)));
    if (points.length > 0) {
      const coordinates = points.map((p) => `${x(p.x).toFixed(1)},${y(p.y).toFixed(1)}`).join(' ');
      parts.push(`<polyline fill="none" stroke="${line.color}" stroke-width="1.5" points="${coordinates}"/>`);
      if (line.dots) for (const p of points) parts.push(`<circle cx="${x(p.x).toFixed(1)}" cy="${y(p.y).toFixed(1)}" r="3" fill="${line.color}"/>`);
    }
    parts.push(`<text x="${MARGIN.left + 8 + index * 140}" y="${panel.top - 6}" fill="${line.color}">${escapeXml(line.name)}</text>`);
  });
  parts.push('</g>');
  return parts.join('\n');
}

/**
 * An SVG chart of a run: training loss (and validation loss, if logged) over steps, and the
 * learning rate below it. Plain SVG 1.1 with no scripts, styles or fonts to fetch.
 */
export function renderTrainingChart(records: readonly TrainingLogRecord[], options: ChartOptions = {}): string {
  const steps = records.filter((r) => r.kind === 'step');
  const validation = records.filter((r) => r.kind === 'validation');
  const xRange = extent(records.map((r) => r.step));
  if (steps.length === 0 && validation.length === 0) xRange.splice(0, 2, 0, 1);
  const lossPanel: Panel = {
    top: MARGIN.top,
    label: 'MLM loss (nats)',
    lines: [{ name: 'training loss', color: '#1f77b4', points: steps.map((r) => ({ x: r.step, y: r.loss })) }],
    reference: options.baseline,
  };
  if (validation.length > 0) {
    lossPanel.lines.push({ name: 'validation loss', color: '#d62728', dots: true, points: validation.map((r) => ({ x: r.step, y: r.loss })) });
  }
  const ratePanel: Panel = {
    top: MARGIN.top + PANEL_HEIGHT + GAP,
    label: 'learning rate',
    lines: [{ name: 'learning rate', color: '#2ca02c', points: steps.map((r) => ({ x: r.step, y: r.learningRate })) }],
  };
  const height = MARGIN.top + 2 * PANEL_HEIGHT + GAP + MARGIN.bottom;
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${height}" fill="#fafafa"/>`,
    `<text x="${WIDTH / 2}" y="18" text-anchor="middle" font-size="14">${escapeXml(options.title ?? 'pretraining')}</text>`,
    renderPanel(lossPanel, xRange),
    renderPanel(ratePanel, xRange),
    `<text x="${MARGIN.left + (WIDTH - MARGIN.left - MARGIN.right) / 2}" y="${height - 6}" text-anchor="middle">step</text>`,
    `</svg>`,
    '',
  ].join('\n');
}
