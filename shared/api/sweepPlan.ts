// Sweep planning, pure: which parameters of a graph can be swept, how a value list is
// written, the configurations a grid or a random search makes, and a graph with one
// configuration's values put in. The CLI, the backend and the UI's sweep form share it.
import type { GraphDocument } from '../graph/document';
import type { NumberField } from '../graph/fields';
import { connectionFields, nodeKindFields } from '../graph/kinds';
import type { SweepAxis } from './runs';

export class SweepPlanError extends Error {}

export interface SweepableParam {
  /** `<node or edge id>.<parameter>` */
  path: string;
  label: string;
  field: NumberField;
  value: number;
}

/** Every numeric parameter of the graph's nodes and connections. */
export function sweepableParams(graph: GraphDocument): SweepableParam[] {
  const out: SweepableParam[] = [];
  for (const node of graph.nodes) {
    const fields = nodeKindFields[node.kind] as Record<string, { type: string }>;
    for (const [key, field] of Object.entries(fields)) {
      if (field.type !== 'number') continue;
      const f = field as NumberField;
      out.push({
        path: `${node.id}.${key}`,
        label: `${node.name || node.id}: ${f.label}`,
        field: f,
        value: (node.params as unknown as Record<string, number>)[key] as number,
      });
    }
  }
  for (const edge of graph.edges) {
    if (edge.kind !== 'connection') continue;
    for (const [key, field] of Object.entries(connectionFields as Record<string, { type: string }>)) {
      if (field.type !== 'number') continue;
      const f = field as NumberField;
      out.push({
        path: `${edge.id}.${key}`,
        label: `${edge.id}: ${f.label}`,
        field: f,
        value: (edge.params as unknown as Record<string, number>)[key] as number,
      });
    }
  }
  return out;
}

const ALIASES: Record<string, string> = { lr: 'learningRate', scale: 'surrogateScale' };

/**
 * Resolves what a user typed (`train.learningRate`, `hidden.tauMem`, or a bare parameter
 * name such as `surrogateScale`, `lr` or `seed` when one node has it) to a sweepable path.
 */
export function resolveParam(graph: GraphDocument, spec: string): SweepableParam {
  const params = sweepableParams(graph);
  const exact = params.find((p) => p.path === spec);
  if (exact) return exact;
  const dot = spec.lastIndexOf('.');
  if (dot > 0) {
    const owner = spec.slice(0, dot);
    const key = ALIASES[spec.slice(dot + 1)] ?? spec.slice(dot + 1);
    const byName = graph.nodes.filter((n) => n.name === owner).map((n) => `${n.id}.${key}`);
    const hit = params.find((p) => p.path === `${owner}.${key}` || byName.includes(p.path));
    if (hit) return hit;
    const ownerExists =
      graph.nodes.some((n) => n.id === owner || n.name === owner) || graph.edges.some((e) => e.id === owner);
    throw new SweepPlanError(
      ownerExists
        ? `'${spec}': ${owner} has no numeric parameter '${key}' (numeric ones: ${params
            .filter((p) => p.path.startsWith(`${owner}.`))
            .map((p) => p.path.slice(owner.length + 1))
            .join(', ')}).`
        : `'${spec}': the graph has no node or connection '${owner}'.`,
    );
  }
  const key = ALIASES[spec] ?? spec;
  const hits = params.filter((p) => p.path.endsWith(`.${key}`));
  if (hits.length === 1) return hits[0] as SweepableParam;
  if (hits.length > 1)
    throw new SweepPlanError(`'${spec}' is ambiguous: ${hits.map((h) => h.path).join(', ')}. Name the node.`);
  throw new SweepPlanError(`'${spec}' is not a numeric parameter of this graph.`);
}

function num(text: string, spec: string): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v)) throw new SweepPlanError(`'${spec}': '${text}' is not a number.`);
  return v;
}

/**
 * A grid axis's values: `1,2,5`, `log:0.1:100:7` (7 log-spaced values), `lin:0:1:5`, or
 * `range:0:4` (the integers 0..4, for seeds).
 */
export function parseValues(text: string): number[] {
  const [kind, ...rest] = text.split(':');
  if ((kind === 'log' || kind === 'lin') && rest.length === 3) {
    const lo = num(rest[0] as string, text);
    const hi = num(rest[1] as string, text);
    const n = num(rest[2] as string, text);
    if (!Number.isInteger(n) || n < 1 || n > 1000) throw new SweepPlanError(`'${text}': the count must be 1 to 1000.`);
    if (kind === 'log' && (lo <= 0 || hi <= 0)) throw new SweepPlanError(`'${text}': log spacing needs positive ends.`);
    return Array.from({ length: n }, (_, i) => {
      const f = n === 1 ? 0 : i / (n - 1);
      const v = kind === 'log' ? lo * (hi / lo) ** f : lo + f * (hi - lo);
      return Number(v.toPrecision(6));
    });
  }
  if (kind === 'range' && rest.length === 2) {
    const lo = num(rest[0] as string, text);
    const hi = num(rest[1] as string, text);
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || hi < lo || hi - lo > 1000)
      throw new SweepPlanError(`'${text}': a range is two whole numbers, low to high.`);
    return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
  }
  const values = text.split(',').map((t) => num(t, text));
  if (new Set(values).size !== values.length) throw new SweepPlanError(`'${text}' lists a value twice.`);
  return values;
}

/** `path=values` as on the command line. */
export function parseAxisSpec(graph: GraphDocument, spec: string): SweepAxis {
  const eq = spec.indexOf('=');
  if (eq <= 0) throw new SweepPlanError(`'${spec}' should be <parameter>=<values>, e.g. train.learningRate=1e-3,2e-3.`);
  const param = resolveParam(graph, spec.slice(0, eq).trim());
  const values = parseValues(spec.slice(eq + 1).trim());
  checkValues(param, values);
  return { path: param.path, values };
}

function checkValues(param: SweepableParam, values: number[]) {
  for (const v of values) {
    if (param.field.integer && !Number.isInteger(v))
      throw new SweepPlanError(`${param.path} takes whole numbers; ${v} is not one.`);
  }
}

export interface RandomSpec {
  path: string;
  dist: 'uniform' | 'loguniform' | 'int';
  lo: number;
  hi: number;
}

/** `path=loguniform:1e-4:1e-2`, `path=uniform:5:20`, `path=int:0:9`. */
export function parseRandomSpec(graph: GraphDocument, spec: string): RandomSpec {
  const eq = spec.indexOf('=');
  if (eq <= 0) throw new SweepPlanError(`'${spec}' should be <parameter>=loguniform|uniform|int:<low>:<high>.`);
  const param = resolveParam(graph, spec.slice(0, eq).trim());
  const [dist, lo, hi, extra] = spec.slice(eq + 1).split(':');
  if ((dist !== 'uniform' && dist !== 'loguniform' && dist !== 'int') || lo === undefined || hi === undefined || extra)
    throw new SweepPlanError(`'${spec}': write loguniform:<low>:<high>, uniform:<low>:<high> or int:<low>:<high>.`);
  const l = num(lo, spec);
  const h = num(hi, spec);
  if (h < l) throw new SweepPlanError(`'${spec}': the high end is below the low end.`);
  if (dist === 'loguniform' && l <= 0) throw new SweepPlanError(`'${spec}': loguniform needs a positive low end.`);
  if (param.field.integer && dist !== 'int')
    throw new SweepPlanError(`${param.path} takes whole numbers; draw it with int:<low>:<high>.`);
  return { path: param.path, dist, lo: l, hi: h };
}

/** Every combination of the axes' values, the first axis varying slowest. */
export function gridConfigs(axes: readonly SweepAxis[]): Record<string, number>[] {
  if (!axes.length) throw new SweepPlanError('A sweep needs at least one parameter.');
  const paths = axes.map((a) => a.path);
  if (new Set(paths).size !== paths.length) throw new SweepPlanError('A parameter is swept twice.');
  let out: Record<string, number>[] = [{}];
  for (const axis of axes) out = out.flatMap((c) => axis.values.map((v) => ({ ...c, [axis.path]: v })));
  return out;
}

/** `count` random configurations, reproducible from `seed` (mulberry32). */
export function randomConfigs(specs: readonly RandomSpec[], count: number, seed: number): Record<string, number>[] {
  if (!specs.length) throw new SweepPlanError('A random sweep needs at least one parameter.');
  if (!Number.isInteger(count) || count < 1) throw new SweepPlanError('A random sweep needs a count of 1 or more.');
  let s = seed >>> 0;
  const rand = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Array.from({ length: count }, () => {
    const c: Record<string, number> = {};
    for (const sp of specs) {
      const u = rand();
      c[sp.path] =
        sp.dist === 'int'
          ? Math.floor(sp.lo + u * (sp.hi - sp.lo + 1))
          : Number(
              (sp.dist === 'loguniform' ? sp.lo * (sp.hi / sp.lo) ** u : sp.lo + u * (sp.hi - sp.lo)).toPrecision(6),
            );
    }
    return c;
  });
}

/** A copy of the graph with the configuration's values in place. */
export function applyConfig(graph: GraphDocument, values: Record<string, number>): GraphDocument {
  const out: GraphDocument = structuredClone(graph);
  for (const [p, v] of Object.entries(values)) {
    const dot = p.lastIndexOf('.');
    const owner = p.slice(0, dot);
    const key = p.slice(dot + 1);
    const target =
      out.nodes.find((n) => n.id === owner) ?? out.edges.find((e) => e.id === owner && e.kind === 'connection');
    if (!target || !('params' in target) || typeof (target.params as Record<string, unknown>)[key] !== 'number')
      throw new SweepPlanError(`${p} is not a numeric parameter of this graph.`);
    (target.params as unknown as Record<string, number>)[key] = v;
  }
  return out;
}

/** A short label for a configuration: `learningRate=0.002 surrogateScale=10`. */
export function configLabel(values: Record<string, number>): string {
  return Object.entries(values)
    .map(([p, v]) => `${p.slice(p.lastIndexOf('.') + 1)}=${v}`)
    .join(' ');
}
