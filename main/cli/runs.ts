// `cli runs list|show|compare`: the run history beside a graph file (or any runs folder).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { diffSettings, type RunSummary } from '../../shared/api/runs';
import { listRuns, RunStoreError, readRun, runsFolderFor } from '../experiments/runStore';

export const RUNS_USAGE = `Usage:
  npm run cli -- runs list <graph.snn.json | runs folder> [--json]
  npm run cli -- runs show <graph.snn.json | runs folder> <run> [--json]
  npm run cli -- runs compare <graph.snn.json | runs folder> <run> <run>
A run is named by its folder under the runs folder (as runs list prints it) or by a unique prefix.`;

function userPath(p: string): string {
  return path.resolve(process.env.INIT_CWD ?? process.cwd(), p);
}

/** A graph file names its runs folder (net.snn.json -> net.runs); a folder is taken as is. */
function folderOf(arg: string): string {
  const p = userPath(arg);
  if (/\.json$/i.test(p)) return runsFolderFor(p);
  return p;
}

function findRun(runs: RunSummary[], name: string): string {
  const exact = runs.find((r) => r.ref === name || r.id === name);
  if (exact) return exact.ref;
  const hits = runs.filter((r) => r.ref.startsWith(name) || r.id.startsWith(name));
  if (hits.length === 1) return (hits[0] as RunSummary).ref;
  throw new RunStoreError(hits.length ? `'${name}' names ${hits.length} runs; give more of it.` : `No run '${name}'.`);
}

const pct = (v: number | undefined) => (v === undefined ? '' : v.toFixed(4));

export async function runRunsCommand(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (e) {
    process.stderr.write(`error: ${(e as Error).message}\n${RUNS_USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [sub, where, a, b] = positionals;
  if (values.help || !sub) {
    process.stdout.write(`${RUNS_USAGE}\n`);
    return values.help ? 0 : 2;
  }
  try {
    if (!where) throw new RunStoreError(`runs ${sub} needs a graph file or runs folder.`);
    const folder = folderOf(where);
    if (!existsSync(folder)) throw new RunStoreError(`No runs recorded yet (${folder} does not exist).`);
    const runs = listRuns(folder);
    if (sub === 'list') {
      if (values.json) {
        process.stdout.write(`${JSON.stringify(runs)}\n`);
        return 0;
      }
      const rows = runs.map((r) => [
        r.ref,
        r.status,
        r.source,
        r.seconds !== undefined ? r.seconds.toFixed(1) : '',
        pct(r.final?.testAcc),
        pct(r.final?.trainAcc),
        r.name,
      ]);
      const head = ['run', 'status', 'source', 'seconds', 'test_acc', 'train_acc', 'name'];
      const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
      for (const r of [head, ...rows])
        process.stdout.write(
          `${r.map((v, i) => (i === r.length - 1 ? v : v.padEnd(widths[i] as number))).join('  ')}\n`,
        );
      return 0;
    }
    if (sub === 'show') {
      if (!a) throw new RunStoreError('runs show needs a run.');
      const detail = readRun(folder, findRun(runs, a));
      if (values.json) {
        process.stdout.write(`${JSON.stringify(detail)}\n`);
        return 0;
      }
      const r = detail.run;
      const lines = [
        `${r.ref}: ${r.name}`,
        `status ${r.status}${r.error ? ` (${r.error})` : ''}, ${r.source}, started ${r.startedAt}${r.seconds !== undefined ? `, ${r.seconds.toFixed(1)} s` : ''}`,
        `engine ${r.engine}, backend ${r.backend ?? '?'}, ${r.threads} thread(s), seed ${r.seed}`,
        `test_acc ${pct(r.final?.testAcc) || '-'}  train_acc ${pct(r.final?.trainAcc) || '-'}  batches recorded ${detail.batches.length}`,
        ...detail.epochs.map(
          (e) =>
            `  epoch ${e.epoch}: train_loss ${e.trainLoss.toFixed(4)} train_acc ${e.trainAcc.toFixed(4)}${e.valAcc !== undefined ? ` val_acc ${e.valAcc.toFixed(4)}` : ''}`,
        ),
        `files in ${path.join(folder, r.ref)}`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
      return 0;
    }
    if (sub === 'compare') {
      if (!a || !b) throw new RunStoreError('runs compare needs two runs.');
      const x = readRun(folder, findRun(runs, a));
      const y = readRun(folder, findRun(runs, b));
      const diff = diffSettings(x.settings, y.settings);
      const fmt = (v: unknown) => (v === undefined ? '(none)' : String(v));
      process.stdout.write(`${x.run.ref}  vs  ${y.run.ref}\n`);
      process.stdout.write(
        `test_acc ${pct(x.run.final?.testAcc) || '-'} vs ${pct(y.run.final?.testAcc) || '-'}; seconds ${x.run.seconds?.toFixed(1) ?? '-'} vs ${y.run.seconds?.toFixed(1) ?? '-'}\n`,
      );
      if (!diff.length) process.stdout.write('Same settings.\n');
      for (const d of diff) process.stdout.write(`  ${d.key}: ${fmt(d.a)} -> ${fmt(d.b)}\n`);
      return 0;
    }
    throw new RunStoreError(`Unknown runs command '${sub}' (list, show, compare).`);
  } catch (e) {
    if (e instanceof RunStoreError) {
      process.stderr.write(`error: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: { json: { type: 'boolean' }, help: { type: 'boolean' } },
    allowPositionals: true,
  });
}
