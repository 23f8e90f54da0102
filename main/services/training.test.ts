// The training service with the real worker process: a worker suspended with SIGSTOP is
// reported stalled within 15 s, Stop ends it, and a new run starts and stops cleanly.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { TrainingEvent } from '../../shared/api/contract';
import { createTrainingService, forkWorker, type WorkerHandle } from './training';

const WORKER = fileURLToPath(new URL('../worker/trainingWorker.ts', import.meta.url));
const RANDMAN = readFileSync(new URL('../../examples/randman.snn.json', import.meta.url), 'utf8');

function harness() {
  const events: TrainingEvent[] = [];
  const workers: WorkerHandle[] = [];
  const service = createTrainingService({
    spawn: () => {
      const worker = forkWorker(WORKER);
      workers.push(worker);
      return worker;
    },
    emit: (event) => events.push(event),
    // The default limit (10 s), so the test shows what users get.
  });
  const waitFor = async (check: (e: TrainingEvent) => boolean, ms: number) => {
    const end = Date.now() + ms;
    for (;;) {
      const found = events.find(check);
      if (found) return found;
      if (Date.now() > end)
        throw new Error(`no such event within ${ms} ms; got ${events.map((e) => e.type).join(', ')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { service, events, workers, waitFor };
}

describe('training worker liveness (real worker process)', () => {
  it('reports a SIGSTOPped worker as stalled within 15 s; Stop ends it and a new run starts', async () => {
    const { service, workers, waitFor, events } = harness();
    try {
      const { runId } = await service.start({ document: RANDMAN, engine: 'fast', resumeWeights: false });
      await waitFor((e) => e.type === 'batch' && e.runId === runId, 90_000);
      const pid = workers[0]?.pid as number;
      process.kill(pid, 'SIGSTOP');
      const stoppedAt = Date.now();
      const stalled = await waitFor((e) => e.type === 'stalled' && e.runId === runId, 15_000);
      const detectedAfter = Date.now() - stoppedAt;
      expect(detectedAfter).toBeLessThanOrEqual(15_000);
      expect(stalled).toMatchObject({ message: expect.stringContaining('has not answered') });
      // A new run is refused while this one is alive, however stuck.
      await expect(service.start({ document: RANDMAN, engine: 'fast', resumeWeights: false })).rejects.toThrow(
        'already in progress',
      );

      const stopAsked = Date.now();
      // SIGTERM waits while a process is stopped; SIGKILL after the grace period ends it.
      expect(await service.stop(runId)).toEqual({ ended: 'killed' });
      const stopTook = Date.now() - stopAsked;
      expect(stopTook).toBeLessThan(10_000);
      const failed = await waitFor((e) => e.type === 'failed' && e.runId === runId, 5000);
      expect(failed).toMatchObject({ message: expect.stringContaining('did not answer') });
      console.log(`SIGSTOP reported stalled after ${detectedAfter} ms; Stop ended the worker in ${stopTook} ms`);

      // A new run starts, trains, and stops as asked (a responsive worker is not killed).
      const second = await service.start({ document: RANDMAN, engine: 'fast', resumeWeights: false });
      await waitFor((e) => e.type === 'batch' && e.runId === second.runId, 90_000);
      expect(await service.stop(second.runId)).toEqual({ ended: 'stopped' });
      const done = await waitFor((e) => e.type === 'done' && e.runId === second.runId, 5000);
      expect(done).toMatchObject({ stopped: true, document: expect.any(String) });
      expect(events.filter((e) => e.type === 'stalled' && e.runId === second.runId)).toHaveLength(0);
    } finally {
      service.dispose();
      // Never leave a suspended process behind, whatever happened above.
      for (const worker of workers) {
        try {
          if (worker.pid) process.kill(worker.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    }
  }, 200_000);

  it('refuses to stop a run that does not exist', async () => {
    const { service } = harness();
    expect(() => service.stop('no-such-run')).toThrow('No training run no-such-run is active');
  });
});
