// The sweep form's content, pure: the rows the user fills in (a parameter and its values, or a
// distribution to draw from), checked with the same planning code as the CLI
// (shared/api/sweepPlan.ts) and turned into a startSweep request, or a sentence saying what is
// wrong. Tested in sweepForm.test.ts.
import type { ApiParams } from '../../../shared/api/contract';
import { gridConfigs, parseValues, type SweepableParam, sweepableParams } from '../../../shared/api/sweepPlan';
import type { GraphDocument } from '../../../shared/graph/document';

export interface GridRow {
  path: string;
  /** As on the command line: `1e-3,2e-3`, `log:0.1:100:5`, `lin:0:1:5`, `range:0:3`. */
  values: string;
}

export interface RandomRow {
  path: string;
  dist: 'uniform' | 'loguniform' | 'int';
  lo: string;
  hi: string;
}

export interface SweepFormState {
  mode: 'grid' | 'random';
  grid: GridRow[];
  random: RandomRow[];
  count: string;
  seed: string;
  name: string;
  epochs: string;
  maxBatches: string;
  maxEvalBatches: string;
}

export type SweepRequest = Omit<ApiParams<'startSweep'>, 'documentPath' | 'document'>;

export type FormResult = { ok: true; request: SweepRequest; configs: number } | { ok: false; error: string };

/** The parameters worth offering first: what Zenke & Vogels swept, then the rest in graph order. */
export function orderedParams(graph: GraphDocument): SweepableParam[] {
  const first = ['surrogateScale', 'learningRate', 'seed', 'tauMem', 'tauSyn', 'strength'];
  const rank = (p: SweepableParam) => {
    const i = first.indexOf(p.path.slice(p.path.lastIndexOf('.') + 1));
    return i < 0 ? first.length : i;
  };
  return sweepableParams(graph)
    .map((p, i) => ({ p, i }))
    .sort((a, b) => rank(a.p) - rank(b.p) || a.i - b.i)
    .map(({ p }) => p);
}

/** Log-spaced around a positive value (a decade each way), else a few steps up from it. */
export function suggestValues(param: SweepableParam): string {
  const v = param.value;
  if (param.field.integer) return `range:${Math.round(v)}:${Math.round(v) + 2}`;
  if (v > 0) {
    const lo = Number((v / 10).toPrecision(2));
    const hi = Number((v * 10).toPrecision(2));
    return `log:${lo}:${hi}:3`;
  }
  return `${v},${v + 1},${v + 2}`;
}

/** A first sweep for this graph: surrogate scale by learning rate when it has both (Zenke & Vogels, Fig. 3). */
export function defaultForm(graph: GraphDocument): SweepFormState {
  const params = orderedParams(graph);
  const grid = params.slice(0, 2).map((p) => ({ path: p.path, values: suggestValues(p) }));
  return {
    mode: 'grid',
    grid,
    random: params.slice(0, 1).map((p) => ({
      path: p.path,
      dist: p.field.integer ? 'int' : p.value > 0 ? 'loguniform' : 'uniform',
      lo: String(p.field.integer ? 0 : p.value > 0 ? Number((p.value / 10).toPrecision(2)) : p.value),
      hi: String(p.field.integer ? 9 : p.value > 0 ? Number((p.value * 10).toPrecision(2)) : p.value + 1),
    })),
    count: '8',
    seed: '0',
    name: '',
    epochs: '',
    maxBatches: '',
    maxEvalBatches: '',
  };
}

function whole(text: string, what: string, min: number): number | undefined | string {
  if (!text.trim()) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) return `${what} must be a whole number of at least ${min}.`;
  return n;
}

/** Checks the form against the graph and builds the request, or says what is wrong. */
export function sweepRequest(form: SweepFormState, graph: GraphDocument): FormResult {
  const params = new Map(sweepableParams(graph).map((p) => [p.path, p]));
  const request: SweepRequest = {};
  for (const [key, what] of [
    ['epochs', 'Epochs'],
    ['maxBatches', 'Batches per epoch'],
    ['maxEvalBatches', 'Evaluation batches'],
  ] as const) {
    const v = whole(form[key], what, 1);
    if (typeof v === 'string') return { ok: false, error: v };
    if (v !== undefined) request[key] = v;
  }
  if (form.name.trim()) request.name = form.name.trim();
  const seen = new Set<string>();
  const param = (path: string) => {
    const p = params.get(path);
    if (!p) throw new Error(`'${path}' is not a numeric parameter of this graph.`);
    if (seen.has(path)) throw new Error(`${path} is swept twice.`);
    seen.add(path);
    return p;
  };
  try {
    if (form.mode === 'grid') {
      if (!form.grid.length) return { ok: false, error: 'Add a parameter to sweep.' };
      const axes = form.grid.map((row) => {
        const p = param(row.path);
        let values: number[];
        try {
          values = parseValues(row.values.trim());
        } catch (e) {
          throw new Error(`${p.path}: ${(e as Error).message}`);
        }
        if (p.field.integer && values.some((v) => !Number.isInteger(v)))
          throw new Error(`${p.path} takes whole numbers.`);
        return { path: p.path, values };
      });
      request.axes = axes;
      return { ok: true, request, configs: gridConfigs(axes).length };
    }
    if (!form.random.length) return { ok: false, error: 'Add a parameter to draw.' };
    const count = whole(form.count, 'The number of runs', 1);
    if (typeof count === 'string' || count === undefined)
      return { ok: false, error: typeof count === 'string' ? count : 'Say how many runs to draw.' };
    const seed = whole(form.seed, 'The random seed', 0);
    if (typeof seed === 'string') return { ok: false, error: seed };
    const specs = form.random.map((row) => {
      const p = param(row.path);
      const lo = Number(row.lo);
      const hi = Number(row.hi);
      if (!row.lo.trim() || !row.hi.trim() || !Number.isFinite(lo) || !Number.isFinite(hi))
        throw new Error(`${p.path}: the low and high ends must be numbers.`);
      if (hi < lo) throw new Error(`${p.path}: the high end is below the low end.`);
      if (row.dist === 'loguniform' && lo <= 0) throw new Error(`${p.path}: log-uniform needs a positive low end.`);
      if (p.field.integer && row.dist !== 'int') throw new Error(`${p.path} takes whole numbers; draw integers.`);
      return { path: p.path, dist: row.dist, lo, hi };
    });
    request.random = { params: specs, count, ...(seed !== undefined ? { seed } : {}) };
    return { ok: true, request, configs: count };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}
