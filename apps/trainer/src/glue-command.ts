import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BACKENDS, UfbertError, excerpt, setBackend, describeBackend, type BackendChoice } from '@ufbert/tensor';
import { TextTokenizer } from '@ufbert/crammed-bert';
import { GLUE_TASKS, GlueError, formatReportJson, formatReportMarkdown, getTask, type FineTuneRecipe, type GlueExample, type GlueTaskName, type TaskDefinition } from '@ufbert/glue';
import { fineTune, readTaskSplit } from '@ufbert/glue/node';
import { ensureWritableFolder, folderEntries, LOCK_FILE, moveFolderContentsAside, OutputLock, pathKind, writeFileAtomic } from '@ufbert/tensor/node';
import { OutputDirectoryError } from '@ufbert/training';
import { PreflightError } from './run.js';
import { UsageError } from './options.js';

export const GLUE_USAGE = `Usage: pnpm --filter trainer start -- glue --model DIR --data DIR [options]

Fine-tunes a pretrained checkpoint on GLUE tasks in the official layout (CoLA/train.tsv,
MNLI/dev_matched.tsv, ...) with the GLUE_sane recipe and writes a report like the paper's.

  --model DIR          pretrained folder: model.safetensors, model_config.json, tokenizer.json
  --data DIR           GLUE root folder (packages/glue/scripts/fetch-glue.mjs downloads one)
  --tasks A,B          tasks to run (default: every task whose folder exists under --data)
  --name NAME          the model's row name in the report (default: the model folder's name)
  --out DIR            where report.md and report.json go (default ./runs/glue)
  --overwrite          replace the reports of an earlier run in --out (moved to DIR.replaced-<time>)
  --backend B          cpu, wasm, webgpu or auto (default wasm)
  --epochs N --lr X --batch N --max-length N   recipe overrides`;

export async function runGlueCommand(argv: string[], print: (line: string) => void): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        model: { type: 'string' },
        data: { type: 'string' },
        tasks: { type: 'string' },
        name: { type: 'string' },
        out: { type: 'string' },
        backend: { type: 'string' },
        epochs: { type: 'string' },
        lr: { type: 'string' },
        batch: { type: 'string' },
        'max-length': { type: 'string' },
        overwrite: { type: 'boolean' },
        help: { type: 'boolean' },
      },
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${GLUE_USAGE}`);
  }
  if (values.help) {
    print(GLUE_USAGE);
    return;
  }
  const problems: string[] = [];
  if (!values.model) problems.push('--model is required');
  else if (pathKind(join(values.model, 'model.safetensors')) === 'missing') problems.push(`--model ${values.model} holds no model.safetensors`);
  if (!values.data) problems.push('--data is required');
  else if (pathKind(values.data) === 'missing') problems.push(`--data ${values.data} does not exist`);
  const backend = (values.backend ?? 'wasm') as BackendChoice;
  if (![...BACKENDS, 'auto'].includes(backend)) problems.push(`--backend must be one of ${[...BACKENDS, 'auto'].join(', ')}, got '${excerpt(backend)}'`);
  const numeric = (flag: string, raw: string | undefined, integer: boolean) => {
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!(n > 0) || (integer && !Number.isInteger(n))) problems.push(`--${flag} must be a positive ${integer ? 'integer' : 'number'}, got '${raw}'`);
    return n;
  };
  const recipe = {
    ...(values.epochs !== undefined && { epochs: numeric('epochs', values.epochs, true) }),
    ...(values.lr !== undefined && { lr: numeric('lr', values.lr, false) }),
    ...(values.batch !== undefined && { batchSize: numeric('batch', values.batch, true) }),
    ...(values['max-length'] !== undefined && { maxLength: numeric('max-length', values['max-length'], true) }),
  };
  const known = Object.keys(GLUE_TASKS) as GlueTaskName[];
  const tasks = values.tasks
    ? (values.tasks.split(',').filter(Boolean) as GlueTaskName[])
    : values.data
      ? known.filter((t) => pathKind(join(values.data!, GLUE_TASKS[t].directory)) !== 'missing')
      : [];
  for (const t of tasks) if (!known.includes(t)) problems.push(`unknown GLUE task '${excerpt(t)}'; expected ${known.join(', ')}`);
  if (values.data && pathKind(values.data) !== 'missing' && !tasks.length) problems.push(`no GLUE task folder under ${values.data}`);
  if (problems.length) throw new UsageError(`${problems.join('\n')}\n\n${GLUE_USAGE}`);

  const modelDir = resolve(values.model!);
  const outDir = resolve(values.out ?? 'runs/glue');
  await ensureWritableFolder(outDir, { what: 'output folder', fail: (message) => new OutputDirectoryError(message) });
  const lock = OutputLock.acquire(outDir, { print });
  try {
    // An earlier run's reports are never silently replaced: refuse, or with --overwrite move them aside.
    const earlier = folderEntries(outDir, [LOCK_FILE]);
    if (earlier.length && !values.overwrite) {
      throw new PreflightError(`cannot start: ${outDir} holds an earlier run (${earlier.join(', ')}); pass --overwrite to move it to ${outDir}.replaced-<time>, or choose another --out`);
    }
    if (earlier.length) print(`moved the earlier run to ${await moveFolderContentsAside(outDir, [LOCK_FILE])}`);
    await fineTuneTasks({ data: values.data!, name: values.name, tasks, modelDir, outDir, backend, recipe }, print);
  } finally {
    lock.release();
  }
}

interface GlueRun {
  data: string;
  name?: string;
  tasks: GlueTaskName[];
  modelDir: string;
  outDir: string;
  backend: BackendChoice;
  recipe: Partial<FineTuneRecipe>;
}

interface TaskData {
  task: TaskDefinition;
  train: GlueExample[];
  eval: Record<string, GlueExample[]>;
}

/**
 * Every split of every task, read and checked before any training, so a malformed file in
 * the last task fails the run before the first task's minutes are spent; every task's
 * problem is listed at once.
 */
async function readTasks(dataDir: string, tasks: readonly GlueTaskName[]): Promise<TaskData[]> {
  const read: TaskData[] = [];
  const problems: string[] = [];
  for (const name of tasks) {
    const task = getTask(name);
    try {
      const train = (await readTaskSplit(dataDir, task, 'train')).examples;
      const evalSplits: Record<string, GlueExample[]> = {};
      for (const split of new Set(task.metrics.map((m) => m.split))) evalSplits[split] = (await readTaskSplit(dataDir, task, split)).examples;
      read.push({ task, train, eval: evalSplits });
    } catch (error) {
      if (!(error instanceof UfbertError)) throw error;
      problems.push(`${task.name}: ${error.message}`);
    }
  }
  if (problems.length) throw new GlueError(`cannot start, the task files hold ${problems.length} problem${problems.length > 1 ? 's' : ''}:\n  - ${problems.join('\n  - ')}`);
  return read;
}

async function fineTuneTasks(values: GlueRun, print: (line: string) => void): Promise<void> {
  const { modelDir, outDir, backend, recipe } = values;
  const tasks = await readTasks(values.data, values.tasks);
  await setBackend(backend);
  print(`backend: ${describeBackend()}`);
  const tokenizer = await TextTokenizer.load(modelDir);
  const scores: Record<string, number> = {};
  const failed: string[] = [];
  for (const { task, train, eval: evalSplits } of tasks) {
    print(`${task.name}: ${train.length} train, ${Object.entries(evalSplits).map(([s, e]) => `${e.length} ${s}`).join(', ')}`);
    try {
      const result = await fineTune({
        modelDir,
        tokenizer,
        task,
        train,
        eval: evalSplits,
        recipe,
        onEpoch: (epoch, evaluation) =>
          print(`  epoch ${epoch + 1}: ${Object.entries(evaluation.metrics).map(([k, v]) => `${k} ${(100 * v).toFixed(1)}`).join(', ')}`),
      });
      result.model.dispose();
      scores[task.name] = result.evaluation.score;
      print(`  ${task.name}: score ${(100 * result.evaluation.score).toFixed(1)} (majority baseline ${(100 * result.baseline.score).toFixed(1)})`);
    } catch (error) {
      // One task's failure costs that task only: the others' results still reach the report.
      if (!(error instanceof UfbertError)) throw error;
      failed.push(`${task.name}: ${error.message}`);
      print(`  ${task.name}: failed: ${error.message}`);
    }
  }
  const rows = [{ model: values.name ?? modelDir.split('/').pop()!, scores }];
  const markdown = formatReportMarkdown(rows);
  await writeFileAtomic(join(outDir, 'report.md'), `${markdown}\n`);
  await writeFileAtomic(join(outDir, 'report.json'), `${formatReportJson(rows)}\n`);
  print(`\n${markdown}\n\nwritten: ${join(outDir, 'report.md')}, ${join(outDir, 'report.json')}`);
  if (failed.length) throw new GlueError(`${failed.length} of ${tasks.length} tasks failed (the report holds the others):\n  - ${failed.join('\n  - ')}`);
}
