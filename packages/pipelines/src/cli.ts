#!/usr/bin/env node
import { fileURLToPath } from 'node:url';
import { DEVICES, UfbertError, type Device } from '@ufbert/tensor';
import {
  FILE_LIMITS,
  formatHelp,
  formatUsageError,
  parseChoiceFlag,
  parseCommandLine,
  parseNumberFlag,
  readJson,
  UsageError,
  type CommandSpec,
  type OptionSpec,
} from '@ufbert/tensor/node';
import { parseKernelChoice, type KernelChoice } from '@ufbert/crammed-bert';
import { DTYPES, type Dtype, type GraphHead, type Parallelism } from '@ufbert/onnx';
import { exportOnnxFromCheckpoint, exportTransformersJsFolder } from '@ufbert/onnx/node';

import { RUNTIMES, type Runtime } from './device.js';
import { modelFolder } from './hub/model-name.js';
import { pipeline, type PipelineOptions } from './pipeline.js';
import { fffRoutes } from './routes.js';
import { POOLINGS, type Pooling } from './tasks/feature-extraction.js';
import type { FillMaskCandidate, FillMaskResult } from './tasks/fill-mask.js';
import type { LabelScore } from './tasks/text-classification.js';
import type { TextPipeline } from './text-pipeline.js';
import type { ProgressCallback } from './progress.js';

const PARALLELISMS: readonly Parallelism[] = ['intra-op', 'sequences'];

/** Where every command finds its model: a folder, a hub id or a URL (ids and URLs downloaded once into the cache). */
const MODEL_OPTION = {
  model: { type: 'string', value: 'MODEL', help: 'a model folder, a hub id owner/name (pbelcak/UltraFastBERT-1x11-long) or a URL serving its files' },
  revision: { type: 'string', value: 'REV', help: 'a hub id: the branch, tag or commit (default main)' },
  'cache-dir': {
    type: 'string',
    value: 'DIR',
    help: "where ids and URLs are downloaded once (default: Python's hub cache, HF_HUB_CACHE or\nHF_HOME/hub or ~/.cache/huggingface/hub)",
  },
} as const satisfies Record<string, OptionSpec>;

/** How the inference commands pick where the model runs. */
const RUNTIME_OPTIONS = {
  runtime: {
    type: 'string',
    value: 'R',
    help: 'onnxruntime (default: the model exported once, with its FFF layers conditional,\ncached beside it in onnx-cache/) or tfjs',
  },
  dtype: {
    type: 'string',
    value: 'D',
    help: "the weights' precision: fp32 (default) or q8 (int8 weights, activations quantized per\ncall: onnxruntime's dynamic quantization, transformers.js's q8); tfjs runs fp32 only",
  },
  threads: { type: 'string', value: 'N', help: "the runtime's own threads: onnxruntime's intra-op threads; tfjs, the wasm kernel's" },
  parallelism: { type: 'string', value: 'P', help: 'onnxruntime: intra-op (default) or sequences (a worker per thread)' },
  'fff-dense-levels': { type: 'string', value: 'N', help: "onnxruntime: the FFF trees' first N levels computed densely in the export" },
  device: { type: 'string', value: 'D', help: 'tfjs: cpu, wasm, webgpu or auto' },
  kernel: {
    type: 'string',
    value: 'K',
    help: "tfjs: the FFF blocks' kernel as BACKEND[/LEVEL[/DTYPE]] (ts, wasm, webgpu; 1, 2, fused; default:\nthe device's own, fastest level: --device cpu runs the TypeScript kernels)",
  },
  truncate: { type: 'boolean', help: "cut a TEXT longer than the model's window to the window, as transformers.js does (the default)" },
  'no-truncate': { type: 'boolean', help: "a TEXT longer than the model's window is an error instead" },
} as const satisfies Record<string, OptionSpec>;

const JSON_OPTION = { json: { type: 'boolean', help: "print the library's results as JSON" } } as const satisfies Record<string, OptionSpec>;

const COMMON_NOTES = `A model folder holds model.safetensors, model_config.json (or config.json) and tokenizer.json; a
URL serves the same files; a hub id names a repository of the hub (HF_ENDPOINT; HF_TOKEN its token;
HF_HUB_OFFLINE=1 uses the cache only). A line on stderr names each file downloaded. The runtime,
dtype and kernel used are printed on stderr.
--debug prints the stack of an error. Exit status: 0 done, 1 failed, 2 usage.`;

/** One table per command: its options are all it accepts (an option of another command is a usage error). */
const COMMANDS = {
  'fill-mask': {
    usage: 'ufbert fill-mask --model MODEL [options] TEXT...',
    summary: "Predicts the tokens at the model's mask token ([MASK], or <mask> for the published UltraFastBERT) in each TEXT.",
    options: { ...MODEL_OPTION, 'top-k': { type: 'string', value: 'N', help: 'candidates per mask (default 5)' }, ...JSON_OPTION, ...RUNTIME_OPTIONS },
    positionals: true,
    notes: COMMON_NOTES,
  },
  classify: {
    usage: 'ufbert classify --model MODEL [options] TEXT...',
    summary: "Classifies each TEXT (or one TEXT with --pair) with the labels of the config's id2label.",
    options: {
      ...MODEL_OPTION,
      pair: { type: 'string', value: 'TEXT', help: 'the second text of a pair (one TEXT then)' },
      'top-k': { type: 'string', value: 'N|all', help: 'labels per input (default 1)' },
      labels: { type: 'string', value: 'A,B,...', help: "label names, overriding the config's id2label" },
      ...JSON_OPTION,
      ...RUNTIME_OPTIONS,
    },
    positionals: true,
    notes: COMMON_NOTES,
  },
  embed: {
    usage: 'ufbert embed --model MODEL [options] TEXT...',
    summary: 'Prints the embeddings of the TEXTs as JSON.',
    options: {
      ...MODEL_OPTION,
      pooling: { type: 'string', value: 'P', help: "none (default, as feature-extraction: every token's vector), mean, cls,\nfirst_token, eos or last_token" },
      normalize: { type: 'boolean', help: 'scale each embedding to unit length' },
      ...RUNTIME_OPTIONS,
    },
    positionals: true,
    notes: COMMON_NOTES,
  },
  export: {
    usage: 'ufbert export --format onnx --model MODEL --out FILE.onnx|DIR [options]',
    summary: `Exports the model to ONNX, its FFF layers conditional.
--out FILE.onnx (any case) writes one ONNX file in --dtype; any other --out is a folder in transformers.js's
layout (onnx/model.onnx, onnx/model_quantized.onnx, config.json, tokenizer.json, tokenizer_config.json), written
as a unit; an existing folder of another kind (a classifier, a checkpoint) is refused unless --overwrite.`,
    options: {
      format: { type: 'string', value: 'onnx', help: 'the export format (onnx, the one there is)' },
      ...MODEL_OPTION,
      out: { type: 'string', value: 'FILE.onnx|DIR', help: 'one ONNX file, or a folder in transformers.js layout' },
      dtype: { type: 'string', value: 'D', help: 'fp32 (default) or q8; FILE.onnx only' },
      'fff-dense-levels': RUNTIME_OPTIONS['fff-dense-levels'],
      head: { type: 'string', value: 'H', help: "all, selected or none: which positions' logits the graph returns; FILE.onnx only" },
      overwrite: { type: 'boolean', help: 'DIR only: move an existing folder of another kind aside' },
    },
    notes: '--debug prints the stack of an error. Exit status: 0 done, 1 failed, 2 usage.',
  },
  routes: {
    usage: 'ufbert routes --model MODEL [options] TEXT',
    summary: "Prints each token's path through every FFF tree of every layer: nodes, logits, L/R turns.",
    options: { ...MODEL_OPTION, ...JSON_OPTION, device: RUNTIME_OPTIONS.device },
    positionals: true,
    notes: '--debug prints the stack of an error. Exit status: 0 done, 1 failed, 2 usage.',
  },
} as const satisfies Record<string, CommandSpec>;

type CommandName = keyof typeof COMMANDS;

/** The values of whichever command ran, read through one record (each command's table says which it accepts). */
type Values = {
  [K in
    | Exclude<keyof typeof RUNTIME_OPTIONS, 'truncate' | 'no-truncate'>
    | keyof typeof MODEL_OPTION
    | 'top-k'
    | 'pair'
    | 'labels'
    | 'pooling'
    | 'format'
    | 'out'
    | 'head']?: string;
} & {
  json?: boolean;
  normalize?: boolean;
  truncate?: boolean;
  'no-truncate'?: boolean;
  overwrite?: boolean;
};

const USAGE = `usage: ufbert <command> [options]

commands:
${Object.entries(COMMANDS)
  .map(([name, spec]) => `  ${name.padEnd(11)}${spec.summary.split('\n')[0]}`)
  .join('\n')}
  --version  the version of ufbert

ufbert <command> --help prints that command's options.`;

const HEADS: readonly GraphHead[] = ['all', 'selected', 'none'];

async function version(): Promise<string> {
  const manifest = (await readJson(fileURLToPath(new URL('../package.json', import.meta.url)), { what: 'package.json', maxBytes: FILE_LIMITS.json })) as {
    version: string;
  };
  return manifest.version;
}

/** `wasm`, `ts/1`, `webgpu/fused`: the text form @ufbert/cmm's parseKernelChoice reads; a usage error when it refuses it. */
function kernelChoice(value: string): KernelChoice {
  try {
    return parseKernelChoice(value);
  } catch (error) {
    if (error instanceof UfbertError) throw new UsageError(`--kernel: ${error.message}`);
    throw error;
  }
}

/** A line on stderr per file actually downloaded (a cached model says nothing), with the storage host a hub redirect led to. */
function downloadProgress(): ProgressCallback {
  return (event) => {
    if (event.status === 'download') console.error(`ufbert: downloading ${event.file} of ${event.name}${event.host ? ` from ${event.host}` : ''}`);
  };
}

/**
 * Every command reads its model through one resolver (a folder as it is, a hub id or URL from the cache or downloaded into
 * it), called once the flags are checked, so a usage error never waits for a download.
 */
const modelDir = (values: Values) =>
  modelFolder(values.model!, { revision: values.revision, cache_dir: values['cache-dir'], progress_callback: downloadProgress() });

const positiveInteger = (flag: string, raw: string | undefined) => (raw === undefined ? undefined : parseNumberFlag(flag, raw, { integer: true, min: 1 }));
const choice = <T extends string>(flag: string, raw: string | undefined, allowed: readonly T[]) =>
  raw === undefined ? undefined : parseChoiceFlag(flag, raw, allowed);

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--version' || command === '-v') {
    console.log(await version());
    return 0;
  }
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (!Object.hasOwn(COMMANDS, command)) throw new UsageError(`unknown command '${command.slice(0, 40)}'`, USAGE);
  const spec: CommandSpec = COMMANDS[command as CommandName];
  const help = formatHelp(spec);
  const parsed = parseCommandLine(spec, rest);
  if (parsed.help) {
    console.log(help);
    return 0;
  }
  const values = parsed.values as Values;
  try {
    if (!values.model) throw new UsageError('--model DIR, --model owner/name or --model URL is required');
    if (command === 'routes') return await runRoutes(values, parsed.positionals);
    if (command === 'export') return await runExport(values, parsed.positionals);
    return await runPipeline(command as 'fill-mask' | 'classify' | 'embed', values, parsed.positionals);
  } catch (error) {
    // A usage mistake found after parsing is reported with this command's help, not the overview.
    if (error instanceof UsageError && error.help === undefined) throw new UsageError(error.message, help);
    throw error;
  }
}

async function runRoutes(values: Values, positionals: string[]): Promise<number> {
  if (positionals.length !== 1) throw new UsageError(`routes takes exactly one TEXT, got ${positionals.length}`);
  const device = choice<Device | 'auto'>('device', values.device, [...DEVICES, 'auto']);
  const tokens = await fffRoutes(await modelDir(values), positionals[0], { device });
  if (values.json) console.log(JSON.stringify(tokens, null, 2));
  else
    for (const { token, layers } of tokens) {
      console.log(token);
      layers.forEach((trees, layer) =>
        trees.forEach((route, tree) =>
          console.log(
            `  layer ${layer} tree ${tree}  ${route.path || '-'}  nodes ${route.nodes.join(' ')}  logits ${route.logits.map((l) => l.toFixed(3)).join(' ')}`,
          ),
        ),
      );
    }
  return 0;
}

async function runExport(values: Values, positionals: string[]): Promise<number> {
  if (values.format !== 'onnx') throw new UsageError(`--format onnx is required (the one export format), got '${values.format ?? ''}'`);
  if (!values.out) throw new UsageError('--out FILE.onnx or --out DIR is required');
  if (positionals.length) throw new UsageError(`export takes no TEXT, got '${positionals[0].slice(0, 40)}'`);
  const head = choice('head', values.head, HEADS);
  const fffDenseLevels = positiveInteger('fff-dense-levels', values['fff-dense-levels']);
  const dtype = choice<Dtype>('dtype', values.dtype, DTYPES);
  if (/\.onnx$/i.test(values.out)) {
    if (values.overwrite !== undefined)
      throw new UsageError('--overwrite applies to --out DIR (a folder of another kind is moved aside); --out FILE.onnx replaces the file');
    const result = await exportOnnxFromCheckpoint(await modelDir(values), values.out, { head, fffDenseLevels, dtype });
    console.log(`ufbert: wrote ${result.path} (${dtype ?? 'fp32'}, ${(result.bytes / 2 ** 20).toFixed(1)} MiB)`);
    return 0;
  }
  if (head !== undefined) throw new UsageError("--head applies to --out FILE.onnx; the transformers.js layout always has every position's logits");
  if (dtype !== undefined)
    throw new UsageError('--dtype applies to --out FILE.onnx; the transformers.js layout holds both (onnx/model.onnx fp32, onnx/model_quantized.onnx q8)');
  const result = await exportTransformersJsFolder(await modelDir(values), values.out, { fffDenseLevels, overwrite: values.overwrite });
  console.log(`ufbert: wrote ${values.out} in transformers.js's layout (${result.path}, ${(result.bytes / 2 ** 20).toFixed(1)} MiB)`);
  return 0;
}

/** The pipeline options of fill-mask, classify and embed, every flag checked before the model is loaded. */
function pipelineOptions(command: 'fill-mask' | 'classify' | 'embed', values: Values): PipelineOptions & { topK: number | null | undefined } {
  const topK = values['top-k'] === 'all' && command === 'classify' ? null : positiveInteger('top-k', values['top-k']);
  const threads = positiveInteger('threads', values.threads);
  const fffDenseLevels = positiveInteger('fff-dense-levels', values['fff-dense-levels']);
  const dtype = choice<Dtype>('dtype', values.dtype, DTYPES);
  const runtime = choice<Runtime>('runtime', values.runtime, RUNTIMES);
  const device = choice<Device | 'auto'>('device', values.device, [...DEVICES, 'auto']);
  const parallelism = choice<Parallelism>('parallelism', values.parallelism, PARALLELISMS);
  choice<Pooling>('pooling', values.pooling, POOLINGS);
  if (values.truncate && values['no-truncate']) throw new UsageError('--truncate (the default) and --no-truncate contradict each other');
  const onTfjs = runtime === 'tfjs' || device === 'wasm' || device === 'webgpu';
  if (onTfjs && parallelism !== undefined) throw new UsageError('--parallelism applies to --runtime onnxruntime');
  if (onTfjs && fffDenseLevels !== undefined) throw new UsageError('--fff-dense-levels applies to --runtime onnxruntime');
  if (!onTfjs && values.kernel !== undefined) throw new UsageError('--kernel applies to --runtime tfjs');
  const kernel = values.kernel === undefined ? undefined : kernelChoice(values.kernel);
  const labels = values.labels?.split(',');
  return { runtime, device, kernel, dtype, threads, parallelism, fffDenseLevels, labels, truncation: !values['no-truncate'], topK };
}

async function runPipeline(command: 'fill-mask' | 'classify' | 'embed', values: Values, positionals: string[]): Promise<number> {
  if (positionals.length === 0) throw new UsageError('give at least one TEXT');
  if (values.pair !== undefined && positionals.length !== 1) throw new UsageError('--pair takes exactly one TEXT');
  const { topK, ...options } = pipelineOptions(command, values);
  const model = await modelDir(values);
  // One TEXT is passed as a string, several as an array: the JSON has the library's shape for the same call.
  const texts = positionals.length === 1 ? positionals[0] : positionals;
  if (command === 'fill-mask') {
    const fill = await pipeline('fill-mask', model, options);
    console.error(`ufbert: running on ${ranOn(fill)}`);
    try {
      const results = await fill(texts, { top_k: topK ?? undefined });
      if (values.json) console.log(JSON.stringify(results, null, 2));
      else printFillMask(positionals, typeof texts === 'string' ? [results as FillMaskResult] : (results as FillMaskResult[]));
    } finally {
      await fill.dispose();
    }
  } else if (command === 'classify') {
    const classify = await pipeline('text-classification', model, options);
    console.error(`ufbert: running on ${ranOn(classify)}`);
    try {
      const input = values.pair !== undefined ? { text: positionals[0], text_pair: values.pair } : texts;
      const results = await classify(input, { top_k: topK === undefined ? 1 : topK });
      if (values.json) console.log(JSON.stringify(results, null, 2));
      else printClassification(values.pair !== undefined ? [`${positionals[0]} || ${values.pair}`] : positionals, results, topK === 1 || topK === undefined);
    } finally {
      await classify.dispose();
    }
  } else {
    const embed = await pipeline('feature-extraction', model, options);
    console.error(`ufbert: running on ${ranOn(embed)}`);
    try {
      // No pooling default here: the pipeline's (transformers.js's `none`) applies, so the CLI and the library agree.
      const pooling = values.pooling as Pooling | undefined;
      const tensor = await embed(positionals, { ...(pooling && { pooling }), normalize: values.normalize ?? false });
      console.log(JSON.stringify(tensor.tolist()));
    } finally {
      await embed.dispose();
    }
  }
  return 0;
}

/** What ran, for stderr: the runtime's own description, with the dtype where it does not say it (tfjs, which runs fp32). */
function ranOn(pipe: Pick<TextPipeline<never[], unknown>, 'model' | 'dtype'>): string {
  const said = (pipe.model as { dtype?: Dtype }).dtype !== undefined;
  return said ? pipe.model.description : `${pipe.model.description}, dtype ${pipe.dtype}`;
}

function printFillMask(texts: readonly string[], results: readonly FillMaskResult[]): void {
  results.forEach((result, i) => {
    console.log(texts[i]);
    const perMask = (Array.isArray(result[0]) ? result : [result]) as FillMaskCandidate[][];
    perMask.forEach((candidates, m) => {
      if (perMask.length > 1) console.log(`  mask ${m + 1}:`);
      for (const c of candidates) console.log(`  ${c.score.toFixed(4)}  ${c.token_str.padEnd(16)} ${c.sequence}`);
    });
  });
}

/** With top_k 1 the library returns one best label per input; otherwise one list per input (a bare list for one input). */
function printClassification(texts: readonly string[], results: LabelScore[] | LabelScore[][], bestOnly: boolean): void {
  const perInput: LabelScore[][] = bestOnly
    ? (results as LabelScore[]).map((r) => [r])
    : texts.length === 1
      ? [results as LabelScore[]]
      : (results as LabelScore[][]);
  perInput.forEach((scores, i) => {
    console.log(texts[i]);
    for (const s of scores) console.log(`  ${s.score.toFixed(4)}  ${s.label}`);
  });
}

// --debug may stand anywhere; it only changes how a failure is printed.
const debug = process.argv.includes('--debug');
main(process.argv.slice(2).filter((arg) => arg !== '--debug')).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(formatUsageError('ufbert', error));
      process.exit(error.exitCode);
    }
    // An expected failure is one line; anything else, or --debug, shows where it came from.
    if (error instanceof UfbertError && !debug) console.error(`ufbert: ${error.name}: ${error.message}`);
    else console.error(error);
    process.exit(1);
  },
);
