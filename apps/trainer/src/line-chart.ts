import { niceTicks } from '@ufbert/training';
import { escapeXml, plainText, renderRich, type RichText } from './rich-text.js';

export interface ChartPoint {
  x: number;
  y: number;
}

/** Where a series' points come from: one field against another in the records of one kind of a JSONL log. */
export interface SeriesSource {
  /** The log, relative to the run folder. */
  file: string;
  kind: 'step' | 'validation';
  /** A field of the records; `step:tokens` on validation records: the tokens of the step record of the same step. */
  x: string;
  y: string;
}

export interface ChartSeries {
  name: RichText;
  color: string;
  /** `line` and `dashed` join the points (dashed stays visible where it runs over a line); `dots` marks each one (validation passes). */
  style: 'line' | 'dashed' | 'dots';
  points: ChartPoint[];
  source: SeriesSource;
}

export interface LineChartSpec {
  title: RichText;
  xLabel: string;
  yLabel: string;
  series: ChartSeries[];
  /** A horizontal reference line, such as the unigram baseline; part of the y range and of the legend. */
  reference?: { value: number; label: RichText };
}

const WIDTH = 760;
const PLOT_HEIGHT = 240;
const MARGIN = { left: 78, right: 24, bottom: 52 };
const TITLE_HEIGHT = 30;
const LEGEND_ROW = 18;
/** Width of a legend entry per character of its name: generous, so entries never overlap. */
const LEGEND_CHAR_WIDTH = 7.2;
const LEGEND_SWATCH = 26;

const REFERENCE_COLOR = '#777777';
const DASHES: Record<string, string> = { dashed: '7 4', reference: '2 3' };

/** Numbers on the axes: round tick values, short. */
function formatTick(value: number): string {
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  return magnitude >= 1e5 || magnitude < 1e-2 ? value.toExponential(1) : String(Number(value.toPrecision(4)));
}

/** [low, high] of the values, widened by `pad` of the span on each side so no mark sits on the frame. */
function range(values: number[], pad: number): [number, number] {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return [0, 1];
  let low = Math.min(...finite);
  let high = Math.max(...finite);
  if (low === high) {
    const half = 0.5 * (Math.abs(low) || 1);
    return [low - half, high + half];
  }
  const span = high - low;
  low -= pad * span;
  high += pad * span;
  return [low, high];
}

/** Legend rows: entries laid out left to right, wrapping before the right margin. */
function layoutLegend(entries: RichText[]): Array<{ x: number; row: number }> {
  const available = WIDTH - MARGIN.left - MARGIN.right;
  let x = 0;
  let row = 0;
  return entries.map((entry) => {
    const width = LEGEND_SWATCH + plainText(entry).length * LEGEND_CHAR_WIDTH + 18;
    if (x > 0 && x + width > available) {
      x = 0;
      row++;
    }
    const at = { x: MARGIN.left + x, row };
    x += width;
    return at;
  });
}

/**
 * A line chart as inline SVG: a title, a legend naming every series (and the reference line),
 * both axes with ticks and labels, and a y range that holds every point, so nothing is clipped.
 * The plot area carries its ranges and each series its source log and fields as data
 * attributes, so a test can recompute every point from the log.
 */
export function renderLineChart(spec: LineChartSpec): string {
  const legendEntries: Array<{ name: RichText; color: string; style: ChartSeries['style'] | 'reference' }> = spec.series.map((s) => ({
    name: s.name,
    color: s.color,
    style: s.style,
  }));
  if (spec.reference) legendEntries.push({ name: spec.reference.label, color: REFERENCE_COLOR, style: 'reference' });
  const legend = layoutLegend(legendEntries.map((e) => e.name));
  const legendRows = legend.length ? legend[legend.length - 1].row + 1 : 0;
  const top = TITLE_HEIGHT + legendRows * LEGEND_ROW + 12;
  const height = top + PLOT_HEIGHT + MARGIN.bottom;
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;

  const xs = spec.series.flatMap((s) => s.points.map((p) => p.x));
  const ys = spec.series.flatMap((s) => s.points.map((p) => p.y));
  if (spec.reference) ys.push(spec.reference.value);
  const [xLow, xHigh] = range(xs, 0.02);
  const [yLow, yHigh] = range(ys, 0.06);
  const px = (v: number) => MARGIN.left + ((v - xLow) / (xHigh - xLow)) * plotWidth;
  const py = (v: number) => top + PLOT_HEIGHT - ((v - yLow) / (yHigh - yLow)) * PLOT_HEIGHT;
  const f = (v: number) => v.toFixed(2);

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text class="chart-title" x="${WIDTH / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${renderRich(spec.title, 'tspan')}</text>`,
  ];
  parts.push('<g class="legend">');
  legendEntries.forEach((entry, i) => {
    const { x, row } = legend[i];
    const y = TITLE_HEIGHT + row * LEGEND_ROW + 8;
    if (entry.style === 'dots') parts.push(`<circle cx="${x + 10}" cy="${y - 4}" r="4" fill="${entry.color}"/>`);
    else
      parts.push(
        `<line x1="${x}" x2="${x + 20}" y1="${y - 4}" y2="${y - 4}" stroke="${entry.color}" stroke-width="2"${DASHES[entry.style] ? ` stroke-dasharray="${DASHES[entry.style]}"` : ''}/>`,
      );
    parts.push(`<text class="legend-entry" x="${x + LEGEND_SWATCH}" y="${y}">${renderRich(entry.name, 'tspan')}</text>`);
  });
  parts.push('</g>');
  parts.push(
    `<g class="plot" data-left="${MARGIN.left}" data-top="${top}" data-width="${plotWidth}" data-height="${PLOT_HEIGHT}" data-x-min="${xLow}" data-x-max="${xHigh}" data-y-min="${yLow}" data-y-max="${yHigh}">`,
    `<rect x="${MARGIN.left}" y="${top}" width="${plotWidth}" height="${PLOT_HEIGHT}" fill="#ffffff" stroke="#888888"/>`,
  );
  for (const tick of niceTicks(yLow, yHigh)) {
    parts.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotWidth}" y1="${f(py(tick))}" y2="${f(py(tick))}" stroke="#eeeeee"/>`);
    parts.push(`<text class="tick y-tick" x="${MARGIN.left - 6}" y="${f(py(tick) + 4)}" text-anchor="end">${formatTick(tick)}</text>`);
  }
  for (const tick of niceTicks(xLow, xHigh)) {
    parts.push(`<line x1="${f(px(tick))}" x2="${f(px(tick))}" y1="${top + PLOT_HEIGHT}" y2="${top + PLOT_HEIGHT + 4}" stroke="#888888"/>`);
    parts.push(`<text class="tick x-tick" x="${f(px(tick))}" y="${top + PLOT_HEIGHT + 18}" text-anchor="middle">${formatTick(tick)}</text>`);
  }
  if (spec.reference) {
    const at = f(py(spec.reference.value));
    parts.push(
      `<line class="reference" x1="${MARGIN.left}" x2="${MARGIN.left + plotWidth}" y1="${at}" y2="${at}" stroke="${REFERENCE_COLOR}" stroke-dasharray="${DASHES.reference}"/>`,
    );
  }
  for (const s of spec.series) {
    const source = `data-src="${escapeXml(s.source.file)}" data-kind="${s.source.kind}" data-x="${s.source.x}" data-y="${s.source.y}"`;
    if (s.style !== 'dots') {
      const dashes = DASHES[s.style] ? ` stroke-dasharray="${DASHES[s.style]}"` : '';
      parts.push(
        `<polyline class="series" ${source} fill="none" stroke="${s.color}" stroke-width="2"${dashes} points="${s.points.map((p) => `${f(px(p.x))},${f(py(p.y))}`).join(' ')}"/>`,
      );
    } else {
      parts.push(`<g class="series" ${source} fill="${s.color}">${s.points.map((p) => `<circle cx="${f(px(p.x))}" cy="${f(py(p.y))}" r="4"/>`).join('')}</g>`);
    }
  }
  parts.push('</g>');
  parts.push(`<text class="axis-label" x="${MARGIN.left + plotWidth / 2}" y="${height - 10}" text-anchor="middle">${escapeXml(spec.xLabel)}</text>`);
  parts.push(
    `<text class="axis-label" x="18" y="${top + PLOT_HEIGHT / 2}" text-anchor="middle" transform="rotate(-90 18 ${top + PLOT_HEIGHT / 2})">${escapeXml(spec.yLabel)}</text>`,
  );
  parts.push('</svg>');
  return parts.join('\n');
}
