// A sweep on disk and its local pool of worker processes.
//
//   <runs folder>/sweeps/<id>/sweep.json        the plan: axes, every configuration, run settings
//                             graph.snn.json    the document the configurations start from
//                             runs/<index>/     one run folder per configuration (see runStore.ts)
//
// Any process that can see the folder can run a configuration (`runSweepTask`): the local
// pool, a Slurm task, a second machine. A configuration whose run.json says done is never run
// again, so stopping and resuming (or resubmitting) continues where it stopped.
import { type ChildProcess, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  type RunInfo,
  SWEEP_FORMAT,
  type SweepConfigState,
  type SweepPlan,
  type SweepStatus,
  sweepPlanSchema,
} from '../../shared/api/runs';
import { applyConfig, configLabel } from '../../shared/api/sweepPlan';
import { loadSnnFile, serializeSnnFile } from '../../shared/file/snnFile';
import { endProcess, silentAfterMsFromEnv, watchLiveness } from '../services/watchdog';
import {
  markRunFailed,
  newRunId,
  RunRecorder,
  RunStoreError,
  readJsonLines,
  readRunInfo,
  writeJsonAtomic,
  writeTextAtomic,
} from './runStore';

export function configDir(sweepDir: string, index: number): string {
  return path.join(sweepDir, 'runs', String(index).padStart(3, '0'));
}

export function createSweep(
  runsFolder: string,
  document: string,
  plan: Omit<SweepPlan, 'format' | 'version' | 'id' | 'createdAt'>,
): { dir: string; plan: SweepPlan } {
  const id = newRunId();
  const full: SweepPlan = { format: SWEEP_FORMAT, version: 1, id, createdAt: new Date().toISOString(), ...plan };
  const dir = path.join(runsFolder, 'sweeps', id);
  writeTextAtomic(path.join(dir, 'graph.snn.json'), document);
  writeJsonAtomic(path.join(dir, 'sweep.json'), full);
  return { dir, plan: full };
}

export function loadSweep(sweepDir: string): SweepPlan {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path.join(sweepDir, 'sweep.json'), 'utf8'));
  } catch (e) {
    throw new RunStoreError(`${sweepDir} is not a sweep folder (cannot read sweep.json: ${(e as Error).message}).`);
  }
  const parsed = sweepPlanSchema.safeParse(json);
  if (!parsed.success) throw new RunStoreError(`${sweepDir}/sweep.json is not a Spikewright sweep plan.`);
  return parsed.data;
}

export function saveSweep(sweepDir: string, plan: SweepPlan) {
  writeJsonAtomic(path.join(sweepDir, 'sweep.json'), plan);
}

/** The document of one configuration: the sweep's graph with its values in place. */
export function configDocument(sweepDir: string, plan: SweepPlan, index: number): string {
  const config = plan.configs.find((c) => c.index === index);
  if (!config)
    throw new RunStoreError(`The sweep has no configuration ${index} (it has 0..${plan.configs.length - 1}).`);
  const loaded = loadSnnFile(readFileSync(path.join(sweepDir, 'graph.snn.json'), 'utf8'), 'the sweep graph');
  if (!loaded.ok) throw new RunStoreError(loaded.error);
  return serializeSnnFile({ ...loaded.file, graph: applyConfig(loaded.file.graph, config.values) });
}

/** Runs one configuration into its folder (the pool's workers and Slurm tasks call this). */
export async function runSweepTask(
  sweepDir: string,
  index: number,
  options: { threads: number; source: RunInfo['source']; signal?: AbortSignal; cacheDir?: string },
) {
  const plan = loadSweep(sweepDir);
  const config = plan.configs.find((c) => c.index === index);
  if (!config) throw new RunStoreError(`The sweep has no configuration ${index}.`);
  const { runTask } = await import('./runTask');
  let document: string;
  try {
    document = configDocument(sweepDir, plan, index);
  } catch (e) {
    // Say so in the run folder, or the configuration would look pending forever.
    document = readFileSync(path.join(sweepDir, 'graph.snn.json'), 'utf8');
    const { RunRecorder } = await import('./runStore');
    new RunRecorder(configDir(sweepDir, index), {
      name: `${plan.name} #${index}`,
      source: options.source,
      engine: plan.settings.engine,
      threads: options.threads,
      seed: 0,
      settings: {},
      document,
      sweep: { id: plan.id, index, values: config.values },
    }).finish('failed', { error: (e as Error).message });
    return 'failed' as const;
  }
  return runTask({
    dir: configDir(sweepDir, index),
    document,
    name: `${plan.name} #${index}: ${configLabel(config.values)}`,
    source: options.source,
    engine: plan.settings.engine,
    threads: options.threads,
    ...(plan.settings.epochs !== undefined ? { epochs: plan.settings.epochs } : {}),
    ...(plan.settings.maxBatches !== undefined ? { maxBatches: plan.settings.maxBatches } : {}),
    ...(plan.settings.maxEvalBatches !== undefined ? { maxEvalBatches: plan.settings.maxEvalBatches } : {}),
    sweep: { id: plan.id, index, values: config.values },
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}),
  });
}

/** Where every configuration stands, read from the folder (works for local and Slurm sweeps alike). */
export function sweepStatus(
  sweepDir: string,
  ref: string,
  extra: { active?: boolean; jobs?: number; threadsPerRun?: number; lost?: Set<number> } = {},
): SweepStatus {
  const plan = loadSweep(sweepDir);
  const wall = new Map<number, number>();
  const configs: SweepConfigState[] = plan.configs.map((c) => {
    const dir = configDir(sweepDir, c.index);
    const info = readRunInfo(dir);
    if (info?.status === 'done' && info.finishedAt) {
      const seconds = (Date.parse(info.finishedAt) - Date.parse(info.startedAt)) / 1000;
      if (Number.isFinite(seconds) && seconds >= 0) wall.set(c.index, seconds);
    }
    if (!info) {
      if (extra.lost?.has(c.index))
        return {
          ...c,
          status: 'failed',
          error: 'The Slurm task ended without writing a result (see its log in slurm/).',
        };
      return { ...c, status: 'pending' };
    }
    const state: SweepConfigState = { ...c, status: info.status };
    if (info.seconds !== undefined) state.seconds = info.seconds;
    if (info.final?.testAcc !== undefined) state.testAcc = info.final.testAcc;
    if (info.final?.trainAcc !== undefined) state.trainAcc = info.final.trainAcc;
    if (info.error) state.error = info.error;
    if (info.status === 'running' && info.batchesPerEpoch) {
      const batches = readJsonLines<{ epoch: number }>(path.join(dir, 'batches.jsonl'), {
        safeParse: (v) => ({ success: true, data: v as { epoch: number } }),
      }).length;
      const epochs = plan.settings.epochs ?? 1;
      state.progress = Math.min(1, batches / (info.batchesPerEpoch * epochs));
    }
    if (info.status === 'running' && extra.lost?.has(c.index)) {
      state.status = 'failed';
      state.error = 'The Slurm task ended while the run was still going (killed or out of time; see slurm/).';
    }
    return state;
  });
  const count = (s: string) => configs.filter((c) => c.status === s).length;
  const counts = {
    pending: count('pending'),
    running: count('running'),
    done: count('done'),
    failed: count('failed'),
    stopped: count('stopped') + count('interrupted'),
  };
  // The time left is judged by the wall time of finished runs (run.json's start to its end:
  // loading the data and the final evaluation included, which short runs are mostly made of).
  const finished = configs
    .map((c) => wall.get(c.index) ?? (c.status === 'done' ? c.seconds : undefined))
    .filter((v): v is number => v !== undefined);
  const mean = finished.length ? finished.reduce((s, v) => s + v, 0) / finished.length : null;
  const left = configs
    .filter((c) => c.status !== 'done' && c.status !== 'failed')
    .reduce((s, c) => s + (1 - (c.progress ?? 0)), 0);
  const jobs = Math.max(1, extra.jobs ?? 1);
  return {
    ref,
    plan,
    configs,
    counts,
    active: extra.active ?? false,
    etaSeconds: mean === null ? null : (mean * left) / jobs,
    ...(extra.jobs !== undefined ? { jobs: extra.jobs } : {}),
    ...(extra.threadsPerRun !== undefined ? { threadsPerRun: extra.threadsPerRun } : {}),
  };
}

/** The configurations still to run: everything not done (failed ones are retried). */
export function remainingConfigs(sweepDir: string): number[] {
  const plan = loadSweep(sweepDir);
  return plan.configs.filter((c) => readRunInfo(configDir(sweepDir, c.index))?.status !== 'done').map((c) => c.index);
}

/**
 * How a pool divides the cores: as many runs at once as there are cores (one thread each),
 * and only when there are fewer runs than cores does each run get several threads. Small
 * SNNs scale far better across processes than across the engine's threads (a batch split
 * over threads still pays one dense product and a merge per step); bench/sweep-pool.ts
 * measures both.
 */
export function choosePool(runs: number, cores: number): { jobs: number; threads: number } {
  const c = Math.max(1, cores);
  const jobs = Math.max(1, Math.min(runs, c));
  return { jobs, threads: Math.max(1, Math.floor(c / jobs)) };
}

export interface PoolOptions {
  jobs?: number;
  threads?: number;
  /** The task entry (taskMain.ts, or the bundled taskMain.cjs in Electron). */
  taskEntry: string;
  cacheDir?: string;
  onChange?: () => void;
  /** Starts a task process; default: a Node child process (`forkTask`). Electron passes a utilityProcess. */
  spawnTask?: SpawnTask;
  /**
   * A task silent this long (no heartbeat: hung, suspended, swapping) is ended and its run
   * marked failed. Default: sixty times the watchdog's stall limit ($SPIKEWRIGHT_WORKER_SILENT_S,
   * 10 s), i.e. 10 minutes: a single-threaded task trains on its main thread, so its heartbeats
   * arrive only between training steps, and one slow step (a 1024-unit recurrent layer on a
   * loaded machine) must not fail a run. A task that dies is seen at once from its exit.
   */
  hungAfterMs?: number;
}

/** A pool's task process as the pool sees it: messages (heartbeats), stderr, exit, signals. */
export interface TaskProcess {
  onMessage(listener: (message: unknown) => void): void;
  onStderr(listener: (text: string) => void): void;
  /** `signal` is null where the platform does not say (Electron's utilityProcess). */
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  kill(signal: 'SIGTERM' | 'SIGKILL'): void;
}

export type SpawnTask = (entry: string, args: string[], env: NodeJS.ProcessEnv) => TaskProcess;

/** A task as a Node child process (web mode, the CLI, tests); a .ts entry runs under tsx. */
export const forkTask: SpawnTask = (entry, args, env) => {
  const child: ChildProcess = fork(entry, args, {
    execArgv: entry.endsWith('.ts') ? ['--import', 'tsx'] : [],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    env,
  });
  return {
    onMessage: (listener) => child.on('message', listener),
    onStderr: (listener) => child.stderr?.on('data', (d: Buffer) => listener(d.toString())),
    onExit: (listener) => child.on('exit', listener),
    kill: (signal) => {
      child.kill(signal);
    },
  };
};

export interface LocalSweep {
  readonly jobs: number;
  readonly threads: number;
  /** Resolves when every configuration has run or the pool was stopped. */
  readonly finished: Promise<{ stopped: boolean }>;
  stop(): void;
  get active(): boolean;
}

/**
 * Says in the configuration's run folder that its task died: a run.json still marked running
 * becomes failed, and a task that died before writing one gets a failed run.json, so the
 * configuration reads as failed (and is retried by a resume), never as running or pending.
 */
export function recordDeadTask(sweepDir: string, index: number, error: string) {
  const dir = configDir(sweepDir, index);
  try {
    if (markRunFailed(dir, error)) return;
    if (readRunInfo(dir)) return;
    const plan = loadSweep(sweepDir);
    const config = plan.configs.find((c) => c.index === index);
    new RunRecorder(dir, {
      name: `${plan.name} #${index}`,
      source: 'sweep',
      engine: plan.settings.engine,
      threads: 1,
      seed: 0,
      settings: {},
      document: readFileSync(path.join(sweepDir, 'graph.snn.json'), 'utf8'),
      sweep: { id: plan.id, index, values: config?.values ?? {} },
    }).finish('failed', { error });
  } catch (e) {
    // The sweep folder itself is gone or unreadable: nothing to record into.
    process.stderr.write(`spikewright: cannot record the failure of configuration ${index}: ${(e as Error).message}\n`);
  }
}

/** Runs the sweep's remaining configurations on a pool of worker processes. */
export function runLocalSweep(sweepDir: string, options: PoolOptions): LocalSweep {
  const todo = remainingConfigs(sweepDir);
  const auto = choosePool(todo.length, os.availableParallelism());
  const jobs = options.jobs ?? auto.jobs;
  const threads =
    options.threads ?? (options.jobs ? Math.max(1, Math.floor(os.availableParallelism() / jobs)) : auto.threads);
  const hungAfterMs = options.hungAfterMs ?? 60 * silentAfterMsFromEnv();
  const children = new Set<TaskProcess>();
  let stopped = false;
  let active = true;
  const queue = [...todo];
  const worker = async () => {
    while (!stopped) {
      const index = queue.shift();
      if (index === undefined) return;
      await new Promise<void>((resolve) => {
        const child = (options.spawnTask ?? forkTask)(options.taskEntry, [sweepDir, String(index), String(threads)], {
          ...process.env,
          ...(options.cacheDir ? { SPIKEWRIGHT_CACHE: options.cacheDir } : {}),
        });
        let stderr = '';
        child.onStderr((text) => {
          stderr = (stderr + text).slice(-2000);
        });
        children.add(child);
        let exited = false;
        const exitListeners: (() => void)[] = [];
        let hung: number | null = null;
        // The same watchdog as a single run's (services/watchdog.ts): a task that stops
        // answering is ended, SIGTERM then SIGKILL (which also ends a SIGSTOPped process).
        const liveness = watchLiveness({
          silentAfterMs: hungAfterMs,
          startupMs: 2 * hungAfterMs,
          onStalled: (silentMs) => {
            hung = silentMs;
            void endProcess({
              kill: (signal) => child.kill(signal),
              onExit: (listener) => exitListeners.push(listener),
              exited: () => exited,
            });
          },
          onAlive: () => {},
        });
        let lastChange = 0;
        child.onMessage((message) => {
          liveness.beat();
          const heartbeat = (message as { type?: string })?.type === 'heartbeat';
          // Progress is read from the run folder; a heartbeat a second is enough to refresh it.
          if (!heartbeat || Date.now() - lastChange > 1000) {
            lastChange = Date.now();
            options.onChange?.();
          }
        });
        child.onExit((code, signal) => {
          exited = true;
          liveness.dispose();
          children.delete(child);
          for (const listener of exitListeners.splice(0)) listener();
          if (hung !== null)
            recordDeadTask(
              sweepDir,
              index,
              `The worker process stopped answering (silent for ${Math.round(hung / 1000)} s: hung, suspended or out of memory) and was ended.`,
            );
          else if ((code !== 0 || signal) && !stopped) {
            // A worker that died before its run could say so (out of memory, killed by the
            // system or a user): the run is failed, with what the process last said.
            const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
            const said = stderr.trim().split('\n').slice(-3).join(' ').slice(0, 500);
            recordDeadTask(
              sweepDir,
              index,
              `The worker process ${how} before the run finished${said ? `: ${said}` : '.'}`,
            );
            if (code !== 0 && !signal && stderr) process.stderr.write(stderr);
          }
          options.onChange?.();
          resolve();
        });
      });
    }
  };
  const finished = Promise.all(Array.from({ length: jobs }, worker)).then(() => {
    active = false;
    options.onChange?.();
    return { stopped };
  });
  return {
    jobs,
    threads,
    finished,
    stop() {
      stopped = true;
      queue.length = 0;
      // Each task marks its run stopped on SIGTERM and exits.
      for (const child of children) child.kill('SIGTERM');
    },
    get active() {
      return active;
    },
  };
}
