import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse, type DefaultTreeAdapterTypes } from 'parse5';
import { chromium } from 'playwright-core';
import { launchHeadlessChromium } from '@ufbert/test-utils/headless-chromium';
import type { TrainingLogRecord } from '@ufbert/training';
import { readCorpus, readTrainingLog } from '@ufbert/training/node';
import { parseOptions } from './options.js';
import { runTrainer } from './run.js';
import { REPORT_HTML, REPORT_JSON, type RunReport } from './run-report.js';

type Node = DefaultTreeAdapterTypes.Node;
type Element = DefaultTreeAdapterTypes.Element;

/** Where the test leaves the report's screenshot (docs/report.png is a committed copy). */
const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/', import.meta.url));

const isElement = (node: Node): node is Element => 'tagName' in node;
const children = (node: Node): Node[] => ('childNodes' in node ? node.childNodes : []);
const attr = (element: Element, name: string): string | undefined => element.attrs.find((a) => a.name === name)?.value;
const hasClass = (element: Element, name: string) => (attr(element, 'class') ?? '').split(/\s+/).includes(name);

function* descendants(node: Node): Generator<Node> {
  for (const child of children(node)) {
    yield child;
    yield* descendants(child);
  }
}

const elements = (root: Node, predicate: (e: Element) => boolean): Element[] =>
  [...descendants(root)].filter((n): n is Element => isElement(n) && predicate(n));
const byTag = (root: Node, tag: string) => elements(root, (e) => e.tagName === tag);
const byClass = (root: Node, name: string) => elements(root, (e) => hasClass(e, name));
const text = (node: Node): string => ('value' in node && node.nodeName === '#text' ? node.value : children(node).map(text).join(''));

function ancestors(node: Node): Element[] {
  const out: Element[] = [];
  let parent = 'parentNode' in node ? (node.parentNode as Node | null) : null;
  while (parent && isElement(parent)) {
    out.push(parent);
    parent = parent.parentNode as Node | null;
  }
  return out;
}

/** A JSON pointer (RFC 6901) resolved in `value`; throws naming the pointer when it leads nowhere. */
function resolvePointer(value: unknown, pointer: string): unknown {
  let at = value;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (at === null || typeof at !== 'object' || !Object.hasOwn(at, key)) throw new Error(`pointer ${pointer} leads nowhere at '${key}'`);
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

/**
 * Whether `shown` displays `value` (times `scale`): the same text, or a plain decimal
 * (thousands separators allowed) within half a unit of its last digit.
 */
function displays(shown: string, value: unknown, scale: number): boolean {
  if (Array.isArray(value)) return shown === value.join(', ');
  if (typeof value !== 'number') return shown === String(value);
  if (scale === 1 && shown === String(value)) return true;
  if (!/^-?[\d,]+(\.\d+)?$/.test(shown)) return false;
  const decimals = shown.split('.')[1]?.length ?? 0;
  return Math.abs(Number(shown.replace(/,/g, '')) - value * scale) <= 0.5 * 10 ** -decimals + 1e-9;
}

describe('report.html of a tiny run', () => {
  let out: string;
  let html: string;
  let report: RunReport;
  let document: DefaultTreeAdapterTypes.Document;
  let body: Element;
  const parseErrors: string[] = [];
  const logs = new Map<string, TrainingLogRecord[]>();

  beforeAll(async () => {
    const root = mkdtempSync(join(tmpdir(), 'trainer-report-'));
    // Three State of the Union addresses: a few hundred sequences, enough for a validation split.
    const corpus = join(root, 'corpus.txt');
    writeFileSync(
      corpus,
      (await readCorpus({ embedded: ['sotu'] }))
        .slice(-3)
        .map((d) => d.text)
        .join('\n\n'),
    );
    out = join(root, 'run');
    const options = parseOptions(
      [
        '--corpus',
        corpus,
        '--out',
        out,
        '--steps',
        '3',
        '--vocab',
        '300',
        '--fff-preset',
        'UltraFastBERT-tiny-1x3',
        '--tasks',
        'sentiment',
        '--finetune-epochs',
        '1',
        '--finetune-max-length',
        '16',
        '--finetune-examples',
        '64',
        '--backend',
        'wasm',
        '--quiet',
      ],
      root,
    );
    if (options === 'help') throw new Error('unexpected help');
    await runTrainer(options, () => {});
    html = readFileSync(join(out, REPORT_HTML), 'utf8');
    report = JSON.parse(readFileSync(join(out, REPORT_JSON), 'utf8')) as RunReport;
    document = parse(html, { onParseError: (error) => parseErrors.push(`${error.code} at line ${error.startLine}, column ${error.startCol}`) });
    body = byTag(document, 'body')[0];
    for (const m of report.models) logs.set(m.logFile, readTrainingLog(join(out, m.logFile)));
  }, 600_000);

  it('parses as HTML without a single parse error, and needs nothing from outside the file', () => {
    expect(parseErrors).toEqual([]);
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(byTag(document, 'script')).toEqual([]);
    expect(byTag(document, 'link')).toEqual([]);
    expect(elements(document, (e) => e.attrs.some((a) => a.name === 'src' || a.name === 'href' || a.name === 'xlink:href'))).toEqual([]);
    expect(html).not.toMatch(/url\(|@import|@font-face/);
  });

  it('report.json names files relative to the run folder, and they are there', () => {
    const paths = report.models.flatMap((m) => [m.pretrainDir, m.pretrainedDir, m.logFile, m.chartFile, ...Object.values(m.tasks).map((t) => t.classifierDir)]);
    expect(paths.length).toBe(10);
    for (const path of paths) {
      expect(isAbsolute(path), path).toBe(false);
      expect(existsSync(join(out, path)), path).toBe(true);
    }
    expect(JSON.stringify(report)).not.toContain(out);
  });

  it('report.json holds what the training logs hold', () => {
    for (const m of report.models) {
      const records = logs.get(m.logFile)!;
      const steps = records.filter((r) => r.kind === 'step');
      const validation = records.filter((r) => r.kind === 'validation');
      expect(m.steps).toBe(steps.at(-1)!.step);
      expect(m.tokens).toBe(steps.at(-1)!.tokens);
      expect(m.validationLoss).toBe(validation.at(-1)!.loss);
      expect(m.trainingSeconds).toBeGreaterThanOrEqual(steps.at(-1)!.elapsed);
      expect(m.tokensPerSecond).toBeCloseTo(m.tokens / m.trainingSeconds, 6);
      expect(m.averageScore).toBe(m.tasks.sentiment.evaluation.score);
    }
    const [fff, ff] = report.models;
    // A retention only where the FF model learned the task (is above its majority baseline); otherwise a note says so.
    const ratio = fff.tasks.sentiment.evaluation.score / ff.tasks.sentiment.evaluation.score;
    expect(report.retention).toEqual(
      ff.tasks.sentiment.evaluation.score > ff.tasks.sentiment.baseline.score
        ? { tasks: { sentiment: ratio }, average: ratio, notes: {} }
        : {
            tasks: { sentiment: null },
            average: null,
            notes: {
              sentiment: 'the FF model is at or below its majority baseline on sentiment',
              average: 'the FF model is above its majority baseline on no task',
            },
          },
    );
  });

  it('has the four charts, titled with both models, with complete legends and every point inside its axes', () => {
    const charts = byClass(body, 'chart');
    expect(charts.map((c) => text(byClass(c, 'chart-title')[0]).split(':')[0])).toEqual([
      'MLM loss over tokens',
      'MLM loss over wall-clock time',
      'Learning rate',
      'Gradient norm before clipping',
    ]);
    const [fff, ff] = report.models;
    expect([fff.kind, ff.kind]).toEqual(['fff', 'ff']);
    for (const chart of charts) {
      expect(text(byClass(chart, 'chart-title')[0])).toContain(`${fff.name} (FFF) vs ${ff.name} (FF)`);
      const series = byClass(chart, 'series');
      const legend = byClass(chart, 'legend-entry').map(text);
      // One legend entry per series, plus the baseline's on the loss charts.
      expect(legend.length).toBe(series.length + byClass(chart, 'reference').length);
      for (const m of report.models) expect(series.filter((s) => attr(s, 'data-src') === m.logFile).length).toBeGreaterThan(0);
      expect(
        byClass(chart, 'axis-label')
          .map(text)
          .every((label) => label.length > 0),
      ).toBe(true);
    }
    expect(charts.slice(0, 2).map((c) => byClass(c, 'legend-entry').map(text))).toEqual(
      Array(2).fill([
        `${fff.name} training loss`,
        `${fff.name} validation loss`,
        `${ff.name} training loss`,
        `${ff.name} validation loss`,
        `unigram baseline ${fff.unigramBaseline.toFixed(3)}`,
      ]),
    );
  });

  it('draws every chart point from the training log, at its place on the axes', () => {
    const series = byClass(body, 'series');
    expect(series.length).toBe(12);
    for (const s of series) {
      const plot = ancestors(s).find((a) => hasClass(a, 'plot'))!;
      const [left, top, width, height, xMin, xMax, yMin, yMax] = ['left', 'top', 'width', 'height', 'x-min', 'x-max', 'y-min', 'y-max'].map((k) =>
        Number(attr(plot, `data-${k}`)),
      );
      const records = logs.get(attr(s, 'data-src')!)!;
      const steps = records.filter((r) => r.kind === 'step');
      const kind = attr(s, 'data-kind');
      const xField = attr(s, 'data-x')!;
      const yField = attr(s, 'data-y')!;
      const field = (r: TrainingLogRecord, name: string): number =>
        name === 'step:tokens' ? steps.find((step) => step.step === r.step)!.tokens : (r as unknown as Record<string, number>)[name];
      const expected = records
        .filter((r) => r.kind === kind)
        .map((r) => [left + ((field(r, xField) - xMin) / (xMax - xMin)) * width, top + height - ((field(r, yField) - yMin) / (yMax - yMin)) * height]);
      const drawn =
        s.tagName === 'polyline'
          ? attr(s, 'points')!
              .split(' ')
              .map((p) => p.split(',').map(Number))
          : byTag(s, 'circle').map((c) => [Number(attr(c, 'cx')), Number(attr(c, 'cy'))]);
      expect(drawn.length, `${attr(s, 'data-src')} ${kind} ${xField}/${yField}`).toBe(expected.length);
      expect(drawn.length).toBeGreaterThan(0);
      drawn.forEach(([x, y], i) => {
        expect(Math.abs(x - expected[i][0])).toBeLessThan(0.006);
        expect(Math.abs(y - expected[i][1])).toBeLessThan(0.006);
        // Inside the frame: no loss clipped, whatever its value.
        expect(x).toBeGreaterThanOrEqual(left);
        expect(x).toBeLessThanOrEqual(left + width);
        expect(y).toBeGreaterThanOrEqual(top);
        expect(y).toBeLessThanOrEqual(top + height);
      });
    }
    for (const tick of byClass(body, 'tick')) {
      const plot = ancestors(tick).find((a) => hasClass(a, 'plot'))!;
      const axis = hasClass(tick, 'x-tick') ? 'x' : 'y';
      const value = Number(text(tick));
      expect(value).toBeGreaterThanOrEqual(Number(attr(plot, `data-${axis}-min`)) - 1e-9 * Math.abs(value));
      expect(value).toBeLessThanOrEqual(Number(attr(plot, `data-${axis}-max`)) + 1e-9 * Math.abs(value));
    }
  });

  it('has the results, metrics, throughput, phase, node usage, samples and settings tables', () => {
    const rows = (className: string) => byClass(body, className).flatMap((t) => byTag(t, 'tbody').flatMap((b) => byTag(b, 'tr')));
    expect(rows('results').length).toBe(3);
    expect(text(rows('results')[2])).toMatch(/^FFF retention \(FFF \/ FF\)/);
    expect(rows('metrics').length).toBe(2);
    expect(rows('throughput').length).toBe(2);
    expect(rows('phases').map((r) => text(byTag(r, 'td')[0]))).toEqual([
      'tokenizer (trained)',
      'pretraining',
      'FFF node usage on the validation set',
      'fine-tuning and evaluation: sentiment',
      'quantized weights against float weights, onnxruntime',
      'pretraining',
      'fine-tuning and evaluation: sentiment',
      'quantized weights against float weights, onnxruntime',
      'fill-mask samples',
    ]);
    expect(rows('usage').length).toBe(report.models[0].modelConfig.num_transformer_layers);
    expect(rows('samples').length).toBe(report.samples.length);
    expect(rows('samples').length).toBeGreaterThan(0);
    expect(text(byTag(body, 'dl')[0])).toMatch(/retention[\s\S]*sentiment: accuracy/);
    expect(byClass(body, 'command').map(text)).toEqual(
      report.models.map((m) => `ufbert classify --model ${m.kind}/classifiers/sentiment "The food was wonderful and the staff were friendly."`),
    );
    expect(rows('settings').length).toBeGreaterThan(40);
  });

  it('measures each model in q8 against fp32 on onnxruntime, and shows it beside the results', () => {
    const [fff, ff] = report.models;
    for (const m of report.models) {
      expect(m.q8).toMatchObject({ dtype: 'q8', baseline: 'fp32' });
      expect(m.q8.maskedPositions).toBeGreaterThan(50);
      expect(m.q8.tokens).toBeGreaterThan(m.q8.maskedPositions);
      expect(m.q8.top1Agreement).toBeGreaterThanOrEqual(0);
      expect(m.q8.top1Agreement).toBeLessThanOrEqual(1);
      expect(m.q8.hiddenCosineMin).toBeGreaterThan(0.9);
      expect(m.q8.hiddenCosineMean).toBeGreaterThanOrEqual(m.q8.hiddenCosineMin!);
      expect(m.q8.hiddenCosineMean).toBeLessThanOrEqual(1 + 1e-6);
      const sentiment = m.q8.tasks.sentiment;
      expect(sentiment.examples).toBeGreaterThan(0);
      expect(sentiment.differencePoints).toBeCloseTo(100 * (sentiment.q8Accuracy - sentiment.fp32Accuracy), 10);
    }
    // Routes come from the FFF model's graphs only: a dense model has no leaves.
    expect(fff.q8.leafDifferShare).toBeGreaterThanOrEqual(0);
    expect(fff.q8.tokensWithLeafDifferingShare).toBeGreaterThanOrEqual(fff.q8.leafDifferShare!);
    expect([ff.q8.leafDifferShare, ff.q8.tokensWithLeafDifferingShare]).toEqual([null, null]);
    const rows = byClass(body, 'q8').flatMap((t) => byTag(t, 'tbody').flatMap((b) => byTag(b, 'tr')));
    expect(rows.map((r) => text(byTag(r, 'td')[0]))).toEqual([`${fff.name} (FFF)`, `${ff.name} (FF)`]);
    expect(text(rows[1])).toContain('n/a (dense)');
    expect(text(byTag(byClass(body, 'q8')[0], 'thead')[0])).toContain('sentiment accuracy, fp32 → q8');
    expect(text(elements(body, (e) => attr(e, 'id') === 'q8')[0])).toMatch(/^Quantized: q8 against fp32 on onnxruntime/);
  });

  it('shows no number that does not come from report.json, and each as report.json has it', () => {
    let checked = 0;
    for (const element of elements(body, (e) => attr(e, 'data-src') !== undefined && !hasClass(e, 'series'))) {
      const [file, pointer] = attr(element, 'data-src')!.split('#');
      expect(file).toBe(REPORT_JSON);
      const value = resolvePointer(report, pointer);
      expect(displays(text(element), value, Number(attr(element, 'data-scale') ?? 1)), `${text(element)} for ${pointer} = ${JSON.stringify(value)}`).toBe(true);
      checked++;
    }
    expect(checked).toBeGreaterThan(100);
    // Every text with a digit is a sourced value, a tick on an axis, or the name of a setting whose value's pointer spells it.
    const unsourced = [...descendants(body)]
      .filter((node) => node.nodeName === '#text' && /\d/.test(text(node)))
      .filter((node) => {
        const up = ancestors(node);
        if (up.some((a) => attr(a, 'data-src') !== undefined || hasClass(a, 'tick'))) return false;
        const key = up.find((a) => hasClass(a, 'key'));
        if (!key) return true;
        const value = elements(key.parentNode as Element, (e) => attr(e, 'data-src') !== undefined)[0];
        return !attr(value, 'data-src')!.endsWith(`/${text(key).split('.').join('/')}`);
      });
    expect(unsourced.map(text)).toEqual([]);
  });

  it('opens offline in Chromium and renders every chart; the screenshot is the test artifact', async () => {
    const browser = await launchHeadlessChromium(chromium, { viewport: { width: 1100, height: 900 }, profilePrefix: 'ufbert-report-chromium-' });
    try {
      const page = await browser.context.newPage();
      const fetched: string[] = [];
      await page.route('**/*', (route) => {
        const url = route.request().url();
        if (url.startsWith('file:')) return route.continue();
        fetched.push(url);
        return route.abort();
      });
      await page.goto(pathToFileURL(join(out, REPORT_HTML)).href);
      expect(fetched).toEqual([]);
      const sizes = await page.$$eval('svg.chart', (svgs) => svgs.map((svg) => svg.getBoundingClientRect()).map((r) => [r.width, r.height]));
      expect(sizes.length).toBe(4);
      for (const [width, height] of sizes) {
        expect(width).toBeGreaterThan(300);
        expect(height).toBeGreaterThan(200);
      }
      mkdirSync(ARTIFACTS, { recursive: true });
      const screenshot = join(ARTIFACTS, 'report.png');
      await page.screenshot({ path: screenshot, fullPage: true });
      expect(statSync(screenshot).size).toBeGreaterThan(50_000);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
