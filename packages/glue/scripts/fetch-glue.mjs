#!/usr/bin/env node
// Downloads the GLUE data into the official layout (CoLA/train.tsv, MNLI/dev_matched.tsv, ...), as the GLUE
// benchmark's download script does, for readers with internet access. Nothing in @ufbert/glue runs this;
// its tests use the small files in test-data/.
//
//   node scripts/fetch-glue.mjs [--dir glue_data] [--tasks CoLA,MRPC,...] [--from folder-with-the-downloads]
//
// --from reads the same file names (CoLA.zip, msr_paraphrase_train.txt, ...) from a folder instead of the
// network, for machines where the files were fetched by other means.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize } from 'node:path';
import { parseArgs } from 'node:util';
import { inflateRawSync } from 'node:zlib';

const GLUE_DATA = 'https://dl.fbaipublicfiles.com/glue/data';
const SENTEVAL_DATA = 'https://dl.fbaipublicfiles.com/senteval/senteval_data';

// Task -> the archive the GLUE script fetches, and the files it must leave behind.
const ARCHIVES = {
  CoLA: { archive: 'CoLA.zip', files: ['train.tsv', 'dev.tsv', 'test.tsv'] },
  'SST-2': { archive: 'SST-2.zip', files: ['train.tsv', 'dev.tsv', 'test.tsv'] },
  QQP: { archive: 'QQP-clean.zip', files: ['train.tsv', 'dev.tsv', 'test.tsv'] },
  'STS-B': { archive: 'STS-B.zip', files: ['train.tsv', 'dev.tsv', 'test.tsv'] },
  MNLI: {
    archive: 'MNLI.zip',
    files: ['train.tsv', 'dev_matched.tsv', 'dev_mismatched.tsv', 'test_matched.tsv', 'test_mismatched.tsv'],
  },
  QNLI: { archive: 'QNLIv2.zip', files: ['train.tsv', 'dev.tsv', 'test.tsv'] },
  RTE: { archive: 'RTE.zip', files: ['train.tsv', 'dev.tsv', 'test.tsv'] },
  WNLI: { archive: 'WNLI.zip', files: ['train.tsv', 'dev.tsv', 'test.tsv'] },
};
const TASKS = ['CoLA', 'SST-2', 'MRPC', 'STS-B', 'QQP', 'MNLI', 'QNLI', 'RTE', 'WNLI'];

const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: 'glue_data' },
    tasks: { type: 'string', default: TASKS.join(',') },
    from: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log('usage: node scripts/fetch-glue.mjs [--dir glue_data] [--tasks CoLA,MRPC,...] [--from folder]');
  process.exit(0);
}
const tasks = values.tasks
  .split(',')
  .map((task) => task.trim())
  .filter((task) => task !== '');
const unknown = tasks.filter((task) => !TASKS.includes(task));
if (unknown.length > 0) {
  console.error(`fetch-glue: unknown task ${unknown.join(', ')}: expected some of ${TASKS.join(', ')}`);
  process.exit(2);
}

async function obtain(url) {
  const name = url.slice(url.lastIndexOf('/') + 1);
  if (values.from !== undefined) return readFile(join(values.from, name));
  console.log(`  downloading ${url}`);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`expected 200 from ${url}, got ${response.status} ${response.statusText}`);
  return Buffer.from(await response.arrayBuffer());
}

// A zip archive's files by name: the central directory read from the end, each entry stored or deflated.
function unzip(archive, archiveName) {
  const endOfDirectory = archive.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (endOfDirectory === -1) throw new Error(`${archiveName}: expected a zip archive, found no end-of-directory record`);
  const entryCount = archive.readUInt16LE(endOfDirectory + 10);
  let offset = archive.readUInt32LE(endOfDirectory + 16);
  const files = new Map();
  for (let i = 0; i < entryCount; i++) {
    if (archive.readUInt32LE(offset) !== 0x02014b50) throw new Error(`${archiveName}: expected a directory entry at byte ${offset}`);
    const method = archive.readUInt16LE(offset + 10);
    const compressedSize = archive.readUInt32LE(offset + 20);
    const nameLength = archive.readUInt16LE(offset + 28);
    const extraLength = archive.readUInt16LE(offset + 30);
    const commentLength = archive.readUInt16LE(offset + 32);
    const localHeader = archive.readUInt32LE(offset + 42);
    const name = archive.toString('utf8', offset + 46, offset + 46 + nameLength);
    offset += 46 + nameLength + extraLength + commentLength;
    if (name.endsWith('/') || name.startsWith('__MACOSX/')) continue;
    if (compressedSize === 0xffffffff || localHeader === 0xffffffff) throw new Error(`${archiveName}: ${name} needs ZIP64, which this script does not read`);
    const dataStart = localHeader + 30 + archive.readUInt16LE(localHeader + 26) + archive.readUInt16LE(localHeader + 28);
    const data = archive.subarray(dataStart, dataStart + compressedSize);
    if (method === 0) files.set(name, data);
    else if (method === 8) files.set(name, inflateRawSync(data));
    else throw new Error(`${archiveName}: ${name} uses compression method ${method}; expected 0 (stored) or 8 (deflate)`);
  }
  return files;
}

async function fetchArchiveTask(task) {
  const { archive, files } = ARCHIVES[task];
  const entries = unzip(await obtain(`${GLUE_DATA}/${archive}`), archive);
  for (const [name, data] of entries) {
    const path = normalize(name);
    // An entry naming a path outside the target folder would write anywhere; none of GLUE's do.
    if (isAbsolute(path) || path.split(/[\\/]/).includes('..')) throw new Error(`${archive}: refusing entry ${name} outside the data folder`);
    await mkdir(dirname(join(values.dir, path)), { recursive: true });
    await writeFile(join(values.dir, path), data);
  }
  const missing = files.filter((file) => !entries.has(`${task}/${file}`));
  if (missing.length > 0) throw new Error(`${archive}: expected ${missing.map((file) => `${task}/${file}`).join(', ')} in the archive`);
}

// MRPC comes from Microsoft's release; GLUE's script splits its train file into train and dev by a list of
// dev pair ids, keeps the original header (and byte-order mark) on both, and renumbers the test file.
async function fetchMrpc() {
  const train = (await obtain(`${SENTEVAL_DATA}/msr_paraphrase_train.txt`)).toString('utf8');
  const test = (await obtain(`${SENTEVAL_DATA}/msr_paraphrase_test.txt`)).toString('utf8');
  const devIds = new Set(
    (await obtain(`${GLUE_DATA}/mrpc_dev_ids.tsv`))
      .toString('utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== ''),
  );
  const rows = (text) =>
    text
      .split('\n')
      .slice(1)
      .map((line) => line.trim())
      .filter((line) => line !== '')
      .map((line) => line.split('\t'));
  const header = `${train.slice(0, train.indexOf('\n')).replace(/\r$/, '')}\n`;
  const trainLines = [];
  const devLines = [];
  for (const row of rows(train)) {
    if (row.length !== 5) throw new Error(`msr_paraphrase_train.txt: expected 5 tab-separated fields, got ${row.length} in ${row.join('\t')}`);
    (devIds.has(`${row[1]}\t${row[2]}`) ? devLines : trainLines).push(`${row.join('\t')}\n`);
  }
  const testLines = rows(test).map((row, index) => {
    if (row.length !== 5) throw new Error(`msr_paraphrase_test.txt: expected 5 tab-separated fields, got ${row.length} in ${row.join('\t')}`);
    return `${index}\t${row.slice(1).join('\t')}\n`;
  });
  const directory = join(values.dir, 'MRPC');
  await mkdir(directory, { recursive: true });
  await writeFile(join(directory, 'train.tsv'), header + trainLines.join(''));
  await writeFile(join(directory, 'dev.tsv'), header + devLines.join(''));
  await writeFile(join(directory, 'test.tsv'), `index\t#1 ID\t#2 ID\t#1 String\t#2 String\n${testLines.join('')}`);
}

await mkdir(values.dir, { recursive: true });
for (const task of tasks) {
  console.log(`${task} -> ${join(values.dir, task)}`);
  try {
    if (task === 'MRPC') await fetchMrpc();
    else await fetchArchiveTask(task);
  } catch (error) {
    await rm(join(values.dir, task), { recursive: true, force: true });
    console.error(`fetch-glue: ${task} failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
