// Runs training in its own process so that a crash or a long step never freezes the UI or the
// backend's event loop. The parent keeps the last good checkpoint the worker sent, so if the
// worker dies the user still gets the weights trained so far. A worker that goes silent is
// reported stalled (watchdog.ts); Stop ends it even then, and a new run can start.
import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { ApiError, type TrainingEvent } from '../../shared/api/contract';
import type { WorkerCommand, WorkerMessage } from '../worker/protocol';
import { DEFAULT_KILL_GRACE_MS, endProcess, type Liveness, silentAfterMsFromEnv, watchLiveness } from './watchdog';

export interface TrainingService {
  start(request: {
    document: string;
    engine: 'fast' | 'reference';
    resumeWeights: boolean;
  }): Promise<{ runId: string }>;
  pause(runId: string): void;
  resume(runId: string): void;
  /**
   * Stops a run and resolves once its process is gone: 'stopped' when the worker stopped as
   * asked (the trained weights come in its 'done' event), 'terminated' or 'killed' when it had
   * to be ended (stalled, or not stopping in time).
   */
  stop(runId: string): Promise<{ ended: StopOutcome }>;
  /** Ends any run and its process (backend shutdown). */
  dispose(): void;
}

export type StopOutcome = 'stopped' | 'terminated' | 'killed';

export interface WorkerHandle {
  send(command: WorkerCommand): void;
  onMessage(listener: (message: WorkerMessage) => void): void;
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  /** SIGKILL unless told otherwise. */
  kill(signal?: 'SIGTERM' | 'SIGKILL'): void;
  pid?: number;
}

export interface TrainingServiceOptions {
  spawn: () => WorkerHandle;
  emit: (event: TrainingEvent) => void;
  /** A worker silent this long is reported stalled (default 10 s, or $SPIKEWRIGHT_WORKER_SILENT_S). */
  silentAfterMs?: number;
  /** How long a responsive worker may take to stop before it is ended anyway (default 30 s). */
  stopTimeoutMs?: number;
  /** Between SIGTERM and SIGKILL when a worker is ended (default 2 s). */
  killGraceMs?: number;
}

interface Run {
  runId: string;
  worker: WorkerHandle;
  finished: boolean;
  exited: boolean;
  checkpoint?: string;
  liveness: Liveness;
  stopping?: Promise<{ ended: StopOutcome }>;
  /** Set when the run is ended by force, for the message its exit produces. */
  forced?: { silentMs: number };
  exitListeners: (() => void)[];
}

/** Starts the worker as a Node child process (web mode, CLI, tests). */
export function forkWorker(workerPath: string): WorkerHandle {
  const child: ChildProcess = fork(workerPath, [], {
    execArgv: workerPath.endsWith('.ts') ? ['--import', 'tsx'] : [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  return {
    send: (command) => {
      if (child.connected) child.send(command);
    },
    onMessage: (listener) => child.on('message', (m) => listener(m as WorkerMessage)),
    onExit: (listener) => child.on('exit', listener),
    kill: (signal = 'SIGKILL') => {
      child.kill(signal);
    },
    ...(child.pid !== undefined ? { pid: child.pid } : {}),
  };
}

export function createTrainingService(options: TrainingServiceOptions): TrainingService {
  const silentAfterMs = options.silentAfterMs ?? silentAfterMsFromEnv();
  const stopTimeoutMs = options.stopTimeoutMs ?? 30_000;
  const killGraceMs = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  let current: Run | null = null;

  const requireRun = (runId: string) => {
    if (!current || current.runId !== runId || current.finished)
      throw new ApiError(`No training run ${runId} is active.`);
    return current;
  };

  const forceEnd = (run: Run) => {
    run.forced ??= { silentMs: run.liveness.silentMs() };
    return endProcess(
      {
        kill: (signal) => run.worker.kill(signal),
        onExit: (listener) => run.exitListeners.push(listener),
        exited: () => run.exited,
      },
      killGraceMs,
    );
  };

  return {
    async start({ document, engine, resumeWeights }) {
      if (current && !current.finished) throw new ApiError('A training run is already in progress; stop it first.');
      const runId = randomUUID();
      const worker = options.spawn();
      const run: Run = {
        runId,
        worker,
        finished: false,
        exited: false,
        exitListeners: [],
        liveness: watchLiveness({
          silentAfterMs,
          onStalled: (silentMs) =>
            options.emit({
              type: 'stalled',
              runId,
              silentSeconds: Math.round(silentMs / 1000),
              message: `The training process has not answered for ${Math.round(silentMs / 1000)} s: it may be stuck, suspended or starved of memory. Stop ends it, keeping the weights of the last completed epoch if there is one; it may also recover by itself.`,
            }),
          onAlive: () => options.emit({ type: 'responding', runId }),
        }),
      };
      current = run;
      worker.onMessage((message) => {
        run.liveness.beat();
        if (message.type === 'heartbeat') return;
        if (message.type === 'checkpoint') {
          run.checkpoint = message.document;
          return;
        }
        if (run.finished) return;
        if (message.type === 'done' || message.type === 'failed') {
          run.finished = true;
          run.liveness.dispose();
        }
        options.emit(message);
      });
      worker.onExit((code, signal) => {
        run.exited = true;
        run.liveness.dispose();
        for (const listener of run.exitListeners.splice(0)) listener();
        if (run.finished) return;
        run.finished = true;
        const kept = run.checkpoint ? '; the weights of the last completed epoch were kept' : '';
        const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
        const why =
          run.forced && run.forced.silentMs >= silentAfterMs
            ? `did not answer (silent for ${Math.round(run.forced.silentMs / 1000)} s)`
            : `did not stop within ${Math.round(stopTimeoutMs / 1000)} s`;
        const message = run.forced
          ? `Stopped: the training process ${why} and was ended. Your document is unchanged${kept}. You can start a new run.`
          : `The training process ${how}. Your document is unchanged${kept}. You can start a new run.`;
        options.emit({ type: 'failed', runId, message, ...(run.checkpoint ? { document: run.checkpoint } : {}) });
      });
      worker.send({ type: 'start', runId, document, engine, resumeWeights });
      return { runId };
    },
    pause(runId) {
      requireRun(runId).worker.send({ type: 'pause' });
    },
    resume(runId) {
      requireRun(runId).worker.send({ type: 'resume' });
    },
    stop(runId) {
      const run = requireRun(runId);
      run.stopping ??= new Promise<{ ended: StopOutcome }>((resolve) => {
        run.worker.send({ type: 'stop' });
        let settled = false;
        const finish = (ended: StopOutcome) => {
          if (settled) return;
          settled = true;
          clearInterval(watch);
          resolve({ ended });
        };
        const escalate = () => {
          clearInterval(watch);
          void forceEnd(run).then((how) => finish(how === 'exited' ? 'stopped' : how));
        };
        // Ended by force: the outcome comes from endProcess (SIGTERM or SIGKILL), not from here.
        run.exitListeners.push(() => run.forced || finish('stopped'));
        const asked = Date.now();
        // A responsive worker stops after its current batch; a stalled one (or one that takes
        // too long) is ended.
        const watch = setInterval(() => {
          if (run.liveness.isStalled() || Date.now() - asked > stopTimeoutMs) escalate();
        }, 200);
        if (run.liveness.isStalled()) escalate();
      });
      return run.stopping;
    },
    dispose() {
      if (current && !current.finished) {
        current.finished = true;
        current.liveness.dispose();
        current.worker.kill('SIGKILL');
      }
    },
  };
}
