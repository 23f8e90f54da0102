import { describe, expect, it } from 'vitest';
import { lightColors, lossFigure, spread } from './runFigures';
import { idleRun, runOfSaved, savedRunOf, type TrainingRun } from './trainingSlice';
import { engineWords, frameWords, savedRunText, secondsLeft, statusText } from './trainStatus';

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

  it('a refused start says why, not that a run failed; a later start clears it', () => {
    const reason = 'A training run is already in progress; stop it first.';
    const refused = { ...idleRun, refused: reason };
    expect(statusText(refused, 0)).toBe(`Training did not start: ${reason}`);
    // Refused after a finished run: the finished run's figures stay, the sentence says why.
    const afterDone = { ...idleRun, status: 'done' as const, result: { seconds: 3 }, refused: reason };
    expect(statusText(afterDone, 0)).toMatch(/^Training did not start: A training run is already in progress/);
    expect(statusText(afterDone, 0)).not.toMatch(/failed/);
    // While a run of this window goes on, its own progress is what the bar says.
    expect(statusText(running({ refused: reason, batchX: [1], epoch: 1, batch: 1 }), 0)).toMatch(/^Training epoch/);
  });
});

describe('a run saved with the document', () => {
  const ended = (over: Partial<TrainingRun>): TrainingRun => ({
    ...idleRun,
    status: 'done',
    engine: 'fast',
    backend: 'wasm',
    epochs: 2,
    batchesPerEpoch: 3,
    batchX: [1, 2, 3, 4, 5, 6],
    batchLoss: [2, 1.8, 1.5, 1.2, 1.1, 1],
    batchAcc: [0.1, 0.2, 0.3, 0.5, 0.6, 0.7],
    epochX: [3, 6],
    epochTrainLoss: [1.7, 1.1],
    epochValLoss: [1.8, 1.2],
    epochTrainAcc: [0.2, 0.6],
    epochValAcc: [0.25, 0.55],
    normX: [3, 6],
    norms: { c1: { weight: [1, 1.5], grad: [null, 0.2] } },
    result: {
      seconds: 81,
      testAcc: 0.912,
      confusion: [
        [5, 1],
        [2, 4],
      ],
    },
    ...over,
  });

  it('is drawn as the run was: the same curves, epochs at their batches, the confusion matrix', () => {
    const run = ended({});
    const view = runOfSaved(savedRunOf(run, new Date('2026-12-02T00:00:00Z')), 'fast');
    expect(view.status).toBe('idle');
    for (const key of [
      'batchX',
      'batchLoss',
      'batchAcc',
      'epochX',
      'epochTrainLoss',
      'epochValAcc',
      'normX',
      'norms',
    ] as const)
      expect(view[key], key).toEqual(run[key]);
    expect(view.result).toEqual(run.result);
    expect(lossFigure(view, lightColors)).toEqual(lossFigure(run, lightColors));
  });

  it('says it is the saved run, when it ended, how and how well', () => {
    const saved = savedRunOf(ended({ status: 'stopped' }), new Date('2026-12-02T00:41:00Z'));
    const text = savedRunText(saved);
    expect(text).toMatch(/^Saved run \(/);
    expect(text).toMatch(/2 of 2 epochs completed, stopped after 1 min 21 s, test accuracy 91\.2%\.$/);
  });

  it('puts each epoch on the first batch point at or after its end when the batch curve is decimated', () => {
    expect(spread([4, 8, 12], [6, 12], [0.5, 0.7])).toEqual([null, 0.5, 0.7]);
    expect(spread([1, 2, 3], [3], [0.9])).toEqual([null, null, 0.9]);
  });
});
