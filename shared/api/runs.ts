// Recorded training runs and sweeps as the UI and the CLI see them: the schemas of the plain
// files a run folder holds (run.json, sweep.json), the settings two runs can be compared on,
// and the reduction of a sweep's results to a heatmap grid. The files themselves are written
// and read in main/experiments; this module only says what they contain.
import { z } from 'zod';
import type { GraphDocument } from '../graph/document';

export const RUN_FORMAT = 'spikewright.run';
export const SWEEP_FORMAT = 'spikewright.sweep';

export const runStatusSchema = z.enum(['running', 'done', 'failed', 'stopped', 'interrupted']);
export type RunStatus = z.output<typeof runStatusSchema>;

const finalSchema = z.object({
  testAcc: z.number().optional(),
  testLoss: z.number().optional(),
  trainAcc: z.number().optional(),
  valAcc: z.number().optional(),
  valLoss: z.number().optional(),
  epochs: z.number().optional(),
});

/** run.json: what a run is and how it ended. Rewritten (atomically) when its status changes. */
export const runInfoSchema = z.object({
  format: z.literal(RUN_FORMAT),
  version: z.literal(1),
  id: z.string(),
  name: z.string(),
  status: runStatusSchema,
  source: z.enum(['app', 'cli', 'sweep', 'slurm']),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  seconds: z.number().optional(),
  host: z.string(),
  pid: z.number(),
  engine: z.string(),
  backend: z.string().optional(),
  threads: z.number(),
  seed: z.number(),
  /** Run settings besides the graph: epochs, caps on batches, resumed weights. */
  settings: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
  batchesPerEpoch: z.number().optional(),
  sweep: z.object({ id: z.string(), index: z.number(), values: z.record(z.string(), z.number()) }).optional(),
  final: finalSchema.optional(),
  error: z.string().optional(),
});
export type RunInfo = z.output<typeof runInfoSchema>;

/** One line of batches.jsonl. */
export const batchRecordSchema = z.object({
  epoch: z.number(),
  batch: z.number(),
  loss: z.number(),
  acc: z.number(),
  ms: z.number(),
});
export type BatchRecord = z.output<typeof batchRecordSchema>;

/** One line of epochs.jsonl. */
export const epochRecordSchema = z.object({
  epoch: z.number(),
  trainLoss: z.number(),
  trainAcc: z.number(),
  valLoss: z.number().optional(),
  valAcc: z.number().optional(),
  seconds: z.number().optional(),
});
export type EpochRecord = z.output<typeof epochRecordSchema>;

/** A run as listed: its info plus where it lies (relative to the runs folder). */
export const runSummarySchema = runInfoSchema.extend({ ref: z.string() });
export type RunSummary = z.output<typeof runSummarySchema>;

export const runDetailSchema = z.object({
  run: runSummarySchema,
  batches: z.array(batchRecordSchema),
  epochs: z.array(epochRecordSchema),
  confusion: z.array(z.array(z.number())).nullable(),
  /** Flattened graph parameters and run settings, for comparing runs. */
  settings: z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()])),
  hasWeights: z.boolean(),
});
export type RunDetail = z.output<typeof runDetailSchema>;

export const sweepAxisSchema = z.object({
  /** `<node or edge id>.<parameter>`, e.g. `train.learningRate`. */
  path: z.string(),
  values: z.array(z.number()),
});
export type SweepAxis = z.output<typeof sweepAxisSchema>;

/** sweep.json: the plan. Its configurations are fixed when it is made, so a resume runs the same ones. */
export const sweepPlanSchema = z.object({
  format: z.literal(SWEEP_FORMAT),
  version: z.literal(1),
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  mode: z.enum(['grid', 'random']),
  axes: z.array(sweepAxisSchema),
  configs: z.array(z.object({ index: z.number(), values: z.record(z.string(), z.number()) })),
  settings: z.object({
    epochs: z.number().optional(),
    maxBatches: z.number().optional(),
    maxEvalBatches: z.number().optional(),
    engine: z.enum(['fast', 'reference']),
  }),
  slurm: z.object({ jobId: z.string(), script: z.string(), submittedAt: z.string() }).optional(),
});
export type SweepPlan = z.output<typeof sweepPlanSchema>;

export const sweepConfigStateSchema = z.object({
  index: z.number(),
  values: z.record(z.string(), z.number()),
  status: z.union([runStatusSchema, z.literal('pending')]),
  seconds: z.number().optional(),
  testAcc: z.number().optional(),
  trainAcc: z.number().optional(),
  valAcc: z.number().optional(),
  error: z.string().optional(),
  /** Progress of a running configuration, 0..1. */
  progress: z.number().optional(),
});
export type SweepConfigState = z.output<typeof sweepConfigStateSchema>;

export const sweepStatusSchema = z.object({
  ref: z.string(),
  plan: sweepPlanSchema,
  configs: z.array(sweepConfigStateSchema),
  counts: z.object({
    pending: z.number(),
    running: z.number(),
    done: z.number(),
    failed: z.number(),
    stopped: z.number(),
  }),
  /** Whether this process is running the sweep now (a local pool). */
  active: z.boolean(),
  /** Seconds left, from the finished runs' durations; null until one has finished. */
  etaSeconds: z.number().nullable(),
  jobs: z.number().optional(),
  threadsPerRun: z.number().optional(),
});
export type SweepStatus = z.output<typeof sweepStatusSchema>;

type Scalar = number | string | boolean | null;

/**
 * Every parameter of the graph as `<node or edge id>.<parameter>`, plus the run's own
 * settings as `run.<name>`: the flat list two runs are compared on.
 */
export function flattenSettings(graph: GraphDocument, run?: Partial<RunInfo>): Record<string, Scalar> {
  const out: Record<string, Scalar> = {};
  for (const node of graph.nodes)
    for (const [key, value] of Object.entries(node.params as Record<string, Scalar>)) out[`${node.id}.${key}`] = value;
  for (const edge of graph.edges) {
    if (edge.kind !== 'connection') continue;
    out[`${edge.id}.source`] = edge.source;
    out[`${edge.id}.target`] = edge.target;
    for (const [key, value] of Object.entries(edge.params as Record<string, Scalar>)) out[`${edge.id}.${key}`] = value;
  }
  if (run) {
    if (run.engine !== undefined) out['run.engine'] = run.engine;
    if (run.threads !== undefined) out['run.threads'] = run.threads;
    if (run.seed !== undefined) out['run.seed'] = run.seed;
    for (const [key, value] of Object.entries(run.settings ?? {})) out[`run.${key}`] = value;
  }
  return out;
}

export interface SettingDifference {
  key: string;
  a: Scalar | undefined;
  b: Scalar | undefined;
}

/** The settings that differ between two runs (missing on one side counts), sorted by key. */
export function diffSettings(a: Record<string, Scalar>, b: Record<string, Scalar>): SettingDifference[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.filter((k) => a[k] !== b[k]).map((key) => ({ key, a: a[key], b: b[key] }));
}

export type SweepMetric = 'testAcc' | 'trainAcc' | 'valAcc';

export interface HeatmapGrid {
  x: { path: string; values: number[] };
  y: { path: string; values: number[] };
  /** cells[yi][xi]: the mean of the metric over the configurations in that cell (other axes, seeds), or null. */
  cells: (number | null)[][];
  /** How many finished runs each cell averages. */
  counts: number[][];
  metric: SweepMetric;
}

/** Reduces a sweep's results to a two-parameter grid, averaging over every other swept parameter. */
export function heatmapGrid(
  configs: readonly Pick<SweepConfigState, 'values' | 'status' | SweepMetric>[],
  xPath: string,
  yPath: string,
  metric: SweepMetric = 'testAcc',
): HeatmapGrid {
  const distinct = (path: string) =>
    [...new Set(configs.map((c) => c.values[path]).filter((v): v is number => v !== undefined))].sort((p, q) => p - q);
  const xs = distinct(xPath);
  const ys = distinct(yPath);
  const sums = ys.map(() => xs.map(() => 0));
  const counts = ys.map(() => xs.map(() => 0));
  for (const c of configs) {
    const value = c[metric];
    if (c.status !== 'done' || value === undefined) continue;
    const xi = xs.indexOf(c.values[xPath] as number);
    const yi = ys.indexOf(c.values[yPath] as number);
    if (xi < 0 || yi < 0) continue;
    (sums[yi] as number[])[xi] = ((sums[yi] as number[])[xi] as number) + value;
    (counts[yi] as number[])[xi] = ((counts[yi] as number[])[xi] as number) + 1;
  }
  const cells = sums.map((row, yi) =>
    row.map((s, xi) => {
      const n = (counts[yi] as number[])[xi] as number;
      return n ? s / n : null;
    }),
  );
  return { x: { path: xPath, values: xs }, y: { path: yPath, values: ys }, cells, counts, metric };
}

/** The grid as CSV: one row per cell (x, y, mean metric, runs averaged). */
export function heatmapCsv(grid: HeatmapGrid): string {
  const lines = [`${grid.x.path},${grid.y.path},${grid.metric},runs`];
  grid.y.values.forEach((y, yi) => {
    grid.x.values.forEach((x, xi) => {
      const v = grid.cells[yi]?.[xi];
      lines.push(`${x},${y},${v === null || v === undefined ? '' : v},${grid.counts[yi]?.[xi] ?? 0}`);
    });
  });
  return `${lines.join('\n')}\n`;
}

/** Viridis at t in [0, 1] (a few stops, linearly blended): readable in both themes and in grey. */
export function viridis(t: number): string {
  const stops = [
    [68, 1, 84],
    [59, 82, 139],
    [33, 145, 140],
    [94, 201, 98],
    [253, 231, 37],
  ];
  const u = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(u));
  const f = u - i;
  const a = stops[i] as number[];
  const b = stops[i + 1] as number[];
  const c = a.map((v, k) => Math.round(v + f * ((b[k] as number) - v)));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

function formatTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-2) return v.toExponential(0).replace('e+', 'e');
  return String(Number(v.toPrecision(3)));
}

/**
 * The grid as a standalone SVG (Zenke & Vogels 2021, Fig. 3 style): x and y are the swept
 * values in order (one cell each, so log-spaced values sit evenly), colour is the metric
 * from `range` (default 0..1 for accuracies), each cell labelled with its value.
 */
export function heatmapSvg(
  grid: HeatmapGrid,
  options: { title?: string; range?: [number, number]; background?: string; foreground?: string } = {},
): string {
  const cell = 56;
  const left = 90;
  const top = options.title ? 40 : 16;
  const nx = grid.x.values.length;
  const ny = grid.y.values.length;
  const width = left + nx * cell + 90;
  const height = top + ny * cell + 60;
  const [lo, hi] = options.range ?? [0, 1];
  const fg = options.foreground ?? '#222';
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    // An SVG names itself in its first child (screen readers, and file browsers' tooltips).
    `<title>${esc(options.title || `${grid.x.path} by ${grid.y.path}`)}</title>`,
    `<rect width="${width}" height="${height}" fill="${options.background ?? '#fff'}"/>`,
  ];
  if (options.title)
    parts.push(
      `<text x="${width / 2}" y="22" text-anchor="middle" font-size="14" fill="${fg}">${esc(options.title)}</text>`,
    );
  // Rows from the top are the largest y value, as in a plot.
  for (let yi = 0; yi < ny; yi++) {
    const row = ny - 1 - yi;
    const py = top + row * cell;
    for (let xi = 0; xi < nx; xi++) {
      const v = grid.cells[yi]?.[xi] ?? null;
      const px = left + xi * cell;
      const t = v === null ? 0 : (v - lo) / (hi - lo || 1);
      parts.push(
        `<rect x="${px}" y="${py}" width="${cell - 1}" height="${cell - 1}" fill="${v === null ? '#888' : viridis(t)}"><title>${esc(grid.x.path)}=${formatTick(grid.x.values[xi] as number)}, ${esc(grid.y.path)}=${formatTick(grid.y.values[yi] as number)}: ${v === null ? 'no result' : v.toFixed(3)}</title></rect>`,
      );
      if (v !== null)
        parts.push(
          `<text x="${px + cell / 2}" y="${py + cell / 2 + 4}" text-anchor="middle" fill="${t > 0.6 ? '#000' : '#fff'}">${v.toFixed(2)}</text>`,
        );
    }
    parts.push(
      `<text x="${left - 6}" y="${py + cell / 2 + 4}" text-anchor="end" fill="${fg}">${formatTick(grid.y.values[yi] as number)}</text>`,
    );
  }
  grid.x.values.forEach((x, xi) => {
    parts.push(
      `<text x="${left + xi * cell + cell / 2}" y="${top + ny * cell + 16}" text-anchor="middle" fill="${fg}">${formatTick(x)}</text>`,
    );
  });
  parts.push(
    `<text x="${left + (nx * cell) / 2}" y="${top + ny * cell + 40}" text-anchor="middle" fill="${fg}">${esc(grid.x.path)}</text>`,
    `<text transform="translate(18 ${top + (ny * cell) / 2}) rotate(-90)" text-anchor="middle" fill="${fg}">${esc(grid.y.path)}</text>`,
  );
  // Colour bar.
  const bx = left + nx * cell + 24;
  const steps = 20;
  for (let i = 0; i < steps; i++) {
    const h = (ny * cell) / steps;
    parts.push(
      `<rect x="${bx}" y="${top + ny * cell - (i + 1) * h}" width="14" height="${h + 0.5}" fill="${viridis(i / (steps - 1))}"/>`,
    );
  }
  parts.push(
    `<text x="${bx + 18}" y="${top + 10}" fill="${fg}">${formatTick(hi)}</text>`,
    `<text x="${bx + 18}" y="${top + ny * cell}" fill="${fg}">${formatTick(lo)}</text>`,
    `<text x="${bx + 18}" y="${top + (ny * cell) / 2}" fill="${fg}">${grid.metric}</text>`,
    '</svg>',
  );
  return parts.join('\n');
}
