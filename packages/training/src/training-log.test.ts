import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTrainingLog, TrainingLog, type StepRecord } from './training-log.js';

const record = (step: number): StepRecord => ({
  kind: 'step',
  step,
  loss: 1 / step,
  learningRate: 1e-3,
  batchSize: 4,
  tokens: step * 10,
  gradNorm: 1,
  elapsed: step,
});

describe('TrainingLog', () => {
  it('writes one JSON line per record, readable at once', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'ufbert-log-')), 'log.jsonl');
    const log = await TrainingLog.create(path);
    log.append(record(1));
    log.append({ kind: 'validation', step: 1, loss: 2, sequences: 3, elapsed: 1 });
    expect(readFileSync(path, 'utf8').split('\n')).toHaveLength(3);
    expect(readTrainingLog(path)).toEqual([record(1), { kind: 'validation', step: 1, loss: 2, sequences: 3, elapsed: 1 }]);
    log.close();
  });

  it("continues after a resume without the killed run's later records or its torn last line", async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'ufbert-log-')), 'log.jsonl');
    const log = await TrainingLog.create(path);
    for (let step = 1; step <= 6; step++) log.append(record(step));
    log.close();
    appendFileSync(path, '{"kind":"step","step":7,"lo');
    const continued = await TrainingLog.continueFrom(path, 4);
    expect(readTrainingLog(path).map((r) => r.step)).toEqual([1, 2, 3, 4]);
    continued.append(record(5));
    continued.close();
    expect(readTrainingLog(path).map((r) => r.step)).toEqual([1, 2, 3, 4, 5]);
  });
});
