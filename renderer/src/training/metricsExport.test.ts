import { describe, expect, it } from 'vitest';
import { metricsCsv } from './metricsExport';
import { idleRun } from './trainingSlice';

describe('metrics export', () => {
  const run = {
    ...idleRun,
    batchesPerEpoch: 2,
    batchX: [1, 2, 3],
    batchLoss: [2.3, 2.1, 1.9],
    batchAcc: [0.1, 0.2, 0.3],
    epochX: [2],
    epochTrainLoss: [2.2],
    epochTrainAcc: [0.15],
    epochValLoss: [null],
    epochValAcc: [0.2],
  };

  it('writes one CSV row per batch and per epoch', () => {
    const lines = metricsCsv(run).trim().split('\n');
    expect(lines[0]).toBe('kind,epoch,batch,step,loss,accuracy,validation_loss,validation_accuracy');
    expect(lines[1]).toBe('batch,1,1,1,2.3,0.1,,');
    expect(lines[3]).toBe('batch,2,1,3,1.9,0.3,,');
    expect(lines[4]).toBe('epoch,1,,2,2.2,0.15,,0.2');
  });
});
