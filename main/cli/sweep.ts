// `cli sweep ...`: parameter sweeps on this machine's cores or on a Slurm cluster.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { heatmapCsv, heatmapGrid, heatmapSvg, type SweepMetric, type SweepStatus } from '../../shared/api/runs';
import { gridConfigs, parseAxisSpec, parseRandomSpec, randomConfigs, SweepPlanError } from '../../shared/api/sweepPlan';
import { loadSnnFile } from '../../shared/file/snnFile';
import { RunStoreError, runsFolderFor } from '../experiments/runStore';

export const SWEEP_USAGE = `Usage:
  npm run cli -- sweep <graph.snn.json> --grid <param>=<values> [--grid ...] [options]
  npm run cli -- sweep <graph.snn.json> --random N --param <param>=<dist> [--param ...] [options]
  npm run cli -- sweep status <sweep folder> [--json]
  npm run cli -- sweep resume <sweep folder> [--jobs N] [--threads N] [--slurm ...]
  npm run cli -- sweep heatmap <sweep folder> --x <param> --y <param> [--metric testAcc|trainAcc] -o <file.svg|file.csv>
  npm run cli -- sweep task <sweep folder> --index I [--threads N]     (what each pool or Slurm task runs)

Parameters are <node or connection id>.<parameter> (train.learningRate, hidden.tauMem, reg.strength,
w_in.scale) or a bare name one node has (surrogateScale, learningRate, lr, seed).
Values: 1,2,5 | log:0.1:100:7 (log-spaced) | lin:0:1:5 | range:0:3 (integers).
Random draws: loguniform:1e-4:1e-2 | uniform:5:20 | int:0:9, with --random N [--random-seed S].

Options: --epochs N --max-batches N --max-eval-batches N --engine fast|reference --name NAME
  --out DIR (the runs folder; default <graph>.runs beside the graph)
  --jobs N --threads N  (default: one run per core, one thread each; more threads per run only
                         when there are fewer runs than cores)
  --slurm [--cpus-per-task N] [--sbatch ARG ...] [--max-parallel N] [--no-follow]
         write a Slurm job array script into the sweep folder, submit it with sbatch, follow the folder.`;

class CliError extends Error {}

function int(v: string | undefined, name: string, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min)
    throw new CliError(`--${name} must be a whole number of at least ${min} (got ${v}).`);
  return n;
}

function userPath(p: string): string {
  return path.resolve(process.env.INIT_CWD ?? process.cwd(), p);
}

const taskEntry = () => fileURLToPath(new URL('../experiments/taskMain.ts', import.meta.url));

export async function runSweepCommand(argv: string[]): Promise<number> {
  try {
    return await sweepCommand(argv);
  } catch (e) {
    if (
      e instanceof CliError ||
      e instanceof SweepPlanError ||
      e instanceof RunStoreError ||
      (e as Error).name === 'SlurmError'
    ) {
      process.stderr.write(`error: ${(e as Error).message}\n`);
      return 2;
    }
    if ((e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`error: ${(e as Error).message}\n${SWEEP_USAGE}\n`);
      return 2;
    }
    throw e;
  }
}

const options = {
  grid: { type: 'string', multiple: true },
  param: { type: 'string', multiple: true },
  random: { type: 'string' },
  'random-seed': { type: 'string' },
  epochs: { type: 'string' },
  'max-batches': { type: 'string' },
  'max-eval-batches': { type: 'string' },
  engine: { type: 'string' },
  name: { type: 'string' },
  out: { type: 'string' },
  jobs: { type: 'string' },
  threads: { type: 'string' },
  slurm: { type: 'boolean' },
  'cpus-per-task': { type: 'string' },
  sbatch: { type: 'string', multiple: true },
  'max-parallel': { type: 'string' },
  'no-follow': { type: 'boolean' },
  json: { type: 'boolean' },
  index: { type: 'string' },
  x: { type: 'string' },
  y: { type: 'string' },
  metric: { type: 'string' },
  o: { type: 'string', short: 'o' },
  help: { type: 'boolean' },
} as const;

async function sweepCommand(argv: string[]): Promise<number> {
  const { values: f, positionals } = parseArgs({ args: argv, options, allowPositionals: true });
  if (f.help || !positionals.length) {
    process.stdout.write(`${SWEEP_USAGE}\n`);
    return f.help ? 0 : 2;
  }
  const [first, second] = positionals;
  const { loadSweep, runSweepTask, sweepStatus } = await import('../experiments/sweep');
  if (first === 'task') {
    if (!second) throw new CliError('sweep task needs the sweep folder.');
    const index = int(f.index, 'index', 0);
    if (index === undefined) throw new CliError('sweep task needs --index I.');
    const controller = new AbortController();
    process.on('SIGTERM', () => controller.abort());
    const status = await runSweepTask(userPath(second), index, {
      threads: int(f.threads, 'threads', 1) ?? 1,
      source: process.env.SLURM_JOB_ID ? 'slurm' : 'sweep',
      signal: controller.signal,
    });
    process.stderr.write(`configuration ${index}: ${status}\n`);
    return status === 'failed' ? 1 : 0;
  }
  if (first === 'status') {
    if (!second) throw new CliError('sweep status needs the sweep folder.');
    const dir = userPath(second);
    const plan = loadSweep(dir);
    const lost = plan.slurm ? await lostSlurmTasks(dir, plan.slurm.jobId) : undefined;
    const status = sweepStatus(dir, dir, lost ? { lost } : {});
    if (f.json) process.stdout.write(`${JSON.stringify(status)}\n`);
    else printStatus(status);
    return status.counts.failed ? 1 : 0;
  }
  if (first === 'heatmap') {
    if (!second) throw new CliError('sweep heatmap needs the sweep folder.');
    const dir = userPath(second);
    const status = sweepStatus(dir, dir);
    const axes = status.plan.axes.map((a) => a.path);
    const pick = (v: string | undefined, i: number) => {
      if (v === undefined) {
        const a = axes[i];
        if (!a) throw new CliError('A heatmap needs two swept parameters (--x and --y).');
        return a;
      }
      const hit = axes.find((a) => a === v || a.endsWith(`.${v}`));
      if (!hit) throw new CliError(`'${v}' is not swept here (swept: ${axes.join(', ')}).`);
      return hit;
    };
    const metric = (f.metric ?? 'testAcc') as SweepMetric;
    if (!['testAcc', 'trainAcc', 'valAcc'].includes(metric))
      throw new CliError('--metric must be testAcc or trainAcc.');
    const grid = heatmapGrid(status.configs, pick(f.x, 0), pick(f.y, 1), metric);
    const out = f.o ?? f.out;
    if (!out) throw new CliError('sweep heatmap needs -o <file.svg> or -o <file.csv>.');
    const text = out.endsWith('.csv')
      ? heatmapCsv(grid)
      : heatmapSvg(grid, { title: `${status.plan.name}: ${metric} (mean over other parameters)` });
    await writeFile(userPath(out), text);
    process.stdout.write(`wrote ${out}\n`);
    return 0;
  }
  if (first === 'resume') {
    if (!second) throw new CliError('sweep resume needs the sweep folder.');
    return execute(userPath(second), f);
  }
  // A new sweep.
  const graphPath = userPath(first as string);
  if (second) throw new CliError(`Unexpected argument '${second}'.`);
  let text: string;
  try {
    text = await readFile(graphPath, 'utf8');
  } catch {
    throw new CliError(`The graph file '${first}' cannot be read.`);
  }
  const loaded = loadSnnFile(text, path.basename(graphPath));
  if (!loaded.ok) throw new CliError(loaded.error);
  const graph = loaded.file.graph;
  const engine = f.engine ?? 'fast';
  if (engine !== 'fast' && engine !== 'reference') throw new CliError('--engine must be fast or reference.');
  let mode: 'grid' | 'random';
  let axes: { path: string; values: number[] }[];
  let configs: Record<string, number>[];
  if (f.random !== undefined) {
    if (f.grid?.length) throw new CliError('Use --grid or --random, not both.');
    const count = int(f.random, 'random', 1) as number;
    const specs = (f.param ?? []).map((s) => parseRandomSpec(graph, s));
    configs = randomConfigs(specs, count, int(f['random-seed'], 'random-seed', 0) ?? 0);
    mode = 'random';
    axes = specs.map((s) => ({ path: s.path, values: [...new Set(configs.map((c) => c[s.path] as number))] }));
  } else {
    if (!f.grid?.length) throw new CliError('sweep needs --grid <param>=<values> (or --random N --param ...).');
    axes = f.grid.map((s) => parseAxisSpec(graph, s));
    configs = gridConfigs(axes);
    mode = 'grid';
  }
  const epochs = int(f.epochs, 'epochs', 1);
  const maxBatches = int(f['max-batches'], 'max-batches', 1);
  const maxEvalBatches = int(f['max-eval-batches'], 'max-eval-batches', 1);
  const { createSweep } = await import('../experiments/sweep');
  const runsFolder = f.out ? userPath(f.out) : runsFolderFor(graphPath);
  const { dir } = createSweep(runsFolder, text, {
    name: f.name ?? path.basename(graphPath).replace(/\.snn\.json$/, ''),
    mode,
    axes,
    configs: configs.map((values, index) => ({ index, values })),
    settings: {
      engine,
      ...(epochs !== undefined ? { epochs } : {}),
      ...(maxBatches !== undefined ? { maxBatches } : {}),
      ...(maxEvalBatches !== undefined ? { maxEvalBatches } : {}),
    },
  });
  process.stderr.write(`Sweep of ${configs.length} configurations in ${dir}\n`);
  process.stdout.write(`${JSON.stringify({ sweep: dir, configurations: configs.length })}\n`);
  return execute(dir, f);
}

type Flags = ReturnType<
  typeof parseArgs<{ args: string[]; options: typeof options; allowPositionals: true }>
>['values'];

async function execute(dir: string, f: Flags): Promise<number> {
  const { remainingConfigs, runLocalSweep, sweepStatus } = await import('../experiments/sweep');
  const todo = remainingConfigs(dir);
  if (f.slurm) {
    const { submitSweep } = await import('../experiments/slurm');
    const maxParallel = int(f['max-parallel'], 'max-parallel', 1);
    const { jobId, script } = await submitSweep(dir, todo, {
      cpusPerTask: int(f['cpus-per-task'], 'cpus-per-task', 1) ?? 1,
      sbatchArgs: f.sbatch ?? [],
      ...(maxParallel !== undefined ? { maxParallel } : {}),
    });
    process.stderr.write(`Submitted ${todo.length} tasks as Slurm job ${jobId} (${script})\n`);
    if (f['no-follow']) return 0;
    return follow(dir, jobId);
  }
  if (!todo.length) {
    process.stderr.write('Every configuration has finished.\n');
    printStatus(sweepStatus(dir, dir));
    return 0;
  }
  const jobs = int(f.jobs, 'jobs', 1);
  const threads = int(f.threads, 'threads', 1);
  let last = 0;
  const pool = runLocalSweep(dir, {
    taskEntry: taskEntry(),
    ...(jobs !== undefined ? { jobs } : {}),
    ...(threads !== undefined ? { threads } : {}),
    onChange: () => {
      const now = Date.now();
      if (now - last < 1000) return;
      last = now;
      const s = sweepStatus(dir, dir, { jobs: pool.jobs });
      process.stderr.write(`${progressLine(s)}\n`);
    },
  });
  process.stderr.write(
    `Running ${todo.length} configurations, ${pool.jobs} at a time with ${pool.threads} thread${pool.threads > 1 ? 's' : ''} each.\n`,
  );
  const stop = () => {
    process.stderr.write('Stopping; finished runs are kept (sweep resume continues).\n');
    pool.stop();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const { stopped } = await pool.finished;
  const status = sweepStatus(dir, dir);
  printStatus(status);
  if (stopped) return 130;
  return status.counts.failed ? 1 : 0;
}

async function lostSlurmTasks(dir: string, jobId: string): Promise<Set<number>> {
  const { queuedTasks } = await import('../experiments/slurm');
  const { loadSweep, sweepStatus } = await import('../experiments/sweep');
  const queued = await queuedTasks(jobId);
  const lost = new Set<number>();
  if (!queued) return lost;
  const status = sweepStatus(dir, dir);
  void loadSweep;
  for (const c of status.configs)
    if ((c.status === 'pending' || c.status === 'running') && !queued.has(c.index)) lost.add(c.index);
  return lost;
}

async function follow(dir: string, jobId: string): Promise<number> {
  const { sweepStatus } = await import('../experiments/sweep');
  let lastLine = '';
  for (;;) {
    const lost = await lostSlurmTasks(dir, jobId);
    const s = sweepStatus(dir, dir, { lost });
    const line = progressLine(s);
    if (line !== lastLine) process.stderr.write(`${line}\n`);
    lastLine = line;
    if (s.counts.pending === 0 && s.counts.running === 0) {
      printStatus(s);
      return s.counts.failed ? 1 : 0;
    }
    await new Promise((r) => setTimeout(r, 2000));
  }
}

function formatSeconds(s: number): string {
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

function progressLine(s: SweepStatus): string {
  const total = s.configs.length;
  const eta = s.etaSeconds !== null && s.counts.done < total ? `, about ${formatSeconds(s.etaSeconds)} left` : '';
  return `${s.counts.done}/${total} done, ${s.counts.running} running, ${s.counts.failed} failed${eta}`;
}

function printStatus(s: SweepStatus) {
  const paths = s.plan.axes.map((a) => a.path);
  const head = [
    '#',
    ...paths.map((p) => p.slice(p.lastIndexOf('.') + 1)),
    'status',
    'test_acc',
    'train_acc',
    'seconds',
  ];
  const rows = s.configs.map((c) => [
    String(c.index),
    ...paths.map((p) => String(c.values[p])),
    c.status,
    c.testAcc?.toFixed(4) ?? '',
    c.trainAcc?.toFixed(4) ?? '',
    c.seconds?.toFixed(1) ?? '',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const fmt = (r: string[]) => r.map((v, i) => v.padEnd(widths[i] as number)).join('  ');
  process.stdout.write(`${s.plan.name} (${s.plan.mode}, ${s.configs.length} configurations)\n${fmt(head)}\n`);
  for (const r of rows) process.stdout.write(`${fmt(r)}\n`);
  for (const c of s.configs) if (c.error) process.stdout.write(`  #${c.index} failed: ${c.error}\n`);
  process.stdout.write(`${progressLine(s)}\n`);
}
