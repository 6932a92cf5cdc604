import { join, resolve } from 'node:path';
import { DEVICES, UfbertError, setBackend, describeBackend, type Device } from '@ufbert/tensor';
import { loadTokenizer } from '@ufbert/crammed-bert/node';
import {
  GLUE_TASKS,
  GlueError,
  formatReportJson,
  formatReportMarkdown,
  getTask,
  type FineTuneRecipe,
  type GlueExample,
  type GlueTaskName,
  type TaskDefinition,
} from '@ufbert/glue';
import { fineTune, readTaskSplit } from '@ufbert/glue/node';
import {
  ensureWritableFolder,
  folderEntries,
  formatHelp,
  LOCK_FILE,
  moveFolderContentsAside,
  OutputLock,
  parseChoiceFlag,
  parseCommandLine,
  parseListFlag,
  parseNumberFlag,
  pathKind,
  UsageProblems,
  writeFileAtomic,
  type CommandSpec,
} from '@ufbert/tensor/node';
import { OutputDirectoryError } from '@ufbert/training';
import { PreflightError } from './run.js';

export const GLUE_COMMAND = {
  usage: 'pnpm --filter trainer start -- glue --model DIR --data DIR [options]',
  summary: `Fine-tunes a pretrained checkpoint on GLUE tasks in the official layout (CoLA/train.tsv,
MNLI/dev_matched.tsv, ...) with the GLUE_sane recipe and writes a report like the paper's.`,
  options: {
    model: { type: 'string', value: 'DIR', help: 'pretrained folder: model.safetensors, model_config.json, tokenizer.json' },
    data: { type: 'string', value: 'DIR', help: 'GLUE root folder (packages/glue/scripts/fetch-glue.mjs downloads one)' },
    tasks: { type: 'string', value: 'A,B', help: 'tasks to run, each once (default: every task whose folder exists under --data)' },
    name: { type: 'string', value: 'NAME', help: "the model's row name in the report (default: the model folder's name)" },
    out: { type: 'string', value: 'DIR', help: 'where report.md and report.json go (default ./runs/glue)' },
    overwrite: { type: 'boolean', help: 'replace the reports of an earlier run in --out (moved to DIR.replaced-<time>)' },
    backend: { type: 'string', value: 'B', help: 'cpu, wasm, webgpu or auto (default wasm)' },
    epochs: { type: 'string', value: 'N', help: 'recipe override: fine-tuning epochs' },
    lr: { type: 'string', value: 'X', help: 'recipe override: peak learning rate' },
    batch: { type: 'string', value: 'N', help: 'recipe override: batch size' },
    'max-length': { type: 'string', value: 'N', help: 'recipe override: sequence length' },
  },
} as const satisfies CommandSpec;

export const GLUE_USAGE = formatHelp(GLUE_COMMAND);

/** The command line of `glue`, every flag checked and every mistake listed at once, before the output folder is touched. */
function parseGlueCommand(argv: string[]): (GlueRun & { overwrite: boolean }) | 'help' {
  const { values, help } = parseCommandLine(GLUE_COMMAND, argv);
  if (help) return 'help';
  const problems = new UsageProblems(GLUE_USAGE);
  if (!values.model) problems.add('--model is required');
  else if (pathKind(join(values.model, 'model.safetensors')) === 'missing') problems.add(`--model ${values.model} holds no model.safetensors`);
  if (!values.data) problems.add('--data is required');
  else if (pathKind(values.data) === 'missing') problems.add(`--data ${values.data} does not exist`);
  const backend =
    values.backend === undefined ? 'wasm' : problems.check(() => parseChoiceFlag<Device | 'auto'>('backend', values.backend!, [...DEVICES, 'auto']));
  const numeric = (flag: 'epochs' | 'lr' | 'batch' | 'max-length', integer: boolean) => {
    const raw = values[flag];
    return raw === undefined ? undefined : problems.check(() => parseNumberFlag(flag, raw, integer ? { integer, min: 1 } : { positive: true }));
  };
  const recipe: Partial<FineTuneRecipe> = {
    ...(values.epochs !== undefined && { epochs: numeric('epochs', true) }),
    ...(values.lr !== undefined && { lr: numeric('lr', false) }),
    ...(values.batch !== undefined && { batchSize: numeric('batch', true) }),
    ...(values['max-length'] !== undefined && { maxLength: numeric('max-length', true) }),
  };
  const known = Object.keys(GLUE_TASKS) as GlueTaskName[];
  const data = values.data;
  const tasks = values.tasks
    ? (problems.check(() => parseListFlag('tasks', values.tasks!, known)) ?? [])
    : data
      ? known.filter((t) => pathKind(join(data, GLUE_TASKS[t].directory)) !== 'missing')
      : [];
  if (data && pathKind(data) !== 'missing' && !values.tasks && !tasks.length) problems.add(`no GLUE task folder under ${data}`);
  problems.throwIfAny();
  return {
    data: data!,
    name: values.name,
    tasks,
    modelDir: resolve(values.model!),
    outDir: resolve(values.out ?? 'runs/glue'),
    backend: backend ?? 'wasm',
    recipe,
    overwrite: values.overwrite === true,
  };
}

export async function runGlueCommand(argv: string[], print: (line: string) => void): Promise<void> {
  const parsed = parseGlueCommand(argv);
  if (parsed === 'help') {
    print(GLUE_USAGE);
    return;
  }
  const { overwrite, ...run } = parsed;
  const { outDir } = run;
  await ensureWritableFolder(outDir, { what: 'output folder', fail: (message) => new OutputDirectoryError(message) });
  const lock = OutputLock.acquire(outDir, { print });
  try {
    // An earlier run's reports are never silently replaced: refuse, or with --overwrite move them aside.
    const earlier = folderEntries(outDir, [LOCK_FILE]);
    if (earlier.length && !overwrite) {
      throw new PreflightError(
        `cannot start: ${outDir} holds an earlier run (${earlier.join(', ')}); pass --overwrite to move it to ${outDir}.replaced-<time>, or choose another --out`,
      );
    }
    if (earlier.length) print(`moved the earlier run to ${await moveFolderContentsAside(outDir, [LOCK_FILE])}`);
    await fineTuneTasks(run, print);
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
  backend: Device | 'auto';
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
  if (problems.length)
    throw new GlueError(`cannot start, the task files hold ${problems.length} problem${problems.length > 1 ? 's' : ''}:\n  - ${problems.join('\n  - ')}`);
  return read;
}

async function fineTuneTasks(values: GlueRun, print: (line: string) => void): Promise<void> {
  const { modelDir, outDir, backend, recipe } = values;
  const tasks = await readTasks(values.data, values.tasks);
  await setBackend(backend);
  print(`backend: ${describeBackend()}`);
  const tokenizer = await loadTokenizer(modelDir);
  const scores: Record<string, number> = {};
  const failed: string[] = [];
  for (const { task, train, eval: evalSplits } of tasks) {
    print(
      `${task.name}: ${train.length} train, ${Object.entries(evalSplits)
        .map(([s, e]) => `${e.length} ${s}`)
        .join(', ')}`,
    );
    try {
      const result = await fineTune({
        modelDir,
        tokenizer,
        task,
        train,
        eval: evalSplits,
        recipe,
        onEpoch: (epoch, evaluation) =>
          print(
            `  epoch ${epoch + 1}: ${Object.entries(evaluation.metrics)
              .map(([k, v]) => `${k} ${(100 * v).toFixed(1)}`)
              .join(', ')}`,
          ),
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
