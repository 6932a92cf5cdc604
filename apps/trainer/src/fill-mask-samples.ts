import { pipeline, type FillMaskCandidate } from '@ufbert/pipelines';
import type { FillMaskSample } from './run-report.js';

/** Sentences of the kind the embedded corpus holds (addresses, a novel, general prose); no digits, so every number on the page is a measured one. */
export const SAMPLE_TEXTS: readonly string[] = [
  'the president of the united [MASK] spoke to the congress.',
  'call me ishmael. some years ago i went to [MASK].',
  'the old man walked slowly down the [MASK].',
  'we must work together for the good of the [MASK].',
];

/** The top `topK` fills of each text by each pretrained model (tfjs, on the backend the run trains on). */
export async function fillMaskSamples(
  models: ReadonlyArray<{ name: string; dir: string }>,
  texts: readonly string[] = SAMPLE_TEXTS,
  topK = 3,
): Promise<FillMaskSample[]> {
  const samples: FillMaskSample[] = texts.map((text) => ({ text, candidates: {} }));
  for (const { name, dir } of models) {
    const fill = await pipeline('fill-mask', dir, { runtime: 'tfjs' });
    try {
      const results = (await fill([...texts], { top_k: topK })) as FillMaskCandidate[][];
      results.forEach((candidates, i) => {
        samples[i].candidates[name] = candidates.map((c) => ({ token: c.token_str, score: c.score }));
      });
    } finally {
      await fill.dispose();
    }
  }
  return samples;
}
