import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { GlueError, GlueFormatError } from './errors.js';
import { GLUE_TASKS, parseTaskSplit, type GlueTaskName } from './index.js';
import { readTaskSplit } from './node.js';

const glueDir = fileURLToPath(new URL('../test-data/glue', import.meta.url));
const malformedDir = fileURLToPath(new URL('../test-data/glue-malformed', import.meta.url));

/** Examples per split in test-data/glue, and the number of known-bad rows skipped. */
const expectedCounts: Record<GlueTaskName, Record<string, number>> = {
  CoLA: { train: 6, dev: 4, test: 3 },
  'SST-2': { train: 5, dev: 3, test: 2 },
  MRPC: { train: 4, dev: 3, test: 2 },
  'STS-B': { train: 4, dev: 3, test: 2 },
  QQP: { train: 3, dev: 3, test: 2 },
  MNLI: { train: 4, dev_matched: 3, dev_mismatched: 3, test_matched: 1, test_mismatched: 2 },
  QNLI: { train: 3, dev: 2, test: 1 },
  RTE: { train: 3, dev: 2, test: 1 },
  WNLI: { train: 3, dev: 2, test: 1 },
};

describe('every GLUE reader on files in the official layout', () => {
  for (const [name, task] of Object.entries(GLUE_TASKS) as [GlueTaskName, (typeof GLUE_TASKS)[GlueTaskName]][]) {
    it(`has test data for every split of ${name}`, () => {
      expect(Object.keys(expectedCounts[name]).sort()).toEqual(Object.keys(task.splits).sort());
    });
    for (const split of Object.keys(task.splits)) {
      it(`reads ${name} ${split}`, async () => {
        const data = await readTaskSplit(glueDir, name, split);
        expect(data.source).toBe(join(glueDir, task.directory, task.splits[split].file));
        expect(data.examples).toHaveLength(expectedCounts[name][split]);
        const labeled = task.splits[split].layout.labelColumn !== undefined;
        for (const example of data.examples) {
          expect(example.textA.length).toBeGreaterThan(0);
          expect(example.textB === undefined).toBe(task.sentenceColumns.length === 1);
          expect(example.label === undefined).toBe(!labeled);
          if (labeled && task.kind === 'classification') expect(example.label).toBeLessThan(task.numLabels);
        }
      });
    }
  }
});

describe('what the readers return', () => {
  it('CoLA: no header, label in column 2, sentence in column 4, quotes kept as text', async () => {
    const { examples } = await readTaskSplit(glueDir, 'CoLA', 'train');
    expect(examples.map((e) => e.label)).toEqual([1, 0, 1, 0, 1, 0]);
    expect(examples[0]).toEqual({ id: '0', textA: 'The children were playing quietly in the garden.', label: 1 });
    expect(examples[2].textA).toBe('She said "I will come," but she never did.');
    expect(examples[4].textA).toBe('He called it a "masterpiece, and nobody argued.');
    const test = await readTaskSplit(glueDir, 'CoLA', 'test');
    expect(test.examples[2]).toEqual({ id: '2', textA: 'It is raining "cats" and dogs.' });
  });

  it('SST-2: header sentence/label; text exactly as in the file', async () => {
    const { examples } = await readTaskSplit(glueDir, 'SST-2', 'train');
    expect(examples[0]).toEqual({ id: '0', textA: 'a gentle , touching film about growing old ', label: 1 });
    expect(examples[1].textA).toBe('the director \'s " vision never quite arrives ');
    const test = await readTaskSplit(glueDir, 'SST-2', 'test');
    expect(test.examples[1]).toEqual({ id: '1', textA: 'tedious when it should be thrilling .' });
  });

  it('MRPC: byte-order mark before the header, Quality is the label', async () => {
    const { examples } = await readTaskSplit(glueDir, 'MRPC', 'train');
    expect(examples.map((e) => e.label)).toEqual([1, 0, 1, 0]);
    expect(examples[1].textA).toBe('The senator called the plan " a serious mistake " on Tuesday .');
    expect(examples[1].textB).toBe('The plan was approved by the committee on Tuesday after a long debate .');
    const test = await readTaskSplit(glueDir, 'MRPC', 'test');
    expect(test.examples[1]).toEqual({ id: '1', textA: 'Exports grew faster than expected in May .', textB: 'May imports fell short of forecasts .' });
  });

  it('STS-B: score from the last column as a number', async () => {
    const { examples } = await readTaskSplit(glueDir, 'STS-B', 'train');
    expect(examples.map((e) => e.label)).toEqual([4.2, 0, 3.8, 4.6]);
    expect(examples[3]).toEqual({
      id: '3',
      textA: 'I think "it depends" is the honest answer.',
      textB: 'The honest answer is that it depends.',
      label: 4.6,
    });
  });

  it('QQP: rows broken over lines or missing fields are skipped and counted', async () => {
    const data = await readTaskSplit(glueDir, 'QQP', 'train');
    expect(data.examples.map((e) => e.id)).toEqual(['402', '403', '406']);
    expect(data.examples.map((e) => e.label)).toEqual([1, 0, 1]);
    expect(data.skipped).toEqual([
      { line: 4, reason: 'expected 6 tab-separated fields (id, qid1, qid2, question1, question2, is_duplicate), got 5' },
      { line: 5, reason: 'expected 6 tab-separated fields (id, qid1, qid2, question1, question2, is_duplicate), got 2' },
      { line: 6, reason: 'expected 6 tab-separated fields (id, qid1, qid2, question1, question2, is_duplicate), got 4' },
    ]);
    expect((await readTaskSplit(glueDir, 'QQP', 'dev')).skipped).toEqual([]);
  });

  it('MNLI: sentence1, sentence2 and gold_label found by name in 12-column train and 16-column dev files', async () => {
    const train = await readTaskSplit(glueDir, 'MNLI', 'train');
    expect(train.examples.map((e) => e.label)).toEqual([0, 2, 1, 0]);
    expect(train.examples[2].textA).toBe('She closed the door and listened to the "quiet" house.');
    const matched = await readTaskSplit(glueDir, 'MNLI', 'dev_matched');
    expect(matched.examples[0]).toEqual({ id: '0', textA: 'The critics praised the new opera.', textB: 'Nobody liked the opera.', label: 2 });
    expect((await readTaskSplit(glueDir, 'MNLI', 'dev_mismatched')).examples.map((e) => e.label)).toEqual([0, 0, 2]);
    const test = await readTaskSplit(glueDir, 'MNLI', 'test_mismatched');
    expect(test.examples[1]).toEqual({ id: '1', textA: 'The call lasted two minutes.', textB: 'The call was long.' });
  });

  it('QNLI and RTE: text labels entailment / not_entailment; WNLI: 0 / 1', async () => {
    const qnli = await readTaskSplit(glueDir, 'QNLI', 'train');
    expect(qnli.examples.map((e) => e.label)).toEqual([0, 1, 0]);
    expect(qnli.examples[0].textA).toBe('When was the bridge completed?');
    expect((await readTaskSplit(glueDir, 'RTE', 'train')).examples.map((e) => e.label)).toEqual([0, 1, 1]);
    const wnli = await readTaskSplit(glueDir, 'WNLI', 'train');
    expect(wnli.examples.map((e) => e.label)).toEqual([1, 0, 1]);
    expect(GLUE_TASKS.WNLI.labels[wnli.examples[0].label as number]).toBe('entailment');
  });
});

describe('malformed files', () => {
  const cases: [GlueTaskName, string, string][] = [
    ['CoLA', 'train', 'CoLA/train.tsv:2: expected 4 tab-separated fields (source, label, original_mark, sentence), got 3'],
    ['CoLA', 'test', 'CoLA/test.tsv:1: expected a header row naming index, sentence; missing index, sentence in "0\\tThe header row is missing."'],
    ['SST-2', 'dev', 'SST-2/dev.tsv:3: expected label "0" or "1" in column label, got "2"'],
    [
      'MRPC',
      'train',
      'MRPC/train.tsv:1: expected a header row naming #1 String, #2 String, Quality; missing #2 String in "Quality\\t#1 ID\\t#2 ID\\t#1 String"',
    ],
    ['STS-B', 'dev', 'STS-B/dev.tsv:3: expected a score from 0 to 5 in column score, got "5.500"'],
    ['MNLI', 'dev_matched', 'MNLI/dev_matched.tsv:2: expected label "entailment" or "neutral" or "contradiction" in column gold_label, got "-"'],
    ['QNLI', 'dev', 'QNLI/dev.tsv:2: expected label "entailment" or "not_entailment" in column label, got "entailed"'],
    ['RTE', 'train', 'RTE/train.tsv:2: expected 4 tab-separated fields (index, sentence1, sentence2, label), got 5'],
    ['WNLI', 'dev', 'WNLI/dev.tsv:3: expected 4 tab-separated fields (index, sentence1, sentence2, label), got 1'],
  ];
  for (const [task, split, message] of cases) {
    it(`${task} ${split}: ${message.slice(message.indexOf(' ') + 1)}`, async () => {
      const error = await readTaskSplit(malformedDir, task, split).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GlueFormatError);
      expect((error as GlueFormatError).name).toBe('GlueFormatError');
      const [file, line, problem] = message.split(/:(\d+): /);
      expect(error).toMatchObject({ file: join(malformedDir, file), line: Number(line), problem });
      expect((error as GlueFormatError).message).toBe(`${join(malformedDir, file)}:${line}: ${problem}`);
    });
  }

  it('says where it looked for a missing file', async () => {
    await expect(readTaskSplit(malformedDir, 'QQP', 'dev')).rejects.toThrow(
      `expected the QQP dev file at ${join(malformedDir, 'QQP', 'dev.tsv')} (the official GLUE layout; scripts/fetch-glue.mjs makes it), found nothing there`,
    );
  });
});

describe('parseTaskSplit on text', () => {
  it('accepts CRLF line ends and a missing final newline', () => {
    const data = parseTaskSplit('RTE', 'dev', 'index\tsentence1\tsentence2\tlabel\r\n0\tA.\tB.\tentailment\r\n1\tC.\tD.\tnot_entailment');
    expect(data.examples).toEqual([
      { id: '0', textA: 'A.', textB: 'B.', label: 0 },
      { id: '1', textA: 'C.', textB: 'D.', label: 1 },
    ]);
    expect(data.source).toBe('RTE/dev.tsv');
  });

  it('names the source it is given in errors', () => {
    expect(() => parseTaskSplit('SST-2', 'train', 'sentence\tlabel\nfine\tyes\n', 'upload.tsv')).toThrow(
      'upload.tsv:2: expected label "0" or "1" in column label, got "yes"',
    );
  });

  it('rejects a file without its header row', () => {
    expect(() => parseTaskSplit('QQP', 'dev', '')).toThrow(
      'QQP/dev.tsv:1: expected a header row naming id, question1, question2, is_duplicate, got an empty file',
    );
  });

  it('reads a headerless CoLA file with no lines as no examples', () => {
    expect(parseTaskSplit('CoLA', 'dev', '').examples).toEqual([]);
  });

  it('rejects scores that are not plain numbers', () => {
    const header = 'index\tgenre\tfilename\tyear\told_index\tsource1\tsource2\tsentence1\tsentence2\tscore\n';
    expect(() => parseTaskSplit('STS-B', 'dev', `${header}0\tg\tf\ty\t0\tnone\tnone\tA.\tB.\t4.0x\n`)).toThrow(
      'STS-B/dev.tsv:2: expected a score from 0 to 5 in column score, got "4.0x"',
    );
  });

  it('says which tasks and splits exist', () => {
    expect(() => parseTaskSplit('SST' as GlueTaskName, 'dev', '')).toThrow(GlueError);
    expect(() => parseTaskSplit('MNLI', 'dev', '')).toThrow(
      'MNLI has no split "dev": expected one of train, dev_matched, dev_mismatched, test_matched, test_mismatched',
    );
  });
});

describe('readTaskSplit on special files', () => {
  it.skipIf(spawnSync('mkfifo', ['--version']).status !== 0)('rejects a FIFO at once instead of waiting on it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glue-fifo-'));
    mkdirSync(join(dir, 'RTE'));
    expect(spawnSync('mkfifo', [join(dir, 'RTE', 'train.tsv')]).status).toBe(0);
    await expect(readTaskSplit(dir, 'RTE', 'train')).rejects.toThrow(
      new GlueError(`${join(dir, 'RTE', 'train.tsv')}: is a FIFO, expected a regular RTE train TSV file`),
    );
  });
});
