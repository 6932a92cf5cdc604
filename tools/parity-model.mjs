// Whole-model parity against the reference PyTorch fixtures (crammed-{fff,ff}-{mlm,cls}),
// called by tools/parity.mjs. Runs the built @ufbert/crammed-bert (run pnpm build first).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

async function load(pkg, file = 'index.js') {
  const entry = join(root, 'packages', pkg, 'dist', file);
  if (!existsSync(entry)) throw new Error(`${entry} is missing; run pnpm build first`);
  return import(pathToFileURL(entry).href);
}

/**
 * For each crammed-* folder under `dir`: loads model.safetensors + model_config.json, runs
 * io.safetensors' inputs in eval mode and calls report(caseName, tensorName, relErr) for
 * hidden_states and logits (MLM) or logits (classification), relErr = max|ours-ref| / max|ref|.
 */
export async function runModelParity(dir, { backend, report }) {
  if (backend) {
    const tensor = await load('tensor');
    await tensor.setBackend(backend);
  }
  const crammedBert = await load('crammed-bert', 'node/index.js');
  await crammedBert.runModelParity(dir, { report });
}
