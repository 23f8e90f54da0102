// Runs training in its own process so that a crash or a long step never freezes the UI or the
// backend's event loop. The parent keeps the last good checkpoint the worker sent, so if the
// worker dies the user still gets the weights trained so far.
import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { ApiError, type TrainingEvent } from '../../shared/api/contract';
import type { WorkerCommand, WorkerMessage } from '../worker/protocol';

export interface TrainingService {
  start(request: {
    document: string;
    engine: 'fast' | 'reference';
    resumeWeights: boolean;
  }): Promise<{ runId: string }>;
  pause(runId: string): void;
  resume(runId: string): void;
  stop(runId: string): void;
  /** Ends any run and its process (backend shutdown). */
  dispose(): void;
}

export interface WorkerHandle {
  send(command: WorkerCommand): void;
  onMessage(listener: (message: WorkerMessage) => void): void;
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  kill(): void;
  pid?: number;
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
    kill: () => child.kill('SIGKILL'),
    ...(child.pid !== undefined ? { pid: child.pid } : {}),
  };
}

export function createTrainingService(options: {
  spawn: () => WorkerHandle;
  emit: (event: TrainingEvent) => void;
}): TrainingService {
  let current: { runId: string; worker: WorkerHandle; finished: boolean; checkpoint?: string } | null = null;

  const requireRun = (runId: string) => {
    if (!current || current.runId !== runId || current.finished)
      throw new ApiError(`No training run ${runId} is active.`);
    return current;
  };

  return {
    async start({ document, engine, resumeWeights }) {
      if (current && !current.finished) throw new ApiError('A training run is already in progress; stop it first.');
      const runId = randomUUID();
      const worker = options.spawn();
      const run: { runId: string; worker: WorkerHandle; finished: boolean; checkpoint?: string } = {
        runId,
        worker,
        finished: false,
      };
      current = run;
      worker.onMessage((message) => {
        if (message.type === 'checkpoint') {
          run.checkpoint = message.document;
          return;
        }
        if (message.type === 'done' || message.type === 'failed') run.finished = true;
        options.emit(message);
      });
      worker.onExit((code, signal) => {
        if (run.finished) return;
        run.finished = true;
        const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
        options.emit({
          type: 'failed',
          runId,
          message: `The training process ${how}. Your document is unchanged${run.checkpoint ? '; the weights of the last completed epoch were kept' : ''}. You can start a new run.`,
          ...(run.checkpoint ? { document: run.checkpoint } : {}),
        });
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
      requireRun(runId).worker.send({ type: 'stop' });
    },
    dispose() {
      if (current && !current.finished) {
        current.finished = true;
        current.worker.kill();
      }
    },
  };
}
