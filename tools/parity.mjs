#!/usr/bin/env node
// pnpm parity [dir] [--backend cpu|wasm|webgpu] [--runtime tfjs|onnxruntime]
// Runs every case found in a fixture directory written by the reference PyTorch code
// (fff.safetensors + fff.json; crammed-* model folders; fixtures/reference unless dir or
// UFBERT_FIXTURES names another) and prints, per tensor, the max absolute error divided
// by max |reference|, PASS/FAIL at 1e-4. With --runtime onnxruntime the crammed-* models
// are exported to ONNX (conditional FFF) and run in onnxruntime-node, at graph
// optimisation 'all' and 'disabled'. Exit 1 on any FAIL or when the directory cannot be
// read; exit 2 on a usage error.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FIXTURES } from '../fixtures/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const TOLERANCE = 1e-4;
const RUNTIMES = ['tfjs', 'onnxruntime'];
const USAGE = 'usage: pnpm parity [dir] [--backend cpu|wasm|webgpu] [--runtime tfjs|onnxruntime]';

class UsageError extends Error {}

function parseArgs(argv) {
  const args = { dir: FIXTURES, backend: 'cpu', runtime: 'tfjs' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--backend') args.backend = argv[++i];
    else if (a.startsWith('--backend=')) args.backend = a.slice('--backend='.length);
    else if (a === '--runtime') args.runtime = argv[++i];
    else if (a.startsWith('--runtime=')) args.runtime = a.slice('--runtime='.length);
    else if (a === '--') continue;
    else if (a.startsWith('-')) throw new UsageError(`unknown flag ${a}`);
    else args.dir = resolve(process.cwd(), a);
  }
  if (!RUNTIMES.includes(args.runtime)) throw new UsageError(`--runtime must be one of ${RUNTIMES.join(', ')}, got '${args.runtime}'`);
  return args;
}

async function load(pkg, file = 'index.js') {
  const entry = join(root, 'packages', pkg, 'dist', file);
  if (!existsSync(entry)) throw new Error(`${entry} is missing; run pnpm build first`);
  return import(pathToFileURL(entry).href);
}

async function main() {
  const { dir, backend, runtime } = parseArgs(process.argv.slice(2));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    console.error(`parity: cannot read fixture directory ${dir}`);
    return 1;
  }
  let entries;
  try {
    entries = readdirSync(dir);
  } catch (err) {
    console.error(`parity: cannot read fixture directory ${dir}: ${err.message}`);
    return 1;
  }
  const tensor = await load('tensor');
  await tensor.setBackend(backend);
  const where = runtime === 'onnxruntime' ? 'onnxruntime-node (models) and ' : '';
  console.log(`parity: ${dir} on ${where}${tensor.describeBackend()}, tolerance ${TOLERANCE} of max |reference|`);

  let failures = 0;
  let checked = 0;
  const report = (caseName, tensorName, relErr) => {
    checked++;
    const ok = Number.isFinite(relErr) && relErr <= TOLERANCE;
    if (!ok) failures++;
    console.log(`${ok ? 'PASS' : 'FAIL'} ${caseName} ${tensorName} ${relErr.toExponential(3)}`);
  };

  if (entries.includes('fff.json') && entries.includes('fff.safetensors')) {
    const { runFFFParity } = await load('fff', 'parity.js');
    await runFFFParity(dir, { report });
  }
  const modelDirs = entries.filter((e) => e.startsWith('crammed-') && statSync(join(dir, e)).isDirectory());
  if (modelDirs.length && runtime === 'onnxruntime') {
    const { runOnnxModelParity } = await load('onnx', 'node/index.js');
    for (const graphOptimization of ['all', 'disabled']) {
      await runOnnxModelParity(dir, {
        graphOptimization,
        report: (caseName, tensorName, relErr) => report(`${caseName} [onnxruntime, optimisation ${graphOptimization}]`, tensorName, relErr),
      });
    }
  } else if (modelDirs.length) {
    const modelParity = join(root, 'tools', 'parity-model.mjs');
    if (!existsSync(modelParity)) {
      console.error(`parity: ${modelDirs.length} model folders found but tools/parity-model.mjs is missing`);
      return 1;
    }
    const { runModelParity } = await import(pathToFileURL(modelParity).href);
    await runModelParity(dir, { backend, report });
  }
  if (checked === 0) {
    console.error(`parity: no cases found in ${dir} (expected fff.json + fff.safetensors or crammed-* folders)`);
    return 1;
  }
  console.log(`parity: ${checked - failures}/${checked} tensors within ${TOLERANCE}`);
  return failures ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    if (err instanceof UsageError) {
      console.error(`parity: ${err.message}\n${USAGE}`);
      process.exit(2);
    }
    console.error(`parity: ${err.stack ?? err}`);
    process.exit(1);
  },
);
