// The app's runs are recorded from the training service's events.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRunHistory } from './appRuns';
import { listRuns, readRun } from './runStore';
import { smallRandmanDocument } from './testing';

describe('app run history', () => {
  it('records an app run from its events into the data folder, and a failed one with its message', () => {
    const stateDir = mkdtempSync(path.join(os.tmpdir(), 'spikewright-app-'));
    const history = createRunHistory(stateDir);
    const document = smallRandmanDocument();
    history.begin('r1', { document, engine: 'fast' });
    history.onEvent({
      type: 'started',
      runId: 'r1',
      backend: 'wasm',
      engine: 'fast',
      epochs: 1,
      batchesPerEpoch: 2,
      notes: [],
    });
    history.onEvent({
      type: 'batch',
      runId: 'r1',
      epoch: 1,
      batch: 1,
      batches: 2,
      loss: 1.1,
      acc: 0.3,
      ms: 5,
      samplesPerSecond: 1,
    });
    history.onEvent({ type: 'epoch', runId: 'r1', epoch: 1, trainLoss: 1.1, trainAcc: 0.3, seconds: 1 });
    history.onEvent({
      type: 'done',
      runId: 'r1',
      seconds: 2,
      stopped: false,
      backend: 'wasm',
      engine: 'fast',
      epochs: 1,
      testAcc: 0.5,
      document,
      confusion: [[1]],
    });
    history.begin('r2', { document, engine: 'fast' });
    history.onEvent({ type: 'failed', runId: 'r2', message: 'The training process was killed (SIGKILL).' });
    const folder = history.folderFor(null);
    expect(folder).toBe(path.join(stateDir, 'runs'));
    const runs = listRuns(folder);
    expect(runs.map((r) => r.status).sort()).toEqual(['done', 'failed']);
    const done = runs.find((r) => r.status === 'done');
    const detail = readRun(folder, done?.ref as string);
    expect(detail).toMatchObject({
      hasWeights: true,
      confusion: [[1]],
      run: { source: 'app', backend: 'wasm', final: { testAcc: 0.5 } },
    });
    expect(detail.batches).toEqual([{ epoch: 1, batch: 1, loss: 1.1, acc: 0.3, ms: 5 }]);
    expect(runs.find((r) => r.status === 'failed')?.error).toMatch(/killed/);
  });
});
