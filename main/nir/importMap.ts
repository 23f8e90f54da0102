// Import, stage 3 (map): NIR nodes to Spikewright populations and connections. Neuron nodes
// become LIF populations or readouts through the forward-Euler convention (./convention.ts);
// Linear/Affine nodes and direct edges become connections, with each target's input gains
// folded into the weights. Sizes are checked against the budgets (shared/graph/budgets.ts)
// before anything is allocated: a tiny file can name a billion units.
import { float32ToBase64 } from '../../shared/file/base64';
import type { StoredTensor } from '../../shared/file/snnFile';
import { formatBytes } from '../../shared/graph/budgets';
import {
  type GraphEdge,
  type GraphNode,
  newConnection,
  restoreConnectionParams,
  restoreParams,
} from '../../shared/graph/document';
import { type ConnectionParams, lifFields } from '../../shared/graph/kinds';
import { decayOf, MS_PER_SECOND, tauMsOfDecay, tidy } from './convention';
import type { H5Dataset } from './h5';
import { type FlatGraph, type FlatNode, NirImportError, numbers, requireField } from './importRead';
import { close, type WriterReading } from './importWriters';
import { uniqueNames } from './names';

/** Units one population may hold: the editor's own bound. */
export const MAX_POPULATION_UNITS = lifFields.size.max;

const count = (n: number) => n.toLocaleString('en-US');

function checkUnits(what: string, units: number): number {
  if (!Number.isFinite(units) || units > MAX_POPULATION_UNITS)
    throw new NirImportError(
      `${what} has ${count(units)} units; a Spikewright population holds at most ${count(MAX_POPULATION_UNITS)}.`,
    );
  if (!(units >= 1)) throw new NirImportError(`${what} has ${units} units; a population needs at least one.`);
  return units;
}

/** A record's own entry (a node named 'constructor' is just a name). */
export function own<V>(record: Record<string, V> | undefined, key: string): V | undefined {
  return record && Object.hasOwn(record, key) ? record[key] : undefined;
}

export interface Population {
  id: string;
  nirName: string;
  kind: 'dataset' | 'lif' | 'readout';
  size: number;
  tauMem: number;
  tauSyn: number;
  threshold: number;
  scaleInput: boolean;
  /** Per-unit factor folded into every weight column that targets this population. */
  gain: Float64Array;
}

export interface MappedNetwork {
  nodes: GraphNode[];
  edges: GraphEdge[];
  weights: Record<string, StoredTensor>;
  pops: Map<string, Population>;
  /** NIR names of the nodes that feed an Output node. */
  outputs: Set<string>;
  /** A fresh document id from a wanted name. */
  idFor: (wanted: string) => string;
  /** Ids already used. */
  ids: Set<string>;
  /** Per-neuron bias currents by population id (the Affine biases that reach it, gains folded in). */
  biases: Record<string, StoredTensor>;
  /** Per-synapse delays in steps by connection id (Delay nodes whose delays differ per source unit). */
  delays: Record<string, StoredTensor>;
}

/** Stage 3: populations and connections, sized and checked against the memory limit first. */
export function mapNetwork(
  flat: FlatGraph,
  reading: WriterReading,
  limitBytes: number,
  notes: string[],
  unmapped: string[],
): MappedNetwork {
  const { nodes, shapes } = flat;
  const { dtSeconds, extras, discretisation } = reading;
  const biasOf = new Map<string, Float64Array>();
  const dtMs = tidy(dtSeconds * MS_PER_SECOND);
  const pops = new Map<string, Population>();
  const ids = new Set<string>();
  const unique = uniqueNames();
  const idFor = (wanted: string) => {
    // Document ids are at most 200 characters (shared/graph/document.ts); leave room for a suffix.
    const id = unique(wanted.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 180) || 'node');
    ids.add(id);
    return id;
  };
  const graphNodes: GraphNode[] = [];
  for (const node of nodes.values()) {
    if (node.passThrough) continue;
    const known = shapes.get(node.name)?.output;
    const units = known ? known.reduce((x, y) => x * y, 1) : null;
    if (units !== null) checkUnits(`${node.type} '${node.name}'`, units);
    const pop = population(node, units, dtSeconds, discretisation, unmapped, notes);
    if (!pop) continue;
    const extra = own(extras?.nodes, node.name);
    const id = idFor(extra?.id ?? node.name);
    const name = (extra?.name ?? node.name).slice(0, 200);
    pop.id = id;
    pops.set(node.name, pop);
    if (pop.kind === 'dataset') {
      const params = restoreParams('dataset', { ...(extra?.params ?? { dataset: 'custom' }), dt: dtMs });
      if (params.dataset === 'custom' || !extra) {
        params.dataset = 'custom';
        params.inputs = pop.size;
      }
      graphNodes.push({ id, kind: 'dataset', name, params });
    } else if (pop.kind === 'lif') {
      const params = restoreParams('lif', {
        ...(extra?.params ?? {}),
        size: pop.size,
        tauMem: pop.tauMem,
        tauSyn: pop.tauSyn,
        threshold: pop.threshold,
        scaleInput: pop.scaleInput,
        reset: 'zero',
      });
      graphNodes.push({ id, kind: 'lif', name, params });
    } else {
      const params = restoreParams('readout', {
        ...(extra?.params ?? {}),
        size: pop.size,
        tauMem: pop.tauMem,
        tauSyn: pop.tauSyn,
        scaleInput: pop.scaleInput,
      });
      graphNodes.push({ id, kind: 'readout', name, params });
    }
  }

  // Connections: a Linear/Affine node between two populations, or a direct edge. First
  // planned (sizes only), then checked against the limit, then built.
  const inbound = new Map<string, string[]>();
  const outbound = new Map<string, string[]>();
  for (const [a, b] of flat.edges) {
    push(inbound, b, a);
    push(outbound, a, b);
  }
  interface Planned {
    source: Population;
    target: Population;
    /** NIR (out, in) weights of a Linear node; null for a direct edge (the identity). */
    values: number[] | null;
    ins: number;
    outs: number;
    via: string;
    /** Steps each source unit is held back by a Delay node before the weights; null: none. */
    delays: Int32Array | null;
  }
  const planned: Planned[] = [];
  const outputs = new Set<string>();
  for (const node of nodes.values()) {
    if (node.passThrough) continue;
    if (node.type === 'Output') {
      for (const a of inbound.get(node.name) ?? []) outputs.add(a);
      continue;
    }
    if (node.type === 'Linear' || node.type === 'Affine') {
      const weight = requireField(node, 'weight');
      if (weight.shape.length !== 2)
        throw new NirImportError(
          `Node '${node.name}' (${node.type}) has a weight of shape [${weight.shape}]; expected 2-D (out, in).`,
        );
      const [outs, ins] = weight.shape as [number, number];
      const values = numbers(weight, node.name, 'weight');
      const bias = node.type === 'Affine' ? numbers(requireField(node, 'bias'), node.name, 'bias') : null;
      if (bias && bias.length !== 1 && bias.length !== outs)
        throw new NirImportError(`Affine '${node.name}' has ${bias.length} biases for ${outs} outputs.`);
      const biasUsed = new Set<string>();
      for (const via of inbound.get(node.name) ?? []) {
        // A Delay before the weights becomes the connection's delay (one per source unit).
        const held =
          nodes.get(via)?.type === 'Delay' ? delayBefore(nodes.get(via) as FlatNode, inbound, dtSeconds, notes) : null;
        const a = held ? held.source : via;
        const source = pops.get(a);
        if (!source || source.kind === 'readout') {
          unmapped.push(
            `${node.type} '${node.name}': its input comes from '${a}', which is not a spiking population; the weights were dropped.`,
          );
          continue;
        }
        for (const b of outbound.get(node.name) ?? []) {
          const target = pops.get(b);
          if (!target || target.kind === 'dataset') {
            if (nodes.get(b)?.type !== 'Output')
              unmapped.push(
                `${node.type} '${node.name}': it feeds '${b}', which is not a population; that path was dropped.`,
              );
            continue;
          }
          if (ins !== source.size || outs !== target.size)
            throw new NirImportError(
              `${node.type} '${node.name}' has a weight of shape [${outs}, ${ins}] but joins '${a}' (${source.size} units) to '${b}' (${target.size} units).`,
            );
          if (held && held.steps.length !== source.size)
            throw new NirImportError(
              `Delay '${via}' holds ${held.steps.length} delays but '${a}' has ${source.size} units.`,
            );
          planned.push({ source, target, values, ins, outs, via: node.name, delays: held?.steps ?? null });
          // The bias enters the target's input every step, as a current of its own: summed per
          // population (once per Affine and target), with the target's input gain folded in.
          if (bias?.some((b) => b !== 0) && !biasUsed.has(target.id)) {
            biasUsed.add(target.id);
            const into = biasOf.get(target.id) ?? new Float64Array(target.size);
            for (let j = 0; j < target.size; j++)
              into[j] = (into[j] as number) + (bias[bias.length === 1 ? 0 : j] as number) * (target.gain[j] as number);
            biasOf.set(target.id, into);
          }
        }
      }
      continue;
    }
    if (node.type === 'Delay') {
      for (const b of outbound.get(node.name) ?? [])
        if (nodes.get(b)?.type !== 'Linear' && nodes.get(b)?.type !== 'Affine')
          throw new NirImportError(
            `Delay '${node.name}' feeds '${b}' (${nodes.get(b)?.type ?? 'unknown'}); Spikewright holds delays on connections, so a Delay must sit between a population and a Linear or Affine.`,
          );
      continue;
    }
    const source = pops.get(node.name);
    if (!source) continue;
    for (const b of outbound.get(node.name) ?? []) {
      const target = pops.get(b);
      if (!target || target.kind === 'dataset') continue;
      if (target.size !== source.size)
        throw new NirImportError(
          `The direct edge '${node.name}' → '${b}' joins ${source.size} units to ${target.size}; a direct edge joins equal populations.`,
        );
      planned.push({ source, target, values: null, ins: source.size, outs: source.size, via: '', delays: null });
    }
  }
  checkWeightBudget(planned, limitBytes);

  const conns = new Map<
    string,
    { source: Population; target: Population; w: Float64Array; extra?: string; delays: Int32Array | null }
  >();
  for (const p of planned) {
    const { source, target, ins, outs } = p;
    // Ours is [in, out] row-major; NIR's is (out, in). The target's gain folds in.
    const w = new Float64Array(ins * outs);
    if (p.values) {
      const values = p.values;
      for (let j = 0; j < outs; j++)
        for (let i = 0; i < ins; i++) w[i * outs + j] = (values[j * ins + i] as number) * (target.gain[j] as number);
    } else {
      // A direct edge is the identity: unit i drives unit i.
      for (let i = 0; i < ins; i++) w[i * outs + i] = target.gain[i] as number;
      notes.push(`The direct edge '${source.nirName}' → '${target.nirName}' became a one-to-one connection.`);
    }
    const key = `${source.id}->${target.id}`;
    const existing = conns.get(key);
    if (existing && !sameDelays(existing.delays, p.delays))
      throw new NirImportError(
        `'${source.nirName}' reaches '${target.nirName}' along parallel paths with different delays; Spikewright holds one connection between two populations.`,
      );
    if (existing) {
      for (let k = 0; k < w.length; k++) existing.w[k] = (existing.w[k] as number) + (w[k] as number);
      notes.push(`Parallel paths from '${source.nirName}' to '${target.nirName}' were summed into one connection.`);
    } else conns.set(key, { source, target, w, delays: p.delays, ...(p.via ? { extra: p.via } : {}) });
  }

  const graphEdges: GraphEdge[] = [];
  const weights: Record<string, StoredTensor> = {};
  const delays: Record<string, StoredTensor> = {};
  for (const c of conns.values()) {
    const extra = c.extra ? own(extras?.connections, c.extra) : undefined;
    const id = idFor(extra?.id ?? `w_${c.source.id}_${c.target.id}`);
    const edge = newConnection(id, c.source.id, c.target.id);
    if (extra && edge.kind === 'connection') edge.params = restoreConnectionParams(extra.params);
    if (edge.kind === 'connection') {
      const held = connectionDelays(edge.params, c.delays, c.source.size, c.target.size);
      if (held) delays[id] = held;
    }
    graphEdges.push(edge);
    weights[id] = {
      shape: [c.source.size, c.target.size],
      dtype: 'float32',
      data: float32ToBase64(Float32Array.from(c.w)),
    };
  }
  const biases: Record<string, StoredTensor> = {};
  for (const [id, b] of biasOf) {
    const node = graphNodes.find((n) => n.id === id);
    if (node?.kind !== 'lif' && node?.kind !== 'readout') continue;
    (node.params as Record<string, unknown>).bias = true;
    biases[id] = { shape: [b.length], dtype: 'float32', data: float32ToBase64(Float32Array.from(b)) };
    notes.push(`'${node.name}': the Affine biases that reach it became its bias current (trainable).`);
  }
  return { nodes: graphNodes, edges: graphEdges, weights, pops, outputs, idFor, ids, biases, delays };
}

/**
 * The population a Delay node holds back and its delays in steps (round(delay / dt)); it must
 * take exactly one input, a population's spikes. Delays off the step grid are rounded, noted.
 */
function delayBefore(
  node: FlatNode,
  inbound: Map<string, string[]>,
  dtSeconds: number,
  notes: string[],
): { source: string; steps: Int32Array } {
  const from = inbound.get(node.name) ?? [];
  if (from.length !== 1)
    throw new NirImportError(
      `Delay '${node.name}' takes ${from.length} inputs; Spikewright holds a delay on one connection, so a Delay must sit between one population and a Linear or Affine.`,
    );
  const seconds = numbers(requireField(node, 'delay'), node.name, 'delay');
  const steps = new Int32Array(seconds.length);
  let offGrid = false;
  seconds.forEach((x, i) => {
    if (!Number.isFinite(x) || x < 0)
      throw new NirImportError(`Delay '${node.name}' has a delay of ${x} s; delays must be finite and not negative.`);
    const k = Math.round(x / dtSeconds);
    if (Math.abs(k * dtSeconds - x) > 1e-9 * Math.max(1, x)) offGrid = true;
    steps[i] = k;
  });
  if (offGrid)
    notes.push(
      `Delay '${node.name}': delays that are not whole steps of ${dtSeconds} s were rounded to the nearest step.`,
    );
  return { source: from[0] as string, steps };
}

function sameDelays(a: Int32Array | null, b: Int32Array | null): boolean {
  const zero = (x: Int32Array | null) => !x || x.every((v) => v === 0);
  if (zero(a) || zero(b)) return zero(a) && zero(b);
  return (a as Int32Array).length === (b as Int32Array).length && (a as Int32Array).every((v, i) => v === b?.[i]);
}

/**
 * A connection's delay fields from the steps per source unit, and its stored per-synapse
 * delays (rows of equal delays) when they differ. Our own files keep their mode (learnable
 * stays learnable, with the rounded delays as its positions).
 */
function connectionDelays(
  params: ConnectionParams,
  steps: Int32Array | null,
  rows: number,
  cols: number,
): StoredTensor | null {
  const ours = params.delay === 'per-synapse' || params.delay === 'learnable';
  const max = steps ? steps.reduce((m, d) => Math.max(m, d), 0) : 0;
  if (!ours) {
    if (!steps || max === 0) {
      params.delay = 'none';
      return null;
    }
    if (steps.every((d) => d === steps[0])) {
      params.delay = 'fixed';
      params.delaySteps = steps[0] as number;
      return null;
    }
    params.delay = 'per-synapse';
    params.maxDelay = max;
  } else params.maxDelay = Math.max(params.maxDelay, max, 1);
  const values = new Float32Array(rows * cols);
  if (steps) for (let i = 0; i < rows; i++) values.fill(steps[i] as number, i * cols, (i + 1) * cols);
  return { shape: [rows, cols], dtype: 'float32', data: float32ToBase64(values) };
}

/**
 * Refuses connections whose weights this machine cannot hold, before allocating them. Each
 * weight takes 8 bytes while it is built, then 4 stored (and ~5.3 as base64 text).
 */
function checkWeightBudget(
  planned: {
    source: Population;
    target: Population;
    ins: number;
    outs: number;
    values: number[] | null;
    via: string;
  }[],
  limitBytes: number,
) {
  const allows = `this machine allows ${formatBytes(limitBytes)}`;
  let total = 0;
  for (const p of planned) {
    const bytes = p.ins * p.outs * 4;
    total += bytes;
    const what = p.values
      ? `${p.via} ('${p.source.nirName}' → '${p.target.nirName}', ${count(p.ins)} x ${count(p.outs)})`
      : `The direct edge '${p.source.nirName}' → '${p.target.nirName}' becomes a ${count(p.ins)} x ${count(p.outs)} connection; it`;
    if (bytes * 3 > limitBytes)
      throw new NirImportError(
        p.values
          ? `The connection ${what} needs ${formatBytes(bytes)} of weights (${formatBytes(bytes * 3)} while it is read); ${allows}.`
          : `${what} needs ${formatBytes(bytes)} of weights (${formatBytes(bytes * 3)} while it is read); ${allows}.`,
      );
  }
  if (total * 3 > limitBytes)
    throw new NirImportError(
      `The network's connections need ${formatBytes(total)} of weights (${formatBytes(total * 3)} while they are read); ${allows}.`,
    );
}

function push(map: Map<string, string[]>, key: string, value: string) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function population(
  node: FlatNode,
  units: number | null,
  dt: number,
  discretisation: 'nir' | 'spytorch',
  unmapped: string[],
  notes: string[],
): Population | null {
  const base = { id: '', nirName: node.name, threshold: 1, scaleInput: false };
  // Our time constant (ms) that gives this decay per step: NIR's own tau under 'nir'
  // (decay 1 - dt/tau), -dt / ln(decay) under SpyTorch's exp decays.
  const tauOf = (dtS: number, decay: number) =>
    discretisation === 'nir' ? (dtS * MS_PER_SECOND) / (1 - decay) : tauMsOfDecay(dtS, decay);
  const what = `${node.type} '${node.name}'`;
  switch (node.type) {
    case 'Input': {
      const shape = numbers(requireField(node, 'shape'), node.name, 'shape');
      if (shape.length === 0 || !shape.every((s) => Number.isInteger(s) && s >= 1))
        throw new NirImportError(
          `Input '${node.name}' has the shape [${shape.join(', ')}]; a shape is a list of positive whole numbers.`,
        );
      const size = checkUnits(
        what,
        shape.reduce((a, b) => a * b, 1),
      );
      if (shape.length > 1)
        notes.push(`Input '${node.name}' of shape [${shape.join(', ')}] became ${size} input units.`);
      return { ...base, kind: 'dataset', size, tauMem: 0, tauSyn: 0, gain: new Float64Array(size).fill(1) };
    }
    case 'CubaLIF':
    case 'CubaLI':
    case 'LIF':
    case 'LI': {
      const cuba = node.type.startsWith('Cuba');
      const spiking = node.type.endsWith('F');
      const get = (field: string, fallback?: number) => {
        if (!(field in node.group.children) && fallback !== undefined) return null;
        return numbers(requireField(node, field), node.name, field);
      };
      const lengths = Object.entries(node.group.children)
        .filter(([f, d]) => f !== 'type' && d.kind === 'dataset' && d.shape.length > 0)
        .map(([, d]) => (d as H5Dataset).shape.reduce((a, b) => a * b, 1));
      const size = checkUnits(what, units ?? Math.max(1, ...lengths));
      if (units === null && lengths.length === 0)
        unmapped.push(
          `${what}: its size could not be told (scalar parameters, no neighbour with a shape); 1 unit assumed.`,
        );
      const broadcast = (v: number[] | null, fallback: number) =>
        v === null
          ? new Array<number>(size).fill(fallback)
          : v.length === 1
            ? new Array<number>(size).fill(v[0] as number)
            : v;
      const r = broadcast(get('r'), 1);
      const tauMem = broadcast(get(cuba ? 'tau_mem' : 'tau'), 0);
      const tauSyn = cuba ? broadcast(get('tau_syn'), 0) : null;
      const wIn = cuba ? broadcast(get('w_in', 1), 1) : null;
      const vLeak = broadcast(get('v_leak'), 0);
      const threshold = spiking ? broadcast(get('v_threshold'), 1) : null;
      const vReset = spiking ? broadcast(get('v_reset', 0), 0) : null;
      if (vLeak.some((v) => v !== 0))
        unmapped.push(`${what}: v_leak ≠ 0 was dropped (Spikewright membranes leak towards 0).`);
      if (vReset?.some((v) => v !== 0))
        unmapped.push(`${what}: v_reset ≠ 0 was dropped (Spikewright resets the membrane to 0).`);

      const beta = one(
        tauMem.map((t) => decayOf(dt, t)),
        `${what}: ${cuba ? 'tau_mem' : 'tau'}`,
        unmapped,
      );
      const betaOk = clampDecay(beta, `${what}: ${cuba ? 'tau_mem' : 'tau'}`, dt, unmapped);
      let tauSynMs: number;
      if (tauSyn) {
        const alpha = one(
          tauSyn.map((t) => decayOf(dt, t)),
          `${what}: tau_syn`,
          unmapped,
        );
        tauSynMs = tidy(tauOf(dt, clampDecay(alpha, `${what}: tau_syn`, dt, unmapped)));
      } else {
        // No synaptic current in NIR: a synapse that forgets within a step (alpha = 0).
        tauSynMs = tidy(dt * MS_PER_SECOND * (discretisation === 'nir' ? 1 : 1e-3));
        notes.push(
          `${what} has no synaptic current; it became a population with alpha = 0 (tauSyn ${tauSynMs} ms), which adds one step of delay.`,
        );
      }
      // Forward Euler: input gain dt w_in / tau_syn (1 without a synapse), membrane gain dt r / tau_mem.
      const gIn = tauSyn && wIn ? tauSyn.map((t, j) => (dt * (wIn[j] as number)) / t) : new Array<number>(size).fill(1);
      const cNir = tauMem.map((t, j) => (dt * (r[j] as number)) / t);
      const oneMinusBeta = 1 - betaOk;
      const scaleInput =
        cNir.every((c) => close(c, oneMinusBeta)) && !cNir.every((c) => close(c, 1)) && oneMinusBeta < 1;
      const cOurs = scaleInput ? oneMinusBeta : 1;
      let theta = 1;
      let thetaScale = new Array<number>(size).fill(1);
      if (threshold) {
        if (threshold.some((t) => !(t > 0)))
          throw new NirImportError(`${what} has a threshold ≤ 0, which Spikewright cannot simulate.`);
        const first = threshold[0] as number;
        if (threshold.every((t) => close(t, first))) theta = first;
        else {
          thetaScale = threshold.map((t) => 1 / t);
          notes.push(`${what}: per-neuron thresholds were folded into its input weights (threshold 1).`);
        }
      }
      const gain = new Float64Array(size);
      for (let j = 0; j < size; j++) {
        const g = ((gIn[j] as number) * (cNir[j] as number) * (thetaScale[j] as number)) / cOurs;
        gain[j] = Math.abs(g - 1) < 1e-12 ? 1 : g;
      }
      if (gain.some((g) => g !== 1))
        notes.push(
          `${what}: its input gains (dt·w_in/tau_syn and dt·r/tau_mem) were folded into the weights that reach it.`,
        );
      return {
        ...base,
        kind: spiking ? 'lif' : 'readout',
        size,
        tauMem: tidy(tauOf(dt, betaOk)),
        tauSyn: tauSynMs,
        threshold: theta,
        scaleInput,
        gain,
      };
    }
    case 'Linear':
    case 'Affine':
    case 'Output':
    case 'Delay':
      return null;
    default:
      unmapped.push(`${node.type} '${node.name}' has no Spikewright counterpart; it was dropped with its edges.`);
      return null;
  }
}

/** One value for the population; the mean (noted as unmapped) when neurons differ. */
function one(values: number[], what: string, unmapped: string[]): number {
  const first = values[0] as number;
  if (values.every((v) => close(v, first))) return first;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  unmapped.push(
    `${what} differs between neurons; Spikewright uses one value per population, so the mean step decay was used.`,
  );
  return mean;
}

function clampDecay(decay: number, what: string, dt: number, unmapped: string[]): number {
  if (decay > 0 && decay < 1) return decay;
  if (!Number.isFinite(decay)) throw new NirImportError(`${what} is not a finite time constant.`);
  const clamped = decay <= 0 ? 1e-6 : 1 - 1e-9;
  unmapped.push(
    `${what}: a forward-Euler step of ${dt} s gives a decay of ${decay.toPrecision(4)} per step, outside (0, 1); clamped to ${clamped}.`,
  );
  return clamped;
}
