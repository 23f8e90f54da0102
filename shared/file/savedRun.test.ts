import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  compactRun,
  decimateBatches,
  MAX_BATCH_POINTS,
  MAX_NORM_CONNECTIONS,
  MAX_NORM_POINTS,
  MAX_SAVED_RUN_BYTES,
  type RunRecord,
} from './savedRun';
import { loadSnnFile, serializeSnnFile } from './snnFile';

const example = readFileSync(new URL('../../examples/randman.snn.json', import.meta.url), 'utf8');
const legacy = readFileSync(new URL('./fixtures/spikeforge-0.1-randman.snn.json', import.meta.url), 'utf8');

function record(batches: number, epochs: number, connections: string[], normSnapshots: number): RunRecord {
  const per = Math.ceil(batches / epochs);
  const batchX = Array.from({ length: batches }, (_, i) => i + 1);
  const epochX = Array.from({ length: epochs }, (_, i) => (i + 1) * per);
  const wave = (i: number) => 2 / (1 + i / 50) + 0.123456789 * Math.sin(i);
  const normX = Array.from({ length: normSnapshots }, (_, i) => (i + 1) * 7);
  return {
    outcome: 'finished',
    finishedAt: new Date('2026-12-02T01:23:45.678Z'),
    seconds: 81.23456,
    epochs,
    batchesPerEpoch: per,
    engine: 'fast',
    backend: 'wasm',
    batchX,
    batchLoss: batchX.map(wave),
    batchAcc: batchX.map((i) => Math.min(1, i / batches + 0.0001234567)),
    epochX,
    epochTrainLoss: epochX.map(wave),
    epochValLoss: epochX.map((x, i) => (i === 0 ? null : wave(x) * 1.1)),
    epochTrainAcc: epochX.map((x) => x / batches),
    epochValAcc: epochX.map((x) => x / batches - 0.01),
    normX,
    norms: Object.fromEntries(
      connections.map((id, c) => [
        id,
        { weight: normX.map((x) => 3.2 + c + x / 1000), grad: normX.map((x, i) => (i === 0 ? null : 1 / x)) },
      ]),
    ),
    testAccuracy: 0.98765432,
    trainAccuracy: 0.99123456,
    confusion: [
      [40, 2],
      [1, 37],
    ],
  };
}

function withLastRun(text: string, run: RunRecord): string {
  const loaded = loadSnnFile(text);
  if (!loaded.ok) throw new Error(loaded.error);
  loaded.file.metadata.lastRun = compactRun(run);
  return serializeSnnFile(loaded.file);
}

describe('the last run saved with the document', () => {
  it('round-trips through the file: curves, norms, accuracy and confusion come back as saved', () => {
    const run = record(120, 3, ['hidden-readout', 'input-hidden'], 12);
    const text = withLastRun(example, run);
    const reopened = loadSnnFile(text, 'randman.snn.json');
    if (!reopened.ok) throw new Error(reopened.error);
    expect(reopened.warnings).toEqual([]);
    const saved = reopened.file.metadata.lastRun;
    expect(saved).toEqual(compactRun(run));
    expect(saved?.finishedAt).toBe('2026-12-02T01:23:45.678Z');
    expect(saved?.batchCurves.every).toBe(1);
    expect(saved?.batchCurves.x).toEqual(run.batchX);
    expect(saved?.batchCurves.loss[5]).toBeCloseTo(run.batchLoss[5] as number, 4);
    expect(saved?.epochCurves.valLoss[0]).toBeNull();
    expect(saved?.epochCurves.trainAcc).toEqual(run.epochTrainAcc.map((v) => Number((v as number).toPrecision(5))));
    expect(saved?.norms?.connections['input-hidden']?.grad[0]).toBeNull();
    expect(saved?.testAccuracy).toBe(0.98765);
    expect(saved?.confusion).toEqual(run.confusion);
    // Saving what was loaded gives the same bytes.
    expect(serializeSnnFile(reopened.file)).toBe(text);
  });

  it('files without a saved run still load: the current examples and a Spikeforge 0.1 file', () => {
    for (const [name, text] of [
      ['randman.snn.json', example],
      ['spikeforge-0.1-randman.snn.json', legacy],
    ] as const) {
      const loaded = loadSnnFile(text, name);
      expect(loaded.ok, name).toBe(true);
      if (!loaded.ok) continue;
      expect(loaded.file.metadata.lastRun).toBeUndefined();
      expect(loaded.warnings).toEqual([]);
      expect(serializeSnnFile(loaded.file)).not.toContain('lastRun');
    }
  });

  it('a damaged saved run is left out with a sentence naming the field; the document still opens', () => {
    const text = withLastRun(example, record(30, 2, ['input-hidden'], 3));
    const doc = JSON.parse(text);
    doc.metadata.lastRun.batchCurves.loss.push(1);
    const loaded = loadSnnFile(JSON.stringify(doc), 'mine.snn.json');
    if (!loaded.ok) throw new Error(loaded.error);
    expect(loaded.file.metadata.lastRun).toBeUndefined();
    expect(loaded.file.graph.nodes.length).toBeGreaterThan(0);
    expect(loaded.warnings).toEqual([expect.stringMatching(/mine\.snn\.json.*metadata\.lastRun\.batchCurves\.loss/)]);

    doc.metadata.lastRun = 'curves';
    const odd = loadSnnFile(JSON.stringify(doc), 'mine.snn.json');
    expect(odd.ok && odd.file.metadata.lastRun === undefined && odd.warnings.length === 1).toBe(true);
  });

  it('a run longer than the bound keeps its per-batch curve as means of consecutive batches', () => {
    const x = Array.from({ length: 2500 }, (_, i) => i + 1);
    const loss = x.map((i) => (i % 3 === 0 ? 3 : 0));
    const acc = x.map(() => 0.5);
    const curves = decimateBatches(x, loss, acc);
    expect(curves.every).toBe(3);
    expect(curves.x.length).toBeLessThanOrEqual(MAX_BATCH_POINTS);
    expect(curves.x.slice(0, 3)).toEqual([3, 6, 9]);
    expect(curves.loss.slice(0, 3)).toEqual([1, 1, 1]);
    expect(curves.x.at(-1)).toBe(2500);
    // A non-finite loss (a diverged batch) is left out of its mean, not written as null.
    const diverged = decimateBatches([1, 2], [Number.NaN, 2], [0.5, 0.25]);
    expect(diverged).toEqual({ every: 1, x: [2], loss: [2], acc: [0.25] });
  });

  it('the largest run (100,000 batches, 5,000 epochs, 64 connections) stays within the stated bound', () => {
    const ids = Array.from({ length: 64 }, (_, i) => `connection-${i}`);
    const huge = record(100_000, 5_000, ids, 5_000);
    huge.confusion = Array.from({ length: 100 }, (_, i) =>
      Array.from({ length: 100 }, (_, j) => (i === j ? 99999 : 12)),
    );
    const text = withLastRun(example, huge);
    const reopened = loadSnnFile(text);
    if (!reopened.ok) throw new Error(reopened.error);
    const saved = reopened.file.metadata.lastRun;
    expect(saved?.batchCurves.x.length).toBeLessThanOrEqual(MAX_BATCH_POINTS);
    expect(saved?.epochCurves.x.length).toBe(1000);
    expect(saved?.epochCurves.x.at(-1)).toBe(huge.epochX.at(-1));
    expect(Object.keys(saved?.norms?.connections ?? {})).toHaveLength(MAX_NORM_CONNECTIONS);
    expect(saved?.norms?.x.length).toBe(MAX_NORM_POINTS);
    const bytes = text.length - example.length;
    expect(bytes).toBeLessThan(MAX_SAVED_RUN_BYTES);
  });
});
