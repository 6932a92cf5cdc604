#!/usr/bin/env node
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { FILE_LIMITS, readJson } from '@ufbert/tensor/node';
import { DEVICES, UfbertError, type Device } from '@ufbert/tensor';
import { parseKernelChoice, type KernelChoice } from '@ufbert/crammed-bert';
import { DTYPES, type Dtype, type GraphHead, type Parallelism } from '@ufbert/onnx';
import { exportOnnxFromCheckpoint, exportTransformersJsFolder } from '@ufbert/onnx/node';

const PARALLELISMS: readonly Parallelism[] = ['intra-op', 'sequences'];
import { RUNTIMES, isDeviceOption, type Runtime } from './device.js';
import { modelFolder } from './hub/model-name.js';
import type { ProgressCallback } from './progress.js';
import { pipeline, type PipelineOptions } from './pipeline.js';
import { fffRoutes } from './routes.js';
import { POOLINGS, type Pooling } from './tasks/feature-extraction.js';
import type { FillMaskCandidate, FillMaskResult } from './tasks/fill-mask.js';
import type { LabelScore } from './tasks/text-classification.js';
import type { TextPipeline } from './text-pipeline.js';

const USAGE = `usage:
  ufbert fill-mask --model MODEL [--top-k N] [--json] [--no-truncate] [RUNTIME] TEXT...
  ufbert classify  --model MODEL [--pair TEXT] [--top-k N|all] [--labels A,B,...] [--json] [--no-truncate] [RUNTIME] TEXT...
  ufbert embed     --model MODEL [--pooling none|mean|cls|first_token|eos|last_token] [--normalize] [--no-truncate] [RUNTIME] TEXT...
  ufbert export    --format onnx --model MODEL --out FILE.onnx|DIR [--dtype fp32|q8] [--fff-dense-levels N] [--head all|selected|none] [--overwrite]
  ufbert routes    --model MODEL [--json] [--device D] TEXT
  ufbert --version

MODEL is a folder holding model.safetensors, model_config.json (or config.json) and tokenizer.json,
a hub id owner/name (pbelcak/UltraFastBERT-1x11-long) at --revision REV (branch, tag or commit;
default main), or an http(s) URL serving the same files. Ids and URLs are downloaded once into
--cache-dir (default: Python's hub cache, HF_HUB_CACHE or HF_HOME/hub or ~/.cache/huggingface/hub);
HF_ENDPOINT names the hub, HF_TOKEN its token, HF_HUB_OFFLINE=1 uses the cache only. Write the
model's mask token ([MASK], or <mask> for the published UltraFastBERT) where fill-mask should predict. classify names labels from the config's id2label; --labels
overrides them. --json (fill-mask, classify) and embed print the library's results as JSON.
A TEXT longer than the model's window is cut to it, as transformers.js's pipelines do; with
--no-truncate it is an error instead. embed pools as feature-extraction does: by default not at
all (every token's vector, as transformers.js); --pooling mean gives one vector per TEXT.
--debug prints the stack of an error.
RUNTIME: --runtime onnxruntime (default: the model exported once, with its FFF layers
conditional, cached beside it in onnx-cache/) [--dtype fp32|q8] [--threads N]
[--parallelism intra-op|sequences] [--fff-dense-levels N], or
--runtime tfjs [--device D] [--kernel K] [--threads N] with D cpu, wasm, webgpu or auto, and K the
FFF blocks' kernel as BACKEND[/LEVEL[/DTYPE]] (ts, wasm, webgpu; 1, 2, fused; default: the device's
own, fastest level: --device cpu runs the TypeScript kernels). --threads: the runtime's own threads
(onnxruntime's intra-op threads; tfjs, the wasm kernel's). The runtime, dtype and kernel used are printed on stderr.
--dtype: the weights' precision, fp32 (default) or q8 (int8 weights, activations quantized per
call: onnxruntime's dynamic quantization, transformers.js's q8); tfjs runs fp32 only.
export: --out FILE.onnx (any case) writes one ONNX file in --dtype; any other --out is a folder in transformers.js's layout
(onnx/model.onnx, onnx/model_quantized.onnx, config.json, tokenizer.json, tokenizer_config.json), written as a unit;
an existing folder of another kind (a classifier, a checkpoint) is refused unless --overwrite, which moves it aside.`;

class UsageError extends Error {}

const COMMANDS = ['fill-mask', 'classify', 'embed', 'export', 'routes'];
const HEADS: readonly GraphHead[] = ['all', 'selected', 'none'];

async function version(): Promise<string> {
  const manifest = (await readJson(fileURLToPath(new URL('../package.json', import.meta.url)), { what: 'package.json', maxBytes: FILE_LIMITS.json })) as { version: string };
  return manifest.version;
}

function positiveInteger(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = /^[0-9]+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive integer, got '${value.slice(0, 40)}'`);
  return n;
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

/** Flags that belong to the inference commands, not to export (and the reverse). */
const INFERENCE_FLAGS = ['runtime', 'threads', 'parallelism', 'device', 'kernel', 'top-k', 'pair', 'labels', 'pooling', 'normalize', 'json', 'truncate', 'no-truncate'] as const;
const EXPORT_FLAGS = ['format', 'out', 'head', 'overwrite'] as const;

/** --dtype: fp32 or q8, a usage error listing them for anything else (`toString` included: a list, not an object lookup). */
function dtypeFlag(value: string | undefined): Dtype | undefined {
  if (value === undefined) return undefined;
  if (!(DTYPES as readonly string[]).includes(value)) throw new UsageError(`--dtype must be one of ${DTYPES.join(', ')}, got '${value.slice(0, 40)}'`);
  return value as Dtype;
}

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
  if (!COMMANDS.includes(command)) throw new UsageError(`unknown command '${command}'`);
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      model: { type: 'string' },
      runtime: { type: 'string' },
      threads: { type: 'string' },
      parallelism: { type: 'string' },
      device: { type: 'string' },
      kernel: { type: 'string' },
      normalize: { type: 'boolean' },
      'cache-dir': { type: 'string' },
      revision: { type: 'string' },
      'top-k': { type: 'string' },
      pair: { type: 'string' },
      labels: { type: 'string' },
      pooling: { type: 'string' },
      json: { type: 'boolean' },
      format: { type: 'string' },
      out: { type: 'string' },
      head: { type: 'string' },
      'fff-dense-levels': { type: 'string' },
      dtype: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
      truncate: { type: 'boolean' },
      overwrite: { type: 'boolean' },
      'no-truncate': { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!values.model) throw new UsageError('--model DIR, --model owner/name or --model URL is required');
  const model = values.model;
  // Every command reads its model through one resolver (a folder as it is, a hub id or URL from the cache or downloaded into it),
  // called once the flags are checked, so a usage error never waits for a download.
  const modelDir = () => modelFolder(model, { revision: values.revision, cache_dir: values['cache-dir'], progress_callback: downloadProgress() });

  const given = (flags: readonly string[]) => flags.filter((flag) => values[flag as keyof typeof values] !== undefined).map((flag) => `--${flag}`);
  if (command === 'routes') {
    const extra = given([...INFERENCE_FLAGS, ...EXPORT_FLAGS, 'dtype'].filter((flag) => flag !== 'json' && flag !== 'device'));
    if (extra.length) throw new UsageError(`routes does not take ${extra.join(', ')}`);
    if (positionals.length !== 1) throw new UsageError(`routes takes exactly one TEXT, got ${positionals.length}`);
    const device = values.device;
    if (device !== undefined && !isDeviceOption(device)) throw new UsageError(`--device must be one of ${DEVICES.join(', ')}, auto, got '${device}'`);
    const tokens = await fffRoutes(await modelDir(), positionals[0], { device });
    if (values.json) console.log(JSON.stringify(tokens, null, 2));
    else
      for (const { token, layers } of tokens) {
        console.log(token);
        layers.forEach((trees, layer) =>
          trees.forEach((route, tree) =>
            console.log(`  layer ${layer} tree ${tree}  ${route.path || '-'}  nodes ${route.nodes.join(' ')}  logits ${route.logits.map((l) => l.toFixed(3)).join(' ')}`),
          ),
        );
      }
    return 0;
  }

  if (command === 'export') {
    if (given(INFERENCE_FLAGS).length) throw new UsageError(`export does not take ${given(INFERENCE_FLAGS).join(', ')}`);
    if (values.format !== 'onnx') throw new UsageError(`--format onnx is required (the one export format), got '${values.format ?? ''}'`);
    if (!values.out) throw new UsageError('--out FILE.onnx or --out DIR is required');
    if (positionals.length) throw new UsageError(`export takes no TEXT, got '${positionals[0]}'`);
    const head = values.head as GraphHead | undefined;
    if (head !== undefined && !HEADS.includes(head)) throw new UsageError(`--head must be one of ${HEADS.join(', ')}, got '${head}'`);
    const fffDenseLevels = positiveInteger('--fff-dense-levels', values['fff-dense-levels']);
    const dtype = dtypeFlag(values.dtype);
    if (/\.onnx$/i.test(values.out)) {
      if (values.overwrite !== undefined) throw new UsageError('--overwrite applies to --out DIR (a folder of another kind is moved aside); --out FILE.onnx replaces the file');
      const result = await exportOnnxFromCheckpoint(await modelDir(), values.out, { head, fffDenseLevels, dtype });
      console.log(`ufbert: wrote ${result.path} (${dtype ?? 'fp32'}, ${(result.bytes / 2 ** 20).toFixed(1)} MiB)`);
    } else {
      if (head !== undefined) throw new UsageError('--head applies to --out FILE.onnx; the transformers.js layout always has every position\'s logits');
      if (dtype !== undefined) throw new UsageError('--dtype applies to --out FILE.onnx; the transformers.js layout holds both (onnx/model.onnx fp32, onnx/model_quantized.onnx q8)');
      const result = await exportTransformersJsFolder(await modelDir(), values.out, { fffDenseLevels, overwrite: values.overwrite });
      console.log(`ufbert: wrote ${values.out} in transformers.js's layout (${result.path}, ${(result.bytes / 2 ** 20).toFixed(1)} MiB)`);
    }
    return 0;
  }

  if (given(EXPORT_FLAGS).length) throw new UsageError(`${command} does not take ${given(EXPORT_FLAGS).join(', ')}`);
  if (positionals.length === 0) throw new UsageError('give at least one TEXT');
  const topK = values['top-k'] === 'all' && command === 'classify' ? null : positiveInteger('--top-k', values['top-k']);
  const threads = positiveInteger('--threads', values.threads);
  const fffDenseLevels = positiveInteger('--fff-dense-levels', values['fff-dense-levels']);
  const dtype = dtypeFlag(values.dtype);
  // No default here: the pipeline's (transformers.js's `none`) applies, so the CLI and the library agree.
  const pooling = values.pooling as Pooling | undefined;
  if (pooling !== undefined && !POOLINGS.includes(pooling)) throw new UsageError(`--pooling must be one of ${POOLINGS.join(', ')}, got '${pooling}'`);
  if (values.truncate && values['no-truncate']) throw new UsageError('--truncate (the default) and --no-truncate contradict each other');
  const runtime = values.runtime as Runtime | undefined;
  if (runtime !== undefined && !RUNTIMES.includes(runtime)) throw new UsageError(`--runtime must be one of ${RUNTIMES.join(', ')}, got '${runtime}'`);
  const device = values.device as Device | 'auto' | undefined;
  if (device !== undefined && !isDeviceOption(device)) throw new UsageError(`--device must be one of ${DEVICES.join(', ')}, auto, got '${device}'`);
  const onTfjs = runtime === 'tfjs' || device === 'wasm' || device === 'webgpu';
  const parallelism = values.parallelism as Parallelism | undefined;
  if (parallelism !== undefined && !PARALLELISMS.includes(parallelism)) throw new UsageError(`--parallelism must be one of ${PARALLELISMS.join(', ')}, got '${parallelism}'`);
  if (onTfjs && parallelism !== undefined) throw new UsageError('--parallelism applies to --runtime onnxruntime');
  if (onTfjs && fffDenseLevels !== undefined) throw new UsageError('--fff-dense-levels applies to --runtime onnxruntime');
  if (!onTfjs && values.kernel !== undefined) throw new UsageError('--kernel applies to --runtime tfjs');
  const kernel = values.kernel === undefined ? undefined : kernelChoice(values.kernel);
  if (command !== 'classify' && (values.pair !== undefined || values.labels !== undefined)) throw new UsageError('--pair and --labels apply to classify');
  if (command !== 'embed' && (values.pooling !== undefined || values.normalize)) throw new UsageError('--pooling and --normalize apply to embed');
  if (command === 'embed' && topK !== undefined) throw new UsageError('--top-k applies to fill-mask and classify');
  if (values.pair !== undefined && positionals.length !== 1) throw new UsageError('--pair takes exactly one TEXT');

  const options: PipelineOptions = { runtime, device, kernel, dtype, threads, parallelism, fffDenseLevels, labels: values.labels?.split(','), truncation: !values['no-truncate'] };
  // One TEXT is passed as a string, several as an array: the JSON has the library's shape for the same call.
  const texts = positionals.length === 1 ? positionals[0] : positionals;
  if (command === 'fill-mask') {
    const fill = await pipeline('fill-mask', await modelDir(), options);
    console.error(`ufbert: running on ${ranOn(fill)}`);
    try {
      const results = await fill(texts, { top_k: topK ?? undefined });
      if (values.json) console.log(JSON.stringify(results, null, 2));
      else printFillMask(positionals, typeof texts === 'string' ? [results as FillMaskResult] : (results as FillMaskResult[]));
    } finally {
      await fill.dispose();
    }
  } else if (command === 'classify') {
    const classify = await pipeline('text-classification', await modelDir(), options);
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
    const embed = await pipeline('feature-extraction', await modelDir(), options);
    console.error(`ufbert: running on ${ranOn(embed)}`);
    try {
      const tensor = await embed(positionals, { ...(pooling && { pooling }), normalize: values.normalize ?? false });
      console.log(JSON.stringify(tensor.tolist()));
    } finally {
      await embed.dispose();
    }
  }
  return 0;
}

/** A line on stderr per file actually downloaded (a cached model says nothing), with the storage host a hub redirect led to. */
function downloadProgress(): ProgressCallback {
  return (event) => {
    if (event.status === 'download') console.error(`ufbert: downloading ${event.file} of ${event.name}${event.host ? ` from ${event.host}` : ''}`);
  };
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
  const perInput: LabelScore[][] = bestOnly ? (results as LabelScore[]).map((r) => [r]) : texts.length === 1 ? [results as LabelScore[]] : (results as LabelScore[][]);
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
