import { describe, expect, it } from 'vitest';
import { niceTicks, renderTrainingChart } from './chart.js';
import type { TrainingLogRecord } from './training-log.js';

describe('niceTicks', () => {
  it('picks round steps', () => {
    expect(niceTicks(0, 1000)).toEqual([0, 200, 400, 600, 800, 1000]);
    expect(niceTicks(2.13, 7.9)).toEqual([3, 4, 5, 6, 7]);
    expect(niceTicks(0, 0.001)).toEqual([0, 0.0002, 0.0004, 0.0006, 0.0008, 0.001]);
  });
});

describe('renderTrainingChart', () => {
  const records: TrainingLogRecord[] = [
    ...Array.from({ length: 50 }, (_, i) => ({
      kind: 'step' as const,
      step: i + 1,
      loss: 7 - i * 0.05,
      learningRate: (1e-3 * (i + 1)) / 50,
      batchSize: 8,
      tokens: (i + 1) * 100,
      gradNorm: 1,
      elapsed: i,
    })),
    { kind: 'validation', step: 25, loss: 6, sequences: 4, elapsed: 25 },
    { kind: 'validation', step: 50, loss: 5, sequences: 4, elapsed: 50 },
  ];

  it('draws loss, validation loss, the baseline and the learning rate as plain SVG', () => {
    const svg = renderTrainingChart(records, { title: 'tiny <run> & co', baseline: { value: 6.5, label: 'unigram baseline 6.500' } });
    expect(svg.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('tiny &lt;run&gt; &amp; co');
    expect(svg.match(/<polyline /g)).toHaveLength(3);
    expect(svg.match(/<circle /g)).toHaveLength(2);
    expect(svg).toContain('unigram baseline 6.500');
    expect(svg).not.toMatch(/NaN|Infinity|<script|href=/);
    const opened = (svg.match(/<g>/g) ?? []).length;
    expect((svg.match(/<\/g>/g) ?? []).length).toBe(opened);
  });

  it('renders an empty log without failing', () => {
    const svg = renderTrainingChart([]);
    expect(svg).toContain('</svg>');
    expect(svg).not.toMatch(/NaN/);
  });
});
