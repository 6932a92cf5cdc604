import { readSafetensorsFile, writeSafetensorsFile } from '@ufbert/tensor/node';
import { type AdamW, STEP_KEY } from './adamw.js';

/** Writes an optimiser's state as safetensors (atomically), the step in the metadata. */
export async function saveOptimizerState(optimizer: AdamW, path: string): Promise<void> {
  const { step, tensors } = await optimizer.state();
  await writeSafetensorsFile(path, tensors, { format: 'ufbert-adamw', [STEP_KEY]: String(step) });
}

/** Restores an optimiser's state from a file saveOptimizerState wrote. */
export async function loadOptimizerState(optimizer: AdamW, path: string): Promise<void> {
  const { tensors, metadata } = await readSafetensorsFile(path);
  optimizer.setState({ step: Number(metadata[STEP_KEY]), tensors }, path);
}
