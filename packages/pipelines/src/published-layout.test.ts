import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTokenizer } from '@ufbert/crammed-bert/node';
import { setBackend } from '@ufbert/tensor';
import { pipeline } from './pipeline.js';
import { PipelineError } from './errors.js';
import type { FillMaskCandidate, FillMaskPipeline } from './tasks/fill-mask.js';
import { PUBLISHED_LAYOUT, PUBLISHED_LAYOUT_EXPECTED_IDS } from '../../../fixtures/index.js';

// The corpus Rust tokenizers was run on (accents, non-ASCII, backquotes, runs of spaces, punctuation, numbers, CJK, emoji).
const expected = JSON.parse(readFileSync(PUBLISHED_LAYOUT_EXPECTED_IDS, 'utf8')) as { singles: { text: string }[]; pairs: { text: [string, string] }[] };

let fill: FillMaskPipeline;
const work = mkdtempSync(join(tmpdir(), 'ufbert-published-layout-'));

beforeAll(async () => {
  await setBackend('cpu');
  // tfjs reads the folder as it is; onnxruntime would write its export beside the checkpoint, into the fixture.
  fill = await pipeline('fill-mask', PUBLISHED_LAYOUT, { runtime: 'tfjs', device: 'cpu' });
});

afterAll(async () => {
  await fill?.dispose();
  rmSync(work, { recursive: true, force: true });
});

describe('a model folder in the published UltraFastBERT layout', () => {
  it("gives transformers.js's ids for the same tokenizer.json and tokenizer_config.json", async () => {
    const hf = await import('@huggingface/transformers');
    hf.env.allowRemoteModels = false;
    hf.env.localModelPath = dirname(PUBLISHED_LAYOUT);
    const theirs = await hf.AutoTokenizer.from_pretrained(basename(PUBLISHED_LAYOUT));
    const ours = await loadTokenizer(PUBLISHED_LAYOUT);
    for (const { text } of expected.singles) expect(ours.encode(text).ids, JSON.stringify(text)).toEqual(theirs.encode(text));
    for (const { text } of expected.pairs) expect(ours.encode(text).ids, JSON.stringify(text)).toEqual(theirs.encode(text[0], { text_pair: text[1] }));
    expect(theirs.mask_token).toBe(ours.specialTokens.mask?.token);
  });

  it("fills the model's own mask token, <mask>", async () => {
    const candidates = (await fill('the capital of france is <mask>.', { top_k: 3 })) as FillMaskCandidate[];
    expect(candidates).toHaveLength(3);
    const special = new Set(['<pad>', '<s>', '</s>', '<unk>', '<cls>', '<sep>', '<mask>']);
    for (const candidate of candidates) {
      expect(special.has(candidate.token_str)).toBe(false);
      expect(candidate.sequence).toMatch(/^the capital of france is .+\.$/);
    }
    const two = (await fill('rome <mask> the <mask> of italy', { top_k: 2 })) as FillMaskCandidate[][];
    expect(two.map((perMask) => perMask.length)).toEqual([2, 2]);
  });

  it('gives the same candidates on onnxruntime, the default runtime (the folder copied: the export is cached beside it)', async () => {
    const copy = join(work, 'published-layout');
    cpSync(PUBLISHED_LAYOUT, copy, { recursive: true });
    const onnx = await pipeline('fill-mask', copy, { threads: 1 });
    try {
      const text = 'the capital of france is <mask>.';
      const [a, b] = [(await onnx(text, { top_k: 5 })) as FillMaskCandidate[], (await fill(text, { top_k: 5 })) as FillMaskCandidate[]];
      expect(a.map((c) => c.token)).toEqual(b.map((c) => c.token));
      a.forEach((c, i) => expect(c.score).toBeCloseTo(b[i].score, 4));
    } finally {
      await onnx.dispose();
    }
  });

  it("refuses [MASK], naming the model's mask token", async () => {
    await expect(fill('the capital of france is [MASK].')).rejects.toThrow(PipelineError);
    await expect(fill(['a <mask>', 'the capital of france is [MASK].'])).rejects.toThrow(
      '"the capital of france is [MASK]." writes the mask as [MASK], but this model\'s mask token is <mask>: write <mask>',
    );
  });
});
