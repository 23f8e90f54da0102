// What the training bar says: why Train is unavailable, which phase a run is in, how far it
// has got, and (only once it is stable) how long it has left. Pure, so it is unit-tested.
import type { SavedRun } from '../../../shared/file/savedRun';
import type { GraphDocument } from '../../../shared/graph/document';
import { problemsOf } from '../graph/problems';
import type { TrainingRun } from './trainingSlice';

/** Why the graph cannot be trained now, or null when it can. */
export function trainBlocker(graph: GraphDocument): string | null {
  const { all, errors } = problemsOf(graph);
  if (errors === 0) return null;
  const first = all.find((p) => p.severity === 'error')?.message ?? 'The graph has errors.';
  return errors === 1
    ? `Fix this before training: ${first}`
    : `Fix ${errors} errors before training (see Problems). First: ${first}`;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s`;
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds % 60);
  if (m < 60) return s ? `${m} min ${s} s` : `${m} min`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export type Phase = 'idle' | 'preparing' | 'compiling' | 'training' | 'evaluating' | 'paused' | 'finished';

export function phaseOf(run: TrainingRun): Phase {
  switch (run.status) {
    case 'idle':
      return 'idle';
    case 'starting':
      return 'preparing';
    case 'paused':
      return 'paused';
    case 'running': {
      if (run.epochs === 0) return 'preparing';
      if (run.batchX.length === 0) return 'compiling';
      const done = batchesDone(run);
      return done >= run.epochs * run.batchesPerEpoch && run.epochX.length >= run.epochs ? 'evaluating' : 'training';
    }
    default:
      return 'finished';
  }
}

export function batchesDone(run: TrainingRun): number {
  return run.batchX.length ? (run.batchX[run.batchX.length - 1] as number) : 0;
}

/**
 * Seconds left, from the pace since the first batch arrived (compiling and loading data are
 * not training pace), once at least 5 batches and 5 s of training are behind it; null before.
 */
export function secondsLeft(run: TrainingRun, now: number): number | null {
  if (run.status !== 'running' || run.firstBatchAt === null) return null;
  const first = run.batchX[0] ?? 0;
  const done = batchesDone(run);
  const since = done - first;
  const elapsed = (now - run.firstBatchAt) / 1000;
  if (since < 5 || elapsed < 5) return null;
  const total = run.epochs * run.batchesPerEpoch;
  return Math.max(0, ((total - done) * elapsed) / since);
}

/** The status sentence of the training bar. */
export function statusText(run: TrainingRun, now: number): string {
  const progress = () => {
    const samples =
      run.samplesPerSecond > 0 ? ` · ${Math.round(run.samplesPerSecond).toLocaleString('en-US')} samples/s` : '';
    return `epoch ${run.epoch}/${run.epochs} · batch ${run.batch}/${run.batchesPerEpoch}${samples}`;
  };
  if (run.refused && (run.status === 'idle' || phaseOf(run) === 'finished'))
    return `Training did not start: ${run.refused}`;
  if (run.pending === 'stopping') return 'Stopping after this batch…';
  if (run.pending === 'pausing') return `Pausing after this batch… (${progress()})`;
  switch (phaseOf(run)) {
    case 'idle':
      return 'Ready to train.';
    case 'preparing':
      return 'Preparing the data…';
    case 'compiling':
      return `Compiling the network and running the first batch… (${run.epochs} epochs of ${run.batchesPerEpoch} batches)`;
    case 'training': {
      const left = secondsLeft(run, now);
      return `Training ${progress()}${left === null ? ' · estimating time left…' : ` · ${formatDuration(left)} left`}`;
    }
    case 'evaluating':
      return 'Evaluating on the test set…';
    case 'paused':
      return `Paused at ${progress()}.`;
    case 'finished':
      if (run.status === 'done') {
        const acc = run.result?.testAcc;
        return `Finished in ${formatDuration(run.result?.seconds ?? 0)}${acc !== undefined ? `: test accuracy ${(acc * 100).toFixed(1)}%` : ''}.`;
      }
      if (run.status === 'stopped')
        return `Stopped after ${formatDuration(run.result?.seconds ?? 0)}; the weights trained so far are in the document.`;
      return 'The run failed.';
  }
}

const ORDINAL = (n: number) => {
  const s =
    n % 100 >= 11 && n % 100 <= 13 ? 'th' : (({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th');
  return `${n}${s}`;
};

/** Where the training runs, in words: "CPU, fast engine (WebAssembly)". */
export function engineWords(run: TrainingRun): string | null {
  if (!run.backend) return null;
  const backend =
    { wasm: 'WebAssembly', tensorflow: 'native TensorFlow', cpu: 'plain JavaScript', webgl: 'GPU (WebGL)' }[
      run.backend
    ] ?? run.backend;
  const device = run.backend === 'webgl' ? 'GPU' : 'CPU';
  const threads = /(\d+) threads?/.exec(run.notes.join(' '))?.[1];
  const engine = run.engine === 'fast' ? 'fast engine' : `reference engine, ${backend}`;
  return `${device}, ${engine}${threads ? `, ${threads} threads` : ''}`;
}

/** "showing every 3rd snapshot to keep up" when the live plots skip frames, else null. */
export function frameWords(run: TrainingRun): string | null {
  if (run.dropped === 0 || run.activityFrames === 0) return null;
  const every = Math.max(2, Math.round((run.activityFrames + run.dropped) / run.activityFrames));
  return `Live plots show every ${ORDINAL(every)} batch to keep up`;
}

/** What the training view says over a run saved with the document (shown until a new run starts). */
export function savedRunText(saved: SavedRun): string {
  const when = new Date(saved.finishedAt);
  const date = Number.isNaN(when.getTime())
    ? 'an earlier session'
    : when.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
  const how =
    saved.outcome === 'stopped'
      ? `stopped after ${formatDuration(saved.seconds)}`
      : `finished in ${formatDuration(saved.seconds)}`;
  const acc = saved.testAccuracy !== undefined ? `, test accuracy ${(saved.testAccuracy * 100).toFixed(1)}%` : '';
  const every = saved.batchCurves.every > 1 ? ` Batch curve: mean of every ${saved.batchCurves.every} batches.` : '';
  return `Saved run (${date}): ${saved.epochCurves.x.length} of ${saved.epochs} epochs completed, ${how}${acc}.${every}`;
}
