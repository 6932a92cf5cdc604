import { getTask, type TaskName } from '@ufbert/glue';
import type { TrainingLogRecord } from '@ufbert/training';
import { renderLineChart, type ChartSeries, type LineChartSpec } from './line-chart.js';
import { METRIC_DEFINITIONS, SUMMARY_DEFINITIONS } from './metric-definitions.js';
import { averageScore, taskNames } from './retention.js';
import { REPORT_JSON, type ModelSummary, type RunReport } from './run-report.js';
import { escapeXml, renderRich, sourced, type RichText, type Sourced } from './rich-text.js';

/** Each model's training log records, in the order of `report.models`. */
export type RunLogs = readonly (readonly TrainingLogRecord[])[];

const COLORS: Record<ModelSummary['kind'], { train: string; validation: string }> = {
  fff: { train: '#1f77b4', validation: '#0b3c66' },
  ff: { train: '#e6741a', validation: '#8c3d00' },
};

/** A JSON pointer (RFC 6901) into report.json, as a `data-src`. */
function src(...path: Array<string | number>): string {
  return `${REPORT_JSON}#/${path.map((p) => String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;
}

const fixed = (value: number, digits: number, path: Array<string | number>): Sourced => sourced(value.toFixed(digits), src(...path));
const percent = (value: number, path: Array<string | number>): Sourced => sourced((100 * value).toFixed(1), src(...path), 100);
const integer = (value: number, path: Array<string | number>): Sourced => sourced(Math.round(value).toLocaleString('en-US'), src(...path));

function table(header: RichText[], rows: RichText[][], className = ''): string {
  const cells = (row: RichText[], tag: 'th' | 'td') => row.map((c) => `<${tag}>${renderRich(c)}</${tag}>`).join('');
  return `<table${className ? ` class="${className}"` : ''}><thead><tr>${cells(header, 'th')}</tr></thead><tbody>${rows.map((r) => `<tr>${cells(r, 'td')}</tr>`).join('')}</tbody></table>`;
}

function modelName(report: RunReport, index: number): Sourced {
  return sourced(report.models[index].name, src('models', index, 'name'));
}

/** Both models' names for a chart title: `UltraFastBERT-tiny-1x7 (FFF) vs crammedBERT-tiny-FF255 (FF)`. */
function modelsTitle(report: RunReport): RichText[] {
  return report.models.flatMap((m, i) => [...(i ? [' vs '] : []), modelName(report, i), ` (${m.kind.toUpperCase()})`]);
}

function pretrainingCharts(report: RunReport, logs: RunLogs): string {
  const series = (x: 'tokens' | 'elapsed', y: 'loss' | 'learningRate' | 'gradNorm', withValidation: boolean): ChartSeries[] =>
    report.models.flatMap((m, i) => {
      const steps = logs[i].filter((r) => r.kind === 'step');
      const what = y === 'loss' ? 'training loss' : y === 'learningRate' ? 'learning rate' : 'grad-norm';
      const out: ChartSeries[] = [
        {
          name: [modelName(report, i), ` ${what}`],
          color: COLORS[m.kind].train,
          style: m.kind === 'ff' ? 'dashed' : 'line',
          points: steps.map((r) => ({ x: r[x], y: r[y] })),
          source: { file: m.logFile, kind: 'step', x, y },
        },
      ];
      if (withValidation) {
        // Validation records carry the step and wall time, not the tokens: the step's record gives those.
        const tokensAt = new Map(steps.map((r) => [r.step, r.tokens]));
        const validation = logs[i].filter((r) => r.kind === 'validation');
        const vx = x === 'tokens' ? 'step:tokens' : 'elapsed';
        out.push({
          name: [modelName(report, i), ' validation loss'],
          color: COLORS[m.kind].validation,
          style: 'dots',
          points: validation.map((r) => ({ x: x === 'tokens' ? (tokensAt.get(r.step) ?? 0) : r.elapsed, y: r.loss })),
          source: { file: m.logFile, kind: 'validation', x: vx, y: 'loss' },
        });
      }
      return out;
    });
  const fff = report.models.findIndex((m) => m.kind === 'fff');
  const baselineAt = Math.max(fff, 0);
  const reference = report.models.length
    ? {
        value: report.models[baselineAt].unigramBaseline,
        label: ['unigram baseline ', fixed(report.models[baselineAt].unigramBaseline, 3, ['models', baselineAt, 'unigramBaseline'])],
      }
    : undefined;
  const charts: LineChartSpec[] = [
    {
      title: ['MLM loss over tokens: ', ...modelsTitle(report)],
      xLabel: 'tokens trained on',
      yLabel: 'MLM loss (nats)',
      series: series('tokens', 'loss', true),
      reference,
    },
    {
      title: ['MLM loss over wall-clock time: ', ...modelsTitle(report)],
      xLabel: 'seconds of pretraining',
      yLabel: 'MLM loss (nats)',
      series: series('elapsed', 'loss', true),
      reference,
    },
    {
      title: ['Learning rate: ', ...modelsTitle(report)],
      xLabel: 'tokens trained on',
      yLabel: 'learning rate',
      series: series('tokens', 'learningRate', false),
    },
    {
      title: ['Gradient norm before clipping: ', ...modelsTitle(report)],
      xLabel: 'tokens trained on',
      yLabel: 'global grad-norm',
      series: series('tokens', 'gradNorm', false),
    },
  ];
  return charts.map((c) => `<figure>${renderLineChart(c)}</figure>`).join('\n');
}

function resultsSection(report: RunReport): string {
  const tasks = taskNames(report.models);
  const header: RichText[] = ['model', 'steps', 'tokens', 'val MLM loss', 'unigram baseline', ...tasks.map((t) => `${t} (majority)`), 'avg'];
  const rows: RichText[][] = report.models.map((m, i) => {
    const avg = averageScore(m, tasks);
    return [
      [modelName(report, i), ` (${m.kind.toUpperCase()})`],
      integer(m.steps, ['models', i, 'steps']),
      integer(m.tokens, ['models', i, 'tokens']),
      m.validationLoss === null ? 'n/a' : fixed(m.validationLoss, 3, ['models', i, 'validationLoss']),
      fixed(m.unigramBaseline, 3, ['models', i, 'unigramBaseline']),
      ...tasks.map(
        (t): RichText =>
          m.tasks[t]
            ? [
                percent(m.tasks[t].evaluation.score, ['models', i, 'tasks', t, 'evaluation', 'score']),
                ' (',
                percent(m.tasks[t].baseline.score, ['models', i, 'tasks', t, 'baseline', 'score']),
                ')',
              ]
            : 'n/a',
      ),
      avg === null ? 'n/a' : sourced((100 * avg).toFixed(1), src('models', i, 'averageScore'), 100),
    ];
  });
  if (report.retention) {
    const r = report.retention;
    const cell = (v: number | null, key: string, path: Array<string | number>): RichText =>
      v !== null ? [percent(v, path), '%'] : r.notes[key] ? `n/a (${r.notes[key]})` : 'n/a';
    rows.push([
      'FFF retention (FFF / FF)',
      '',
      '',
      '',
      '',
      ...tasks.map((t) => cell(r.tasks[t] ?? null, t, ['retention', 'tasks', t])),
      cell(r.average, 'average', ['retention', 'average']),
    ]);
  }
  const metricRows: RichText[][] = report.models.flatMap((m, i) =>
    tasks.flatMap((t) => {
      const result = m.tasks[t];
      if (!result) return [];
      return Object.entries(result.evaluation.metrics).map(([key, value]): RichText[] => [
        [modelName(report, i)],
        t,
        key,
        percent(value, ['models', i, 'tasks', t, 'evaluation', 'metrics', key]),
        percent(result.baseline.metrics[key], ['models', i, 'tasks', t, 'baseline', 'metrics', key]),
      ]);
    }),
  );
  const definitions = [
    ...SUMMARY_DEFINITIONS,
    ...tasks.flatMap((t) =>
      getTask(t as TaskName).metrics.map((metric) => [`${t}: ${metric.key}`, `${METRIC_DEFINITIONS[metric.metric]}, on the ${metric.split} split`] as const),
    ),
  ];
  return [
    '<section id="results"><h2>Results: FFF vs FF</h2>',
    table(header, rows, 'results'),
    '<h3>Every metric</h3>',
    table(['model', 'task', 'metric', 'score', 'majority'], metricRows, 'metrics'),
    '<h3>What the numbers mean</h3>',
    `<dl class="definitions">${definitions.map(([term, definition]) => `<dt>${escapeXml(term)}</dt><dd>${escapeXml(definition)}</dd>`).join('')}</dl>`,
    '</section>',
  ].join('\n');
}

function q8Section(report: RunReport): string {
  const tasks = taskNames(report.models);
  const at = (i: number, ...path: Array<string | number>) => ['models', i, 'q8', ...path];
  const dtype = (i: number): RichText => sourced(report.models[i].q8.dtype, src(...at(i, 'dtype')));
  const baseline = (i: number): RichText => sourced(report.models[i].q8.baseline, src(...at(i, 'baseline')));
  const share = (v: number | null, path: Array<string | number>): RichText => (v === null ? 'n/a' : [percent(v, path), '%']);
  const cosine = (v: number | null, path: Array<string | number>): RichText => (v === null ? 'n/a' : fixed(v, 5, path));
  const rows = report.models.map((m, i): RichText[] => {
    const q8 = m.q8;
    return [
      [modelName(report, i), ` (${m.kind.toUpperCase()})`],
      q8.top1Agreement === null ? 'n/a' : [share(q8.top1Agreement, at(i, 'top1Agreement')), ' of ', integer(q8.maskedPositions, at(i, 'maskedPositions'))],
      cosine(q8.hiddenCosineMin, at(i, 'hiddenCosineMin')),
      cosine(q8.hiddenCosineMean, at(i, 'hiddenCosineMean')),
      q8.leafDifferShare === null
        ? 'n/a (dense)'
        : [share(q8.leafDifferShare, at(i, 'leafDifferShare')), ' (', share(q8.tokensWithLeafDifferingShare, at(i, 'tokensWithLeafDifferingShare')), ')'],
      ...tasks.map((t): RichText => {
        const a = q8.tasks[t];
        if (!a) return 'n/a';
        return [
          percent(a.fp32Accuracy, at(i, 'tasks', t, 'fp32Accuracy')),
          ' → ',
          percent(a.q8Accuracy, at(i, 'tasks', t, 'q8Accuracy')),
          ` (${a.differencePoints >= 0 ? '+' : ''}`,
          fixed(a.differencePoints, 1, at(i, 'tasks', t, 'differencePoints')),
          ' points)',
        ];
      }),
    ];
  });
  if (!rows.length) return '';
  const header: RichText[] = [
    'model',
    'masked top prediction agreement',
    'hidden-state cosine, min',
    'hidden-state cosine, mean',
    'FFF leaves differing (tokens with any)',
    ...tasks.map((t): RichText => [`${t} accuracy, `, baseline(0), ' → ', dtype(0)]),
  ];
  return [
    `<section id="q8"><h2>${renderRich(['Quantized: ', dtype(0), ' against ', baseline(0), ' on onnxruntime'])}</h2>`,
    `<p>${renderRich([
      'Each pretrained model and each fine-tuned classifier exported by @ufbert/onnx twice, in ',
      baseline(0),
      ' and in ',
      dtype(0),
      ' (weights of one byte with a scale per row or column, activations quantized per call: onnxruntime’s dynamic quantization, what transformers.js runs by default in a browser), and run by onnxruntime-node. ',
      'Agreement: the share of masked positions of the held-out validation sequences (about one token in seven masked) where the top predictions are the same token. ',
      'Cosine: of the two final hidden states of each token. FFF leaves: the share of (token, layer, tree) that reach another leaf, and of tokens with any such leaf. ',
      'Accuracy: the classifier on the task’s dev split through the text-classification pipeline, inputs cut to the model’s window.',
    ])}</p>`,
    table(header, rows, 'q8'),
    '</section>',
  ].join('\n');
}

function timeSection(report: RunReport): string {
  const throughput = table(
    ['model', 'steps', 'tokens', 'pretraining seconds', 'tokens/s'],
    report.models.map((m, i) => [
      [modelName(report, i)],
      integer(m.steps, ['models', i, 'steps']),
      integer(m.tokens, ['models', i, 'tokens']),
      fixed(m.trainingSeconds, 1, ['models', i, 'trainingSeconds']),
      integer(m.tokensPerSecond, ['models', i, 'tokensPerSecond']),
    ]),
    'throughput',
  );
  const phases = table(
    ['phase', 'model', 'seconds'],
    report.phases.map((p, i) => [
      p.phase,
      p.model === undefined ? '' : sourced(p.model, src('phases', i, 'model')),
      fixed(p.seconds, 1, ['phases', i, 'seconds']),
    ]),
    'phases',
  );
  return `<section id="time"><h2>Throughput and wall time</h2>${throughput}<h3>Wall time per phase</h3>${phases}</section>`;
}

function usageSection(report: RunReport): string {
  const parts = report.models.flatMap((m, i) => {
    if (!m.usage) return [];
    const rows = m.usage.map((u, l): RichText[] => {
      const at = (field: string) => ['models', i, 'usage', l, field];
      return [
        integer(u.layer, at('layer')),
        integer(u.tokens, at('tokens')),
        [integer(u.leavesUsed, at('leavesUsed')), ' of ', integer(u.leaves, at('leaves'))],
        [percent(u.leafShareUsed, at('leafShareUsed')), '%'],
        [fixed(u.pathEntropyBits, 2, at('pathEntropyBits')), ' of ', fixed(u.maxPathEntropyBits, 2, at('maxPathEntropyBits'))],
      ];
    });
    return [
      `<h3>${renderRich(modelName(report, i))}</h3>`,
      table(['layer', 'validation tokens', 'leaves used', 'share of leaves used', 'path entropy (bits, of the maximum)'], rows, 'usage'),
    ];
  });
  return [
    '<section id="usage"><h2>FFF node usage per layer (validation set)</h2>',
    '<p>Every validation token walks one path from the root to a leaf of each tree. A leaf no token reaches was never trained; the path entropy is the entropy of the tokens’ distribution over the leaves, whose maximum, the tree depth, means every leaf takes an equal share.</p>',
    ...parts,
    '</section>',
  ].join('\n');
}

function samplesSection(report: RunReport): string {
  const rows = report.samples.map((sample, s): RichText[] => [
    sourced(sample.text, src('samples', s, 'text')),
    ...report.models.map(
      (m): RichText =>
        (sample.candidates[m.name] ?? []).flatMap((c, k): RichText[] => [
          ...(k ? [', '] : []),
          sourced(c.token, src('samples', s, 'candidates', m.name, k, 'token')),
          ' (',
          percent(c.score, ['samples', s, 'candidates', m.name, k, 'score']),
          '%)',
        ]),
    ),
  ]);
  return `<section id="samples"><h2>Fill-mask samples</h2><p>The top candidates of each pretrained model for the masked word, with their probabilities.</p>${table(['text', ...report.models.map((_, i) => modelName(report, i))], rows, 'samples')}</section>`;
}

function classifySection(report: RunReport): string {
  const examples: Record<string, string> = {
    spam: 'Congratulations, you have won a free cruise! Reply now to claim your prize.',
    sentiment: 'The food was wonderful and the staff were friendly.',
  };
  const commands = report.models.flatMap((m, i) =>
    Object.entries(m.tasks).map(
      ([task, result]) =>
        `<pre class="command">ufbert classify --model ${renderRich(sourced(result.classifierDir, src('models', i, 'tasks', task, 'classifierDir')))} ${escapeXml(JSON.stringify(examples[task] ?? 'your text here'))}</pre>`,
    ),
  );
  return `<section id="classify"><h2>Use the fine-tuned classifiers</h2><p>Each classifier is saved with its label names; run from the run folder (the <code>ufbert</code> command of <code>@ufbert/pipelines</code>):</p>${commands.join('\n')}</section>`;
}

/** Every leaf of a JSON value by its path of keys; a list of plain values is one leaf. */
function leaves(value: unknown, path: string[] = []): Array<{ path: string[]; value: unknown }> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    return Object.entries(value as Record<string, unknown>).flatMap(([key, inner]) => leaves(inner, [...path, key]));
  }
  return [{ path, value }];
}

/**
 * A `setting | value...` table of every leaf of one or more JSON values (side by side, a
 * row per path any of them has). The setting cell (class `key`) is the path, which each
 * value's `data-src` repeats.
 */
function settingsTable(header: string, columns: ReadonlyArray<{ label: RichText; value: unknown; at: Array<string | number> }>): string {
  const paths = new Map<string, string[]>();
  for (const column of columns) for (const leaf of leaves(column.value)) paths.set(leaf.path.join('.'), leaf.path);
  const rows = [...paths].map(([label, path]) => {
    const cells = columns.map((column) => {
      const leaf = leaves(column.value).find((l) => l.path.join('.') === label);
      if (!leaf) return '<td></td>';
      const shown = Array.isArray(leaf.value) ? leaf.value.join(', ') : String(leaf.value);
      return `<td>${renderRich(sourced(shown, src(...column.at, ...path)))}</td>`;
    });
    return `<tr><td class="key">${escapeXml(label)}</td>${cells.join('')}</tr>`;
  });
  const head = [escapeXml(header), ...columns.map((c) => renderRich(c.label))].map((h) => `<th>${h}</th>`).join('');
  return `<table class="settings"><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function configSection(report: RunReport): string {
  const one = (title: string, header: string, value: unknown, at: string) =>
    `<div><h3>${title}</h3>${settingsTable(header, [{ label: 'value', value, at: [at] }])}</div>`;
  const models = settingsTable(
    'model config',
    report.models.map((m, i) => ({ label: modelName(report, i), value: m.modelConfig, at: ['models', i, 'modelConfig'] })),
  );
  return [
    '<section id="config"><h2>Config, seed, machine, versions</h2>',
    `<p>Seed ${renderRich(sourced(String(report.seed), src('seed')))}; report written ${renderRich(sourced(report.createdAt, src('createdAt')))}.</p>`,
    '<div class="side-by-side">',
    one('Trainer options', 'option', report.options, 'options'),
    one('Pretraining config (both models)', 'setting', report.training, 'training'),
    `<div>${one('Machine', 'machine', report.machine, 'machine')}${one('Versions', 'package', report.versions, 'versions')}</div>`,
    '</div>',
    '<h3>Models</h3>',
    models,
    '</section>',
  ].join('\n');
}

const STYLE = `
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 66rem; padding: 0 1rem; color: #1d1d1f; }
h1 { margin-bottom: 0.2rem; }
table { border-collapse: collapse; margin: 0.8rem 0; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid #d0d0d0; padding: 0.3rem 0.6rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
table.results tr:last-child td { font-weight: bold; background: #f7fbff; }
figure { margin: 1rem 0; }
svg.chart { max-width: 100%; height: auto; border: 1px solid #e0e0e0; }
dl.definitions dt { font-weight: bold; margin-top: 0.5rem; }
dl.definitions dd { margin-left: 1.5rem; }
div.side-by-side { display: flex; flex-wrap: wrap; gap: 0 2rem; align-items: flex-start; }
pre.command { background: #f5f5f5; padding: 0.6rem; overflow-x: auto; }
`;

/**
 * report.html: the whole run on one page that opens offline (inline CSS and SVG, no script,
 * no font or image to fetch). Every figure is read from `report` or, for the charts, from
 * the training logs; each carries its source (see rich-text.ts).
 */
export function renderReportPage(report: RunReport, logs: RunLogs): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<title>ufbert trainer report</title>',
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    `<h1>ufbert trainer report</h1>`,
    `<p>${renderRich(modelsTitle(report))}, pretrained for the same budget on the same data, fine-tuned and evaluated alike.</p>`,
    resultsSection(report),
    q8Section(report),
    `<section id="pretraining"><h2>Pretraining</h2>${pretrainingCharts(report, logs)}</section>`,
    timeSection(report),
    usageSection(report),
    samplesSection(report),
    classifySection(report),
    configSection(report),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
