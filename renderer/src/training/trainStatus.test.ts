import { describe, expect, it } from 'vitest';
import { idleRun, type TrainingRun } from './trainingSlice';
import { engineWords, frameWords, secondsLeft, statusText } from './trainStatus';

const running = (over: Partial<TrainingRun>): TrainingRun => ({
  ...idleRun,
  status: 'running',
  epochs: 10,
  batchesPerEpoch: 10,
  ...over,
});

describe('training status', () => {
  it('gives no estimate until five batches and five seconds of training are behind it', () => {
    const start = 1_000_000;
    const run = running({ firstBatchAt: start, batchX: [1, 2, 3], epoch: 1, batch: 3 });
    expect(secondsLeft(run, start + 60_000)).toBeNull();
    const later = running({ firstBatchAt: start, batchX: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], epoch: 2, batch: 1 });
    expect(secondsLeft(later, start + 2_000)).toBeNull();
    // 10 batches in 10 s after the first: 89 to go at 1 s each (compile time excluded).
    expect(secondsLeft(later, start + 10_000)).toBeCloseTo(89, 5);
  });

  it('names the phases', () => {
    expect(statusText({ ...idleRun, status: 'starting' }, 0)).toMatch(/Preparing the data/);
    expect(statusText(running({ epochs: 2, batchesPerEpoch: 3 }), 0)).toMatch(/Compiling/);
    expect(statusText(running({ pending: 'pausing', batchX: [1], epoch: 1, batch: 1 }), 0)).toMatch(/^Pausing/);
    const end = running({ epochs: 1, batchesPerEpoch: 2, batchX: [1, 2], epochX: [2], epoch: 1, batch: 2 });
    expect(statusText(end, 0)).toMatch(/Evaluating/);
  });

  it('says where it runs and how often the live plots update, in words', () => {
    expect(engineWords({ ...idleRun, backend: 'wasm', engine: 'reference' })).toBe(
      'CPU, reference engine, WebAssembly',
    );
    expect(frameWords({ ...idleRun, activityFrames: 10, dropped: 20 })).toBe(
      'Live plots show every 3rd batch to keep up',
    );
    expect(frameWords({ ...idleRun, activityFrames: 10, dropped: 0 })).toBeNull();
  });
});
