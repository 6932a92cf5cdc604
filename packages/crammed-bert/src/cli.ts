#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { BACKENDS, UfbertError, excerpt, type BackendChoice } from '@ufbert/tensor';
import { CrammedBertPipeline, type Pooling } from './pipeline.js';

const USAGE = `usage:
  ufbert fill-mask --model DIR [--top-k N] [--backend B] [--truncate] [--json] TEXT...
  ufbert classify  --model DIR [--pair TEXT] [--labels A,B,...] [--backend B] [--truncate] [--json] TEXT
  ufbert embed     --model DIR [--pooling mean|first] [--backend B] [--truncate] TEXT...

DIR holds model.safetensors, model_config.json and tokenizer.json.
B is cpu (default), wasm, webgpu or auto. Write [MASK] where fill-mask should predict.
A TEXT longer than the model's window is an error, unless --truncate cuts it to the window.
--help on any command prints this; --debug prints the stack of an error.
Exit status: 0 done, 1 the input or files were wrong, 2 usage.`;

const COMMANDS = ['fill-mask', 'classify', 'embed'];
const BACKEND_CHOICES: readonly string[] = [...BACKENDS, 'auto'];

class UsageError extends UfbertError {}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (!COMMANDS.includes(command)) throw new UsageError(`unknown command '${excerpt(command)}'`);
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h', default: false },
      model: { type: 'string' },
      backend: { type: 'string', default: 'cpu' },
      'top-k': { type: 'string', default: '5' },
      pair: { type: 'string' },
      labels: { type: 'string' },
      pooling: { type: 'string', default: 'mean' },
      json: { type: 'boolean', default: false },
      truncate: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!values.model) throw new UsageError('--model DIR is required');
  if (!BACKEND_CHOICES.includes(values.backend)) throw new UsageError(`--backend must be one of ${BACKEND_CHOICES.join(', ')}, got '${excerpt(values.backend)}'`);
  if (positionals.length === 0) throw new UsageError('give at least one TEXT');
  const topK = Number(values['top-k']);
  if (!Number.isSafeInteger(topK) || topK < 1) throw new UsageError(`--top-k must be a positive integer, got '${excerpt(values['top-k'])}'`);
  if (values.pooling !== 'mean' && values.pooling !== 'first') throw new UsageError(`--pooling must be mean or first, got '${excerpt(values.pooling)}'`);

  const pipeline = await CrammedBertPipeline.load(values.model, {
    backend: values.backend as BackendChoice,
    labels: values.labels?.split(','),
    overflow: values.truncate ? 'truncate' : 'reject',
  });
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
    pipeline.dispose();
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
