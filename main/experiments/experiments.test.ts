// Run history on disk and the local sweep pool, with real worker processes.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { gridConfigs } from '../../shared/api/sweepPlan';
import {
  deleteRun,
  listRuns,
  RunRecorder,
  RunStoreError,
  readRun,
  readRunInfo,
  resolveRunRef,
  runsFolderFor,
  writeJsonAtomic,
} from './runStore';
import { createSweep, remainingConfigs, runLocalSweep, sweepStatus } from './sweep';
import { smallRandmanDocument } from './testing';

const taskEntry = fileURLToPath(new URL('./taskMain.ts', import.meta.url));

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'spikewright-runs-'));

describe('run store', () => {
  it('puts the runs of net.snn.json in net.runs beside it', () => {
    expect(runsFolderFor('/a/b/net.snn.json')).toBe('/a/b/net.runs');
  });

  it('writes each batch before the next one and keeps what it wrote when the process dies', () => {
    const folder = tmp();
    const dir = path.join(folder, 'r1');
    const rec = new RunRecorder(dir, {
      name: 'x',
      source: 'cli',
      engine: 'fast',
      threads: 1,
      seed: 3,
      settings: { epochs: 2 },
      document: smallRandmanDocument(),
    });
    rec.started({ backend: 'wasm', batchesPerEpoch: 4 });
    rec.batch({ epoch: 1, batch: 1, loss: 1.5, acc: 0.25, ms: 10 });
    rec.batch({ epoch: 1, batch: 2, loss: 1.25, acc: 0.5, ms: 11 });
    // Nothing closed or flushed by us: the lines are already in the file.
    expect(readFileSync(path.join(dir, 'batches.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
    // A torn last line (a crash mid-write) is skipped, not fatal.
    writeFileSync(path.join(dir, 'batches.jsonl'), '{"epoch":1,"batch":3,"lo', { flag: 'a' });
    // The recording process is gone: pretend its pid is one that cannot exist.
    const info = JSON.parse(readFileSync(path.join(dir, 'run.json'), 'utf8'));
    writeJsonAtomic(path.join(dir, 'run.json'), { ...info, pid: 2 ** 22 + 7 });
    const detail = readRun(folder, 'r1');
    expect(detail.run.status).toBe('interrupted');
    expect(detail.batches.map((b) => b.loss)).toEqual([1.5, 1.25]);
    expect(detail.settings['run.epochs']).toBe(2);
    expect(detail.settings['train.learningRate']).toBe(0.002);
    expect(detail.hasWeights).toBe(false);
    rec.close();
  });

  it('records the end of a run, lists and deletes runs, and refuses refs outside the folder', () => {
    const folder = tmp();
    const rec = new RunRecorder(path.join(folder, 'a'), {
      name: 'a',
      source: 'app',
      engine: 'fast',
      threads: 2,
      seed: 0,
      settings: {},
      document: smallRandmanDocument(),
    });
    rec.epoch({ epoch: 1, trainLoss: 1, trainAcc: 0.5, valAcc: 0.4 });
    rec.finish('done', { final: { testAcc: 0.75 }, weights: smallRandmanDocument(), confusion: [[1]] });
    const [run] = listRuns(folder);
    expect(run).toMatchObject({ ref: 'a', status: 'done', final: { testAcc: 0.75 } });
    expect(readRun(folder, 'a')).toMatchObject({ hasWeights: true, confusion: [[1]], epochs: [{ valAcc: 0.4 }] });
    expect(() => resolveRunRef(folder, '../etc')).toThrow(RunStoreError);
    expect(() => resolveRunRef(folder, '/etc')).toThrow(RunStoreError);
    deleteRun(folder, 'a');
    expect(listRuns(folder)).toEqual([]);
  });
});

describe('sweep status', () => {
  it('estimates the time left from the wall time of finished runs, divided over the pool', () => {
    const { dir } = createSweep(tmp(), smallRandmanDocument(), {
      name: 'eta',
      mode: 'grid',
      axes: [],
      configs: [0, 1, 2].map((index) => ({ index, values: { 'train.seed': index } })),
      settings: { engine: 'fast' },
    });
    const rec = new RunRecorder(path.join(dir, 'runs', '000'), {
      name: 'x',
      source: 'sweep',
      engine: 'fast',
      threads: 1,
      seed: 0,
      settings: {},
      document: smallRandmanDocument(),
    });
    // Trained for 2 s of a run that took 10 s from start to end (data loading, evaluation).
    rec.finish('done', { seconds: 2, final: { testAcc: 0.5 } });
    const info = JSON.parse(readFileSync(path.join(dir, 'runs', '000', 'run.json'), 'utf8'));
    writeJsonAtomic(path.join(dir, 'runs', '000', 'run.json'), {
      ...info,
      startedAt: '2026-12-02T00:00:00.000Z',
      finishedAt: '2026-12-02T00:00:10.000Z',
    });
    expect(sweepStatus(dir, 'x').etaSeconds).toBeCloseTo(20);
    expect(sweepStatus(dir, 'x', { jobs: 2 }).etaSeconds).toBeCloseTo(10);
  });
});

describe('local sweep pool', () => {
  it('runs every configuration, reports the one that cannot train as failed, and resumes after a stop', async () => {
    const folder = tmp();
    const configs = gridConfigs([
      { path: 'train.learningRate', values: [1e-3, 5e-3] },
      // A negative time constant: that configuration's task must fail with the reason.
      { path: 'h0.tauMem', values: [20, -1] },
    ]).map((values, index) => ({ index, values }));
    const { dir } = createSweep(folder, smallRandmanDocument(), {
      name: 'test',
      mode: 'grid',
      axes: [],
      configs,
      settings: { engine: 'fast', epochs: 1, maxBatches: 2, maxEvalBatches: 1 },
    });
    // Stop as soon as the first configuration has finished.
    let pool = runLocalSweep(dir, {
      taskEntry,
      jobs: 1,
      threads: 1,
      onChange: () => {
        const s = sweepStatus(dir, 'x');
        if (s.counts.done + s.counts.failed >= 1) pool.stop();
      },
    });
    expect(await pool.finished).toEqual({ stopped: true });
    const afterStop = sweepStatus(dir, 'x');
    expect(afterStop.counts.done + afterStop.counts.failed).toBeLessThan(4);
    const left = remainingConfigs(dir);
    expect(left.length).toBeGreaterThan(0);
    const doneBefore = afterStop.configs.filter((c) => c.status === 'done').map((c) => c.index);
    const startedBefore = doneBefore.map(
      (i) => readRunInfo(path.join(dir, 'runs', String(i).padStart(3, '0')))?.startedAt,
    );

    pool = runLocalSweep(dir, { taskEntry, jobs: 2, threads: 1 });
    expect(await pool.finished).toEqual({ stopped: false });
    const final = sweepStatus(dir, 'x');
    expect(final.configs.map((c) => c.status)).toEqual(['done', 'failed', 'done', 'failed']);
    expect(final.configs[1]?.error).toMatch(/tauMem|time constant|membrane/i);
    expect(final.configs[0]?.testAcc).toBeGreaterThanOrEqual(0);
    // Finished configurations were not run again.
    expect(doneBefore.map((i) => readRunInfo(path.join(dir, 'runs', String(i).padStart(3, '0')))?.startedAt)).toEqual(
      startedBefore,
    );
    expect(listRuns(folder).filter((r) => r.sweep)).toHaveLength(4);
  }, 120_000);

  const waitForRunningPid = async (dir: string, index: number): Promise<number> => {
    const runDir = path.join(dir, 'runs', String(index).padStart(3, '0'));
    for (let i = 0; i < 600; i++) {
      const info = readRunInfo(runDir);
      if (info?.status === 'running' && info.batchesPerEpoch) return info.pid;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the task never started training');
  };

  const oneConfigSweep = () => {
    const folder = tmp();
    return createSweep(folder, smallRandmanDocument(), {
      name: 'dies',
      mode: 'grid',
      axes: [],
      configs: [{ index: 0, values: { 'train.learningRate': 1e-3 } }],
      // Enough batches that the run is still going when the test interferes.
      settings: { engine: 'fast', epochs: 50, maxEvalBatches: 1 },
    }).dir;
  };

  it('reports a task whose worker process is killed as failed, not running', async () => {
    const dir = oneConfigSweep();
    const pool = runLocalSweep(dir, { taskEntry, jobs: 1, threads: 1 });
    process.kill(await waitForRunningPid(dir, 0), 'SIGKILL');
    expect(await pool.finished).toEqual({ stopped: false });
    const [config] = sweepStatus(dir, 'x').configs;
    expect(config?.status).toBe('failed');
    expect(config?.error).toMatch(/killed \(SIGKILL\)/);
    expect(remainingConfigs(dir)).toEqual([0]);
  }, 120_000);

  it('ends a task that stops answering (SIGSTOP) through the watchdog and reports it failed', async () => {
    const dir = oneConfigSweep();
    const pool = runLocalSweep(dir, { taskEntry, jobs: 1, threads: 1, hungAfterMs: 1500 });
    const pid = await waitForRunningPid(dir, 0);
    process.kill(pid, 'SIGSTOP');
    const t0 = Date.now();
    expect(await pool.finished).toEqual({ stopped: false });
    expect(Date.now() - t0).toBeLessThan(20_000);
    const [config] = sweepStatus(dir, 'x').configs;
    expect(config?.status).toBe('failed');
    expect(config?.error).toMatch(/stopped answering/);
  }, 120_000);
});
