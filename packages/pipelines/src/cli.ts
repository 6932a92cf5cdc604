#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { UfbertError, type BackendChoice } from '@ufbert/tensor';
import type { Pooling } from '@ufbert/crammed-bert';
import { exportOnnxFromCheckpoint, exportTransformersJsFolder, type GraphHead } from '@ufbert/onnx';
import { loadPipeline, RUNTIMES, type Runtime } from './load-pipeline.js';

const USAGE = `usage:
  ufbert fill-mask --model DIR [--top-k N] [--json] [--truncate] [RUNTIME] TEXT...
  ufbert classify  --model DIR [--pair TEXT] [--labels A,B,...] [--json] [--truncate] [RUNTIME] TEXT
  ufbert embed     --model DIR [--pooling mean|first] [--truncate] [RUNTIME] TEXT...
  ufbert export    --format onnx --model DIR --out FILE.onnx|DIR [--fff-dense-levels N] [--head all|selected|none]
  ufbert --version

DIR holds model.safetensors, model_config.json and tokenizer.json. Write [MASK] where
fill-mask should predict. A TEXT longer than the model's window is an error unless
--truncate cuts it to the window. --debug prints the stack of an error.
RUNTIME: --runtime onnxruntime (default: the model exported once, with its FFF layers
conditional, cached in DIR/onnx-cache/) [--threads N] [--fff-dense-levels N], or --runtime tfjs [--backend B]
with B cpu, wasm, webgpu or auto. The runtime used is printed on stderr.
export: --out FILE.onnx (any case) writes one ONNX file; any other --out is a folder in transformers.js's layout
(onnx/model.onnx, config.json, tokenizer.json, tokenizer_config.json).`;

class UsageError extends Error {}

const COMMANDS = ['fill-mask', 'classify', 'embed', 'export'];
const HEADS: readonly GraphHead[] = ['all', 'selected', 'none'];

function version(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}

function positiveInteger(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = /^[0-9]+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive integer, got '${value.slice(0, 40)}'`);
  return n;
}

/** Flags that belong to the inference commands, not to export (and the reverse). */
const INFERENCE_FLAGS = ['runtime', 'threads', 'backend', 'top-k', 'pair', 'labels', 'pooling', 'json', 'truncate'] as const;
const EXPORT_FLAGS = ['format', 'out', 'head'] as const;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--version' || command === '-v') {
    console.log(version());
    return 0;
  }
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (!COMMANDS.includes(command)) throw new UsageError(`unknown command '${command}'`);
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      model: { type: 'string' },
      runtime: { type: 'string' },
      threads: { type: 'string' },
      backend: { type: 'string' },
      'top-k': { type: 'string' },
      pair: { type: 'string' },
      labels: { type: 'string' },
      pooling: { type: 'string' },
      json: { type: 'boolean' },
      format: { type: 'string' },
      out: { type: 'string' },
      head: { type: 'string' },
      'fff-dense-levels': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
      truncate: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!values.model) throw new UsageError('--model DIR is required');

  const given = (flags: readonly string[]) => flags.filter((flag) => values[flag as keyof typeof values] !== undefined).map((flag) => `--${flag}`);
  if (command === 'export') {
    if (given(INFERENCE_FLAGS).length) throw new UsageError(`export does not take ${given(INFERENCE_FLAGS).join(', ')}`);
    if (values.format !== 'onnx') throw new UsageError(`--format onnx is required (the one export format), got '${values.format ?? ''}'`);
    if (!values.out) throw new UsageError('--out FILE.onnx or --out DIR is required');
    if (positionals.length) throw new UsageError(`export takes no TEXT, got '${positionals[0]}'`);
    const head = values.head as GraphHead | undefined;
    if (head !== undefined && !HEADS.includes(head)) throw new UsageError(`--head must be one of ${HEADS.join(', ')}, got '${head}'`);
    const fffDenseLevels = positiveInteger('--fff-dense-levels', values['fff-dense-levels']);
    if (/\.onnx$/i.test(values.out)) {
      const result = await exportOnnxFromCheckpoint(values.model, values.out, { head, fffDenseLevels });
      console.log(`ufbert: wrote ${result.path} (${(result.bytes / 2 ** 20).toFixed(1)} MiB)`);
    } else {
      if (head !== undefined) throw new UsageError('--head applies to --out FILE.onnx; the transformers.js layout always has every position\'s logits');
      const result = await exportTransformersJsFolder(values.model, values.out, { fffDenseLevels });
      console.log(`ufbert: wrote ${values.out} in transformers.js's layout (${result.path}, ${(result.bytes / 2 ** 20).toFixed(1)} MiB)`);
    }
    return 0;
  }

  if (given(EXPORT_FLAGS).length) throw new UsageError(`${command} does not take ${given(EXPORT_FLAGS).join(', ')}`);
  if (positionals.length === 0) throw new UsageError('give at least one TEXT');
  const topK = positiveInteger('--top-k', values['top-k'] ?? '5')!;
  const fffDenseLevels = positiveInteger('--fff-dense-levels', values['fff-dense-levels']);
  values.pooling ??= 'mean';
  const threads = positiveInteger('--threads', values.threads);
  if (values.pooling !== 'mean' && values.pooling !== 'first') throw new UsageError(`--pooling must be mean or first, got '${values.pooling}'`);
  const runtime = (values.runtime ?? (values.backend ? 'tfjs' : 'onnxruntime')) as Runtime;
  if (!RUNTIMES.includes(runtime)) throw new UsageError(`--runtime must be one of ${RUNTIMES.join(', ')}, got '${runtime}'`);
  if (runtime === 'onnxruntime' && values.backend) throw new UsageError('--backend applies to --runtime tfjs');
  if (runtime === 'tfjs' && threads !== undefined) throw new UsageError('--threads applies to --runtime onnxruntime');
  if (runtime === 'tfjs' && fffDenseLevels !== undefined) throw new UsageError('--fff-dense-levels applies to --runtime onnxruntime');
  if (values.backend && !['cpu', 'wasm', 'webgpu', 'auto'].includes(values.backend)) throw new UsageError(`--backend must be cpu, wasm, webgpu or auto, got '${values.backend}'`);

  const pipeline = await loadPipeline(values.model, { runtime, threads, fffDenseLevels, backend: values.backend as BackendChoice | undefined, labels: values.labels?.split(','), overflow: values.truncate ? 'truncate' : 'reject' });
  console.error(`ufbert: running on ${pipeline.runtime.description}`);
  try {
    if (command === 'fill-mask') {
      const results = await pipeline.fillMaskBatch(positionals, { topK });
      if (values.json) console.log(JSON.stringify(results, null, 2));
      else
        results.forEach((masks, i) => {
          console.log(positionals[i]);
          masks.forEach((candidates, m) => {
            if (masks.length > 1) console.log(`  mask ${m + 1}:`);
            for (const c of candidates) console.log(`  ${c.score.toFixed(4)}  ${c.token.padEnd(16)} ${c.sequence}`);
          });
        });
    } else if (command === 'classify') {
      if (values.pair !== undefined && positionals.length !== 1) throw new UsageError('--pair takes exactly one TEXT');
      const inputs = values.pair !== undefined ? [[positionals[0], values.pair] as const] : positionals;
      const results = await pipeline.classifyBatch(inputs);
      if (values.json) console.log(JSON.stringify(results, null, 2));
      else
        results.forEach((scores, i) => {
          console.log(typeof inputs[i] === 'string' ? inputs[i] : (inputs[i] as readonly string[]).join(' || '));
          for (const s of scores) console.log(`  ${s.score.toFixed(4)}  ${s.label}`);
        });
    } else {
      const vectors = await pipeline.embedBatch(positionals, { pooling: values.pooling as Pooling });
      console.log(JSON.stringify(vectors.map((v) => Array.from(v))));
    }
  } finally {
    await pipeline.dispose();
  }
  return 0;
}

// --debug may stand anywhere; it only changes how a failure is printed.
const debug = process.argv.includes('--debug');
main(process.argv.slice(2).filter((arg) => arg !== '--debug')).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`ufbert: ${(error as Error).message}\n\n${USAGE}`);
      process.exit(2);
    }
    // An expected failure is one line; anything else, or --debug, shows where it came from.
    if (error instanceof UfbertError && !debug) console.error(`ufbert: ${error.name}: ${error.message}`);
    else console.error(error);
    process.exit(1);
  },
);
