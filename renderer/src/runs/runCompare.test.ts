import { describe, expect, it } from 'vitest';
import type { RunDetail } from '../../../shared/api/runs';
import { differingSettings, formatDuration, overlayAccuracyFigure, overlayLossFigure, runLabels } from './runCompare';

const detail = (id: string, name: string, batches: [number, number, number][], epochs: [number, number, number?][]) =>
  ({
    run: {
      format: 'spikewright.run',
      version: 1,
      id,
      ref: id,
      name,
      status: 'done',
      source: 'app',
      startedAt: '2026-12-02T00:00:00Z',
      host: 'h',
      pid: 1,
      engine: 'fast',
      threads: 1,
      seed: 0,
      settings: {},
      batchesPerEpoch: 2,
    },
    batches: batches.map(([epoch, batch, loss]) => ({ epoch, batch, loss, acc: 0, ms: 1 })),
    epochs: epochs.map(([epoch, trainAcc, valAcc]) => ({
      epoch,
      trainLoss: 1,
      trainAcc,
      ...(valAcc !== undefined ? { valAcc } : {}),
    })),
    confusion: null,
    settings: {},
    hasWeights: true,
  }) as RunDetail;

describe('runs compared', () => {
  it('says durations in the units a person reads', () => {
    expect(formatDuration(42.4)).toBe('42 s');
    expect(formatDuration(185)).toBe('3 min 05 s');
    expect(formatDuration(3720)).toBe('1 h 02 min');
    expect(formatDuration(undefined)).toBe('—');
  });

  it('overlays the loss of runs of different lengths on one batch axis, gaps where a run has no batch', () => {
    const a = detail(
      'a',
      'lr 1e-3',
      [
        [1, 1, 2],
        [1, 2, 1.5],
        [2, 1, 1.2],
        [2, 2, 1],
      ],
      [],
    );
    const b = detail(
      'b',
      'lr 5e-3',
      [
        [1, 1, 2.2],
        [1, 2, 1.1],
      ],
      [],
    );
    const fig = overlayLossFigure([a, b], ['red', 'blue']);
    expect(fig?.kind).toBe('lines');
    if (fig?.kind !== 'lines') return;
    expect(Array.from(fig.x)).toEqual([1, 2, 3, 4]);
    expect(fig.series.map((s) => s.label)).toEqual(['lr 1e-3', 'lr 5e-3']);
    expect(Array.from(fig.series[1]?.values ?? [])).toEqual([2.2, 1.1, null, null]);
    expect(fig.series.map((s) => s.color)).toEqual(['red', 'blue']);
  });

  it('draws train accuracy solid and validation dashed per run, in percent', () => {
    const a = detail(
      'a',
      'x',
      [],
      [
        [1, 0.5, 0.4],
        [2, 0.75, 0.6],
      ],
    );
    const fig = overlayAccuracyFigure([a], ['red']);
    if (fig?.kind !== 'lines') throw new Error('no figure');
    expect(fig.series.map((s) => [s.label, !!s.dashed])).toEqual([
      ['x train', false],
      ['x validation', true],
    ]);
    expect(Array.from(fig.series[0]?.values ?? [])).toEqual([50, 75]);
    expect(fig.yLabel).toBe('Accuracy (%)');
  });

  it('lists exactly the settings that differ, a missing one included', () => {
    const rows = differingSettings([
      { 'train.learningRate': 0.001, 'hidden.size': 128, 'run.epochs': 2 },
      { 'train.learningRate': 0.005, 'hidden.size': 128 },
    ]);
    expect(rows).toEqual([
      { key: 'run.epochs', values: [2, undefined] },
      { key: 'train.learningRate', values: [0.001, 0.005] },
    ]);
    expect(differingSettings([{ a: 1 }])).toEqual([]);
  });

  it('tells runs with the same name apart by what differs, else by their ids', () => {
    expect(
      runLabels(
        [
          { name: 'randman', id: 'a' },
          { name: 'randman', id: 'b' },
        ],
        [{ key: 'train.learningRate', values: [0.01, 0.002] }],
      ),
    ).toEqual(['randman learningRate=0.01', 'randman learningRate=0.002']);
    expect(
      runLabels([
        { name: 'randman', id: '20261202-010101-aaaa' },
        { name: 'randman', id: '20261202-010202-bbbb' },
        { name: 'other', id: 'x' },
      ]),
    ).toEqual(['randman (010101-aaaa)', 'randman (010202-bbbb)', 'other']);
  });
});
