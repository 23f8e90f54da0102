// The last run's curves and test figures, kept in a document's metadata (`metadata.lastRun`)
// so that reopening the file shows how its weights were trained. Bounded whatever the run's
// length: per-epoch curves (at most MAX_EPOCH_POINTS points), the per-batch curve decimated to
// at most MAX_BATCH_POINTS points (means of consecutive batches), weight and gradient norms of
// at most MAX_NORM_CONNECTIONS connections at MAX_NORM_POINTS points, a confusion matrix of at
// most MAX_CONFUSION_CLASSES classes, values rounded to SIGNIFICANT_DIGITS digits. The worst
// case serialises (in the file's two-space-indented form) to under MAX_SAVED_RUN_BYTES.
import { z } from 'zod';

export const MAX_BATCH_POINTS = 1000;
export const MAX_EPOCH_POINTS = 1000;
export const MAX_NORM_POINTS = 100;
export const MAX_NORM_CONNECTIONS = 32;
export const MAX_CONFUSION_CLASSES = 100;
export const SIGNIFICANT_DIGITS = 5;
/** Upper bound of `metadata.lastRun` in the saved file (checked by a test on the largest run). */
export const MAX_SAVED_RUN_BYTES = 600_000;

export interface SavedRun {
  /** When the run ended, ISO 8601. */
  finishedAt: string;
  outcome: 'finished' | 'stopped';
  seconds: number;
  /** Planned epochs and the batches in each. */
  epochs: number;
  batchesPerEpoch: number;
  engine?: string;
  backend?: string;
  /** One point per completed epoch; x is the batch (over the run) at which the epoch ended. */
  epochCurves: {
    x: number[];
    trainLoss: (number | null)[];
    valLoss: (number | null)[];
    trainAcc: (number | null)[];
    valAcc: (number | null)[];
  };
  /** Each point is the mean of `every` consecutive batches; x is the last of them. */
  batchCurves: { every: number; x: number[]; loss: number[]; acc: number[] };
  /** L2 norms of each connection's weights and gradients at the snapshot batches x. */
  norms?: { x: number[]; connections: Record<string, { weight: (number | null)[]; grad: (number | null)[] }> };
  testAccuracy?: number;
  trainAccuracy?: number;
  /** Rows: true class; columns: predicted class (test set). */
  confusion?: number[][];
}

/** A run's curves as the UI holds them (full length, unrounded): the live run's and a finished run's. */
export interface RunCurves {
  /** Batch curves: x is the batch index over the whole run. */
  batchX: number[];
  batchLoss: number[];
  batchAcc: number[];
  /** One point per completed epoch; x is the batch (over the run) at which the epoch ended. */
  epochX: number[];
  epochTrainLoss: (number | null)[];
  epochValLoss: (number | null)[];
  epochTrainAcc: (number | null)[];
  epochValAcc: (number | null)[];
  /** Batch positions of the norm snapshots, and each connection's norms there. */
  normX: number[];
  norms: Record<string, { weight: (number | null)[]; grad: (number | null)[] }>;
}

/** What a run produced, as the UI holds it (full length, unrounded). */
export interface RunRecord extends RunCurves {
  outcome: 'finished' | 'stopped';
  finishedAt: Date;
  seconds: number;
  epochs: number;
  batchesPerEpoch: number;
  engine?: string | null;
  backend?: string | null;
  testAccuracy?: number;
  trainAccuracy?: number;
  confusion?: number[][];
}

const num = z.number().refine(Number.isFinite, 'must be a finite number');
const count = z.number().int().nonnegative();
const maybe = num.nullable();
const curve = <T extends z.ZodType>(item: T, max: number) => z.array(item).max(max);

export const savedRunSchema = z
  .object({
    finishedAt: z.string().max(40),
    outcome: z.enum(['finished', 'stopped']),
    seconds: num.nonnegative(),
    epochs: count,
    batchesPerEpoch: count,
    engine: z.string().max(40).optional(),
    backend: z.string().max(40).optional(),
    epochCurves: z.object({
      x: curve(num, MAX_EPOCH_POINTS),
      trainLoss: curve(maybe, MAX_EPOCH_POINTS),
      valLoss: curve(maybe, MAX_EPOCH_POINTS),
      trainAcc: curve(maybe, MAX_EPOCH_POINTS),
      valAcc: curve(maybe, MAX_EPOCH_POINTS),
    }),
    batchCurves: z.object({
      every: count.min(1),
      x: curve(num, MAX_BATCH_POINTS),
      loss: curve(num, MAX_BATCH_POINTS),
      acc: curve(num, MAX_BATCH_POINTS),
    }),
    norms: z
      .object({
        x: curve(num, MAX_NORM_POINTS),
        connections: z
          .record(
            z.string().max(200),
            z.object({ weight: curve(maybe, MAX_NORM_POINTS), grad: curve(maybe, MAX_NORM_POINTS) }),
          )
          .refine(
            (c) => Object.keys(c).length <= MAX_NORM_CONNECTIONS,
            `has more than ${MAX_NORM_CONNECTIONS} connections`,
          ),
      })
      .optional(),
    testAccuracy: num.optional(),
    trainAccuracy: num.optional(),
    confusion: z.array(z.array(count).max(MAX_CONFUSION_CLASSES)).max(MAX_CONFUSION_CLASSES).optional(),
  })
  .superRefine((run, ctx) => {
    const e = run.epochCurves;
    for (const key of ['trainLoss', 'valLoss', 'trainAcc', 'valAcc'] as const)
      if (e[key].length !== e.x.length)
        ctx.addIssue({
          code: 'custom',
          path: ['epochCurves', key],
          message: `has ${e[key].length} values for ${e.x.length} epochs`,
        });
    const b = run.batchCurves;
    for (const key of ['loss', 'acc'] as const)
      if (b[key].length !== b.x.length)
        ctx.addIssue({
          code: 'custom',
          path: ['batchCurves', key],
          message: `has ${b[key].length} values for ${b.x.length} points`,
        });
    if (run.norms)
      for (const [id, n] of Object.entries(run.norms.connections))
        if (n.weight.length !== run.norms.x.length || n.grad.length !== run.norms.x.length)
          ctx.addIssue({
            code: 'custom',
            path: ['norms', 'connections', id],
            message: 'does not match the snapshot count',
          });
    if (run.confusion?.some((row) => row.length !== run.confusion?.length))
      ctx.addIssue({ code: 'custom', path: ['confusion'], message: 'is not square' });
  });

const round = (v: number) => Number(v.toPrecision(SIGNIFICANT_DIGITS));
const roundMaybe = (v: number | null | undefined) =>
  v === null || v === undefined || !Number.isFinite(v) ? null : round(v);

/** Indices that keep at most `max` of `length` points, evenly spread, always keeping the last. */
function strideIndices(length: number, max: number): number[] {
  if (length <= max) return Array.from({ length }, (_, i) => i);
  const step = length / max;
  return Array.from({ length: max }, (_, i) => Math.min(length - 1, Math.round((i + 1) * step) - 1));
}

/** The per-batch curve as means of `every` consecutive batches, at most MAX_BATCH_POINTS points. */
export function decimateBatches(x: number[], loss: number[], acc: number[]): SavedRun['batchCurves'] {
  const n = Math.min(x.length, loss.length, acc.length);
  const every = Math.max(1, Math.ceil(n / MAX_BATCH_POINTS));
  const out: SavedRun['batchCurves'] = { every, x: [], loss: [], acc: [] };
  for (let start = 0; start < n; start += every) {
    const end = Math.min(n, start + every);
    let l = 0;
    let a = 0;
    let used = 0;
    for (let i = start; i < end; i++) {
      const li = loss[i] as number;
      const ai = acc[i] as number;
      if (!Number.isFinite(li) || !Number.isFinite(ai)) continue;
      l += li;
      a += ai;
      used++;
    }
    if (used === 0) continue;
    out.x.push(x[end - 1] as number);
    out.loss.push(round(l / used));
    out.acc.push(round(a / used));
  }
  return out;
}

/** A run's record, bounded and rounded for the file. */
export function compactRun(run: RunRecord): SavedRun {
  const epochs = strideIndices(run.epochX.length, MAX_EPOCH_POINTS);
  const pick = (values: (number | null)[]) => epochs.map((i) => roundMaybe(values[i]));
  const saved: SavedRun = {
    finishedAt: run.finishedAt.toISOString(),
    outcome: run.outcome,
    seconds: round(Math.max(0, run.seconds)),
    epochs: run.epochs,
    batchesPerEpoch: run.batchesPerEpoch,
    epochCurves: {
      x: epochs.map((i) => run.epochX[i] as number),
      trainLoss: pick(run.epochTrainLoss),
      valLoss: pick(run.epochValLoss),
      trainAcc: pick(run.epochTrainAcc),
      valAcc: pick(run.epochValAcc),
    },
    batchCurves: decimateBatches(run.batchX, run.batchLoss, run.batchAcc),
  };
  if (run.engine) saved.engine = run.engine.slice(0, 40);
  if (run.backend) saved.backend = run.backend.slice(0, 40);
  const ids = Object.keys(run.norms).slice(0, MAX_NORM_CONNECTIONS);
  if (run.normX.length > 0 && ids.length > 0) {
    const at = strideIndices(run.normX.length, MAX_NORM_POINTS);
    saved.norms = {
      x: at.map((i) => run.normX[i] as number),
      connections: Object.fromEntries(
        ids.map((id) => {
          const n = run.norms[id] ?? { weight: [], grad: [] };
          return [id, { weight: at.map((i) => roundMaybe(n.weight[i])), grad: at.map((i) => roundMaybe(n.grad[i])) }];
        }),
      ),
    };
  }
  if (run.testAccuracy !== undefined && Number.isFinite(run.testAccuracy)) saved.testAccuracy = round(run.testAccuracy);
  if (run.trainAccuracy !== undefined && Number.isFinite(run.trainAccuracy))
    saved.trainAccuracy = round(run.trainAccuracy);
  const m = run.confusion;
  if (m && m.length > 0 && m.length <= MAX_CONFUSION_CLASSES && m.every((row) => row.length === m.length))
    saved.confusion = m.map((row) => row.map((v) => Math.max(0, Math.round(v))));
  return saved;
}

/**
 * Reads `metadata.lastRun` of a file. A damaged one never stops the document from opening: it
 * is left out, with a sentence saying why.
 */
export function readSavedRun(value: unknown, fileName: string): { run?: SavedRun; warning?: string } {
  if (value === undefined) return {};
  const parsed = savedRunSchema.safeParse(value);
  if (parsed.success) return { run: parsed.data as SavedRun };
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? `metadata.lastRun.${issue.path.join('.')}` : 'metadata.lastRun';
  return {
    warning: `The last run's curves saved in ${fileName} are damaged (${where} ${issue?.message ?? 'is invalid'}) and are not shown; the network and its weights are unaffected.`,
  };
}
