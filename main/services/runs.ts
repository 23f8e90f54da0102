// The API's run-history and sweep handlers, the same for Electron and web mode. A document's
// runs are in its runs folder (`net.runs/` beside `net.snn.json`, main/experiments/runStore.ts);
// an unsaved document's in the app's data folder. The page names a document by the path it was
// saved to, and that path must pass the same check as a save (documentAccess.ts), so it can
// reach no runs folder but those of documents it may write. Sweeps run on the local pool
// (main/experiments/sweep.ts); their progress is pushed as 'sweep' events.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ApiError, type ApiHandlers, type SweepEvent } from '../../shared/api/contract';
import type { SweepStatus } from '../../shared/api/runs';
import { gridConfigs, randomConfigs, resolveParam, SweepPlanError } from '../../shared/api/sweepPlan';
import { loadSnnFile } from '../../shared/file/snnFile';
import { deleteRun, listRuns, RunStoreError, readRun, readRunWeights, runsFolderFor } from '../experiments/runStore';
import { createSweep, type LocalSweep, runLocalSweep, type SpawnTask, sweepStatus } from '../experiments/sweep';
import type { DocumentAccess } from './documentAccess';

export type RunsHandlers = Pick<
  ApiHandlers,
  | 'listRuns'
  | 'showRun'
  | 'deleteRuns'
  | 'openRunWeights'
  | 'startSweep'
  | 'stopSweep'
  | 'resumeSweep'
  | 'sweepStatus'
  | 'deleteSweep'
>;

export interface RunsServiceOptions {
  access: DocumentAccess;
  /** Unsaved documents' runs go to `<stateDir>/runs`. */
  stateDir: string;
  /** The sweep task entry: main/experiments/taskMain.ts (tsx), or the bundled taskMain.cjs. */
  taskEntry: string;
  emit: (event: SweepEvent) => void;
  /** Overrides the pool's hung-task limit (tests). */
  hungAfterMs?: number;
  /** How task processes start (Electron: a utilityProcess, since its fuses forbid run-as-Node). */
  spawnTask?: SpawnTask;
}

export interface RunsService {
  handlers: RunsHandlers;
  /** The runs folder of a document (checked like a save), or of unsaved documents. */
  folderFor(documentPath: string | null | undefined): Promise<string>;
  /** Stops every sweep this process runs (backend shutdown). */
  dispose(): void;
}

/** Store and plan errors are the user's to read; anything else is a bug and is summarised by the dispatcher. */
async function userErrors<T>(work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof RunStoreError || error instanceof SweepPlanError) throw new ApiError(error.message);
    throw error;
  }
}

export function createRunsService(options: RunsServiceOptions): RunsService {
  const pools = new Map<string, LocalSweep>();
  const folderFor = async (documentPath: string | null | undefined) =>
    documentPath ? runsFolderFor(await options.access.forWrite(documentPath)) : path.join(options.stateDir, 'runs');

  const statusOf = (folder: string, ref: string): SweepStatus => {
    const dir = path.join(folder, ref);
    const pool = pools.get(dir);
    return sweepStatus(dir, ref, pool?.active ? { active: true, jobs: pool.jobs, threadsPerRun: pool.threads } : {});
  };
  const sweepDir = (folder: string, ref: string) => {
    const dir = path.join(folder, ref);
    if (!existsSync(path.join(dir, 'sweep.json'))) throw new ApiError(`${ref} is not a sweep of this document.`);
    return dir;
  };
  const listSweeps = (folder: string): SweepStatus[] => {
    let ids: string[] = [];
    try {
      ids = readdirSync(path.join(folder, 'sweeps'));
    } catch {}
    const out: SweepStatus[] = [];
    for (const id of ids) {
      try {
        out.push(statusOf(folder, `sweeps/${id}`));
      } catch {
        // A folder that is not a readable sweep (half deleted, foreign) is left out.
      }
    }
    return out.sort((a, b) => (a.plan.createdAt < b.plan.createdAt ? 1 : -1));
  };

  /** Starts the pool on what the sweep has left; events at most every half second, and at the end. */
  const launch = (folder: string, ref: string, jobs?: number) => {
    const dir = sweepDir(folder, ref);
    if (pools.get(dir)?.active) throw new ApiError('This sweep is already running.');
    let timer: ReturnType<typeof setTimeout> | null = null;
    let last = 0;
    const send = () => {
      timer = null;
      last = Date.now();
      try {
        options.emit({ type: 'sweep', folder, status: statusOf(folder, ref) });
      } catch {
        // The folder was deleted under the pool; its tasks fail on their own.
      }
    };
    const onChange = () => {
      if (timer) return;
      timer = setTimeout(send, Math.max(0, 500 - (Date.now() - last)));
    };
    const pool = runLocalSweep(dir, {
      taskEntry: options.taskEntry,
      onChange,
      ...(jobs !== undefined ? { jobs } : {}),
      ...(options.hungAfterMs !== undefined ? { hungAfterMs: options.hungAfterMs } : {}),
      ...(options.spawnTask ? { spawnTask: options.spawnTask } : {}),
    });
    pools.set(dir, pool);
    void pool.finished.then(() => {
      if (timer) clearTimeout(timer);
      send();
    });
    return statusOf(folder, ref);
  };

  const handlers: RunsHandlers = {
    listRuns: ({ documentPath }) =>
      userErrors(async () => {
        const folder = await folderFor(documentPath);
        return { folder, runs: listRuns(folder), sweeps: listSweeps(folder) };
      }),
    showRun: ({ documentPath, ref }) => userErrors(async () => readRun(await folderFor(documentPath), ref)),
    deleteRuns: ({ documentPath, refs }) =>
      userErrors(async () => {
        const folder = await folderFor(documentPath);
        const deleted: string[] = [];
        for (const ref of refs) {
          deleteRun(folder, ref);
          deleted.push(ref);
        }
        return { deleted };
      }),
    openRunWeights: ({ documentPath, ref }) =>
      userErrors(async () => {
        const folder = await folderFor(documentPath);
        const text = readRunWeights(folder, ref);
        const loaded = loadSnnFile(text, `run ${ref}`);
        if (!loaded.ok) throw new ApiError(loaded.error);
        return { text, name: loaded.file.metadata.name || ref };
      }),
    startSweep: (request) =>
      userErrors(async () => {
        const folder = await folderFor(request.documentPath);
        const loaded = loadSnnFile(request.document, 'the document');
        if (!loaded.ok) throw new ApiError(loaded.error);
        const graph = loaded.file.graph;
        let axes: { path: string; values: number[] }[];
        let configs: Record<string, number>[];
        let mode: 'grid' | 'random';
        if (request.random) {
          if (request.axes?.length) throw new ApiError('A sweep is a grid or random draws, not both.');
          const specs = request.random.params.map((p) => {
            const param = resolveParam(graph, p.path);
            if (p.hi < p.lo) throw new ApiError(`${param.path}: the high end is below the low end.`);
            if (p.dist === 'loguniform' && p.lo <= 0)
              throw new ApiError(`${param.path}: a log-uniform draw needs a positive low end.`);
            if (param.field.integer && p.dist !== 'int')
              throw new ApiError(`${param.path} takes whole numbers; draw it as integers.`);
            return { ...p, path: param.path };
          });
          configs = randomConfigs(specs, request.random.count, request.random.seed ?? 0);
          axes = specs.map((s) => ({ path: s.path, values: [...new Set(configs.map((c) => c[s.path] as number))] }));
          mode = 'random';
        } else {
          if (!request.axes?.length) throw new ApiError('Choose at least one parameter to sweep.');
          axes = request.axes.map((a) => {
            const param = resolveParam(graph, a.path);
            for (const v of a.values) {
              if (!Number.isFinite(v)) throw new ApiError(`${param.path}: ${v} is not a number.`);
              if (param.field.integer && !Number.isInteger(v))
                throw new ApiError(`${param.path} takes whole numbers; ${v} is not one.`);
            }
            if (new Set(a.values).size !== a.values.length) throw new ApiError(`${param.path} lists a value twice.`);
            return { path: param.path, values: a.values };
          });
          configs = gridConfigs(axes);
          mode = 'grid';
        }
        if (configs.length > 10_000)
          throw new ApiError(`That is ${configs.length} configurations; a sweep here takes at most 10,000.`);
        const { dir } = createSweep(folder, request.document, {
          name: request.name?.trim() || loaded.file.metadata.name || 'sweep',
          mode,
          axes,
          configs: configs.map((values, index) => ({ index, values })),
          settings: {
            engine: request.engine ?? 'fast',
            ...(request.epochs !== undefined ? { epochs: request.epochs } : {}),
            ...(request.maxBatches !== undefined ? { maxBatches: request.maxBatches } : {}),
            ...(request.maxEvalBatches !== undefined ? { maxEvalBatches: request.maxEvalBatches } : {}),
          },
        });
        return launch(folder, path.relative(folder, dir).split(path.sep).join('/'), request.jobs);
      }),
    stopSweep: ({ documentPath, ref }) =>
      userErrors(async () => {
        const folder = await folderFor(documentPath);
        const pool = pools.get(sweepDir(folder, ref));
        if (pool?.active) {
          pool.stop();
          await pool.finished;
        }
        return statusOf(folder, ref);
      }),
    resumeSweep: ({ documentPath, ref, jobs }) =>
      userErrors(async () => {
        const folder = await folderFor(documentPath);
        const status = statusOf(folder, ref);
        if (status.plan.slurm)
          throw new ApiError(
            'This sweep runs on Slurm; resume it with `npm run cli -- sweep resume <folder> --slurm` on the cluster.',
          );
        return launch(folder, ref, jobs);
      }),
    sweepStatus: ({ documentPath, ref }) =>
      userErrors(async () => {
        const folder = await folderFor(documentPath);
        sweepDir(folder, ref);
        return statusOf(folder, ref);
      }),
    deleteSweep: ({ documentPath, ref }) =>
      userErrors(async () => {
        const folder = await folderFor(documentPath);
        const dir = sweepDir(folder, ref);
        const status = statusOf(folder, ref);
        if (status.active || status.counts.running > 0)
          throw new ApiError('The sweep is still running; stop it first.');
        rmSync(dir, { recursive: true, force: true });
        pools.delete(dir);
        return {};
      }),
  };
  return {
    handlers,
    folderFor,
    dispose() {
      for (const pool of pools.values()) if (pool.active) pool.stop();
    },
  };
}
