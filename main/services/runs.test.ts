// The run-history and sweep API as a transport calls it: documents' runs folders behind the
// same path check as saving, app runs recorded beside their document, and a sweep on the real
// local pool that is stopped, resumed (finished configurations not rerun) and reported by events.
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createApiDispatcher, type SweepEvent } from '../../shared/api/contract';
import type { SweepStatus } from '../../shared/api/runs';
import { createRunHistory } from '../experiments/appRuns';
import { smallRandmanDocument } from '../experiments/testing';
import { createHandlers } from './backend';
import { workspaceAccess } from './documentAccess';
import { createRunsService } from './runs';
import type { TrainingService } from './training';

const taskEntry = fileURLToPath(new URL('../experiments/taskMain.ts', import.meta.url));

async function scene() {
  const workspace = mkdtempSync(join(tmpdir(), 'spikewright-runs-ws-'));
  const stateDir = mkdtempSync(join(tmpdir(), 'spikewright-runs-state-'));
  mkdirSync(join(workspace, 'nets'));
  const documentPath = join(workspace, 'nets', 'small.snn.json');
  writeFileSync(documentPath, smallRandmanDocument());
  const access = await workspaceAccess(workspace);
  const events: SweepEvent[] = [];
  const listeners: ((e: SweepEvent) => void)[] = [];
  const runs = createRunsService({
    access,
    stateDir,
    taskEntry,
    emit: (e) => {
      events.push(e);
      for (const l of listeners) l(e);
    },
  });
  const runHistory = createRunHistory(stateDir);
  const training: TrainingService = {
    start: async () => ({ runId: 'run-1' }),
    pause() {},
    resume() {},
    stop: async () => ({ ended: 'stopped' as const }),
    dispose() {},
  };
  const handlers = createHandlers({
    examplesDir: 'examples',
    appVersion: '0.0.0',
    transport: 'web',
    training,
    stateDir,
    runHistory,
    runs,
    access,
  });
  const dispatch = createApiDispatcher(handlers);
  const call = async (method: string, params: unknown) => {
    const r = await dispatch(method, params);
    if (!r.ok) throw new Error(r.error);
    return r.result as never;
  };
  const until = (test: (s: SweepStatus) => boolean) =>
    new Promise<SweepStatus>((resolve) => {
      listeners.push((e) => {
        if (test(e.status)) resolve(e.status);
      });
    });
  return { workspace, stateDir, documentPath, dispatch, call, events, until, runs, runHistory };
}

describe('runs API', () => {
  it('records an app run beside its saved document, and an unsaved one in the data folder', async () => {
    const s = await scene();
    await s.call('startTraining', { document: smallRandmanDocument(), documentPath: s.documentPath });
    s.runHistory.onEvent({ type: 'failed', runId: 'run-1', message: 'test end' });
    const listed = (await s.call('listRuns', { documentPath: s.documentPath })) as {
      folder: string;
      runs: { status: string; source: string; error?: string }[];
    };
    expect(listed.folder).toBe(join(s.workspace, 'nets', 'small.runs'));
    expect(listed.runs).toMatchObject([{ status: 'failed', source: 'app', error: 'test end' }]);
    await s.call('startTraining', { document: smallRandmanDocument(), documentPath: null });
    s.runHistory.onEvent({ type: 'failed', runId: 'run-1', message: 'unsaved' });
    const unsaved = (await s.call('listRuns', { documentPath: null })) as { folder: string; runs: unknown[] };
    expect(unsaved.folder).toBe(join(s.stateDir, 'runs'));
    expect(unsaved.runs).toHaveLength(1);
  });

  it('refuses a document path outside the workspace and refs that leave the runs folder', async () => {
    const s = await scene();
    const outside = await s.dispatch('listRuns', { documentPath: '/etc/passwd.snn.json' });
    expect(outside).toMatchObject({ ok: false, error: expect.stringMatching(/outside the workspace/) });
    const leaving = await s.dispatch('showRun', { documentPath: s.documentPath, ref: '../../../etc' });
    expect(leaving).toMatchObject({ ok: false, error: expect.stringMatching(/is not a run of/) });
    const badSweep = await s.dispatch('sweepStatus', { documentPath: s.documentPath, ref: '../x' });
    expect(badSweep).toMatchObject({ ok: false, error: expect.stringMatching(/is not a sweep/) });
    const unknownParam = await s.dispatch('startSweep', {
      documentPath: s.documentPath,
      document: smallRandmanDocument(),
      axes: [{ path: 'train.noSuchThing', values: [1] }],
    });
    expect(unknownParam).toMatchObject({
      ok: false,
      error: expect.stringMatching(/no numeric parameter 'noSuchThing'/),
    });
    const fraction = await s.dispatch('startSweep', {
      documentPath: s.documentPath,
      document: smallRandmanDocument(),
      axes: [{ path: 'train.seed', values: [0.5] }],
    });
    expect(fraction).toMatchObject({ ok: false, error: expect.stringMatching(/whole numbers/) });
  });

  it('runs a sweep on the pool with progress events, survives a stop and resume, and lists its runs', async () => {
    const s = await scene();
    const firstDone = s.until((st) => st.counts.done >= 1);
    const started = (await s.call('startSweep', {
      documentPath: s.documentPath,
      document: smallRandmanDocument(),
      name: 'lr',
      axes: [
        { path: 'train.learningRate', values: [1e-3, 5e-3] },
        { path: 'train.surrogateScale', values: [10] },
      ],
      epochs: 1,
      maxBatches: 2,
      maxEvalBatches: 1,
      jobs: 1,
    })) as SweepStatus;
    expect(started).toMatchObject({ active: true, counts: { pending: 2 } });
    expect(started.ref).toMatch(/^sweeps\//);
    await firstDone;
    const stopped = (await s.call('stopSweep', { documentPath: s.documentPath, ref: started.ref })) as SweepStatus;
    expect(stopped.active).toBe(false);
    const doneAtStop = stopped.configs.filter((c) => c.status === 'done').map((c) => c.index);
    expect(doneAtStop.length).toBeGreaterThanOrEqual(1);
    const listedAtStop = (await s.call('listRuns', { documentPath: s.documentPath })) as {
      runs: { ref: string; startedAt: string; sweep?: { index: number } }[];
    };
    const startedAt = (i: number) => listedAtStop.runs.find((r) => r.sweep?.index === i)?.startedAt;
    const before = doneAtStop.map(startedAt);

    const allDone = s.until((st) => !st.active && st.counts.done === 2);
    const resumed = (await s.call('resumeSweep', { documentPath: s.documentPath, ref: started.ref })) as SweepStatus;
    expect(resumed.active).toBe(doneAtStop.length < 2);
    if (doneAtStop.length < 2) await allDone;
    const final = (await s.call('sweepStatus', { documentPath: s.documentPath, ref: started.ref })) as SweepStatus;
    expect(final.configs.map((c) => c.status)).toEqual(['done', 'done']);
    expect(final.configs.every((c) => typeof c.testAcc === 'number')).toBe(true);
    expect(s.events.every((e) => e.folder === join(s.workspace, 'nets', 'small.runs'))).toBe(true);

    const listed = (await s.call('listRuns', { documentPath: s.documentPath })) as {
      runs: { ref: string; startedAt: string; sweep?: { index: number } }[];
      sweeps: SweepStatus[];
    };
    // The configuration finished before the stop was not run again.
    expect(doneAtStop.map((i) => listed.runs.find((r) => r.sweep?.index === i)?.startedAt)).toEqual(before);
    expect(listed.sweeps.map((x) => x.ref)).toEqual([started.ref]);
    const ref = listed.runs[0]?.ref as string;
    const detail = (await s.call('showRun', { documentPath: s.documentPath, ref })) as {
      batches: unknown[];
      hasWeights: boolean;
      settings: Record<string, unknown>;
    };
    expect(detail.batches.length).toBeGreaterThan(0);
    expect(detail.hasWeights).toBe(true);
    expect(detail.settings['train.surrogateScale']).toBe(10);
    const weights = (await s.call('openRunWeights', { documentPath: s.documentPath, ref })) as { text: string };
    expect(JSON.parse(weights.text).weights).toBeTruthy();
    await s.call('deleteRuns', { documentPath: s.documentPath, refs: [ref] });
    const after = (await s.call('listRuns', { documentPath: s.documentPath })) as { runs: unknown[] };
    expect(after.runs).toHaveLength(1);
    await s.call('deleteSweep', { documentPath: s.documentPath, ref: started.ref });
    expect(existsSync(join(s.workspace, 'nets', 'small.runs', started.ref))).toBe(false);
    s.runs.dispose();
  }, 180_000);
});
