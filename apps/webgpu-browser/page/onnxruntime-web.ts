// The reference crammedBERT fixtures exported by @ufbert/onnx (UltraFastBERT with its
// conditional FFF) and run by onnxruntime-web in this page, on each execution provider.
import { OnnxWebEncoderSession } from '@ufbert/onnx/web';
import { readSafetensors, relativeError, toFloat32 } from '@ufbert/tensor';
import { withinTolerance, type CheckResult } from './report.js';

const TOLERANCE = 1e-4;
/** Exported by the test server from the fixture folders of the same names. */
export const ONNX_FIXTURES = ['crammed-fff-mlm', 'crammed-fff-cls'] as const;

async function bytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${response.statusText}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** Per fixture and provider list: hidden states (MLM) and logits against the reference. */
export async function runOnnxRuntimeWebChecks(base: string): Promise<CheckResult[]> {
  const checks: CheckResult[] = [];
  const providerLists: Array<readonly ('webgpu' | 'wasm')[]> = [['wasm'], ...('gpu' in navigator ? [['webgpu', 'wasm'] as const] : [])];
  for (const name of ONNX_FIXTURES) {
    const model = await bytes(`${base}${name}/model.onnx`);
    const io = (await readSafetensors(await bytes(`${base}${name}/io.safetensors`))).tensors;
    const ids = io.get('input_ids')!;
    const mask = io.get('attention_mask')!;
    for (const executionProviders of providerLists) {
      const session = await OnnxWebEncoderSession.create(model, { executionProviders, wasmPaths: `${base}ort/` });
      try {
        const out = await session.runTensors(ids.data as BigInt64Array, mask.data as BigInt64Array, ids.shape as [number, number]);
        const label = `onnxruntime-web [${executionProviders.join(', ')}] ${name}`;
        if (io.has('hidden_states'))
          checks.push(withinTolerance(`${label} hidden_states`, relativeError(out.hiddenStates, toFloat32(io.get('hidden_states')!)), TOLERANCE));
        checks.push(withinTolerance(`${label} logits`, relativeError(out.logits ?? [], toFloat32(io.get('logits')!)), TOLERANCE));
      } finally {
        await session.release();
      }
    }
  }
  return checks;
}
