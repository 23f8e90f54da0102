// An independent simulator of NIR graphs, under the semantics of each tool that runs them.
// It reads the flat graph of importRead.ts (nested graphs flattened, pass-throughs spliced
// out) and steps it on a SpikeBatch, with nothing from main/engine: it is what the exporter
// checks its files against, and what the fixture tests check against the peers' own runs
// (main/nir/fixtures/README.md). docs/nir-mapping.md has the table of conventions.
//
// Per step t, nodes are evaluated in a topological order of the graph with its loops cut at a
// neuron's output: an edge out of a neuron that closes a loop carries that neuron's output of
// step t-1 (zero at t = 0), every other edge the value of step t. So feed-forward input
// reaches the next layer in the same step, and a recurrent spike one step later, in every
// convention (snnTorch's RSynaptic, the NIR paper's reference loop). Affine biases apply at
// every step, from t = 0. What differs between the conventions is inside a neuron node:
//
//   'nir'       the NIR paper's numpy reference (paper/03_rnn/extras/debug_CubaLIF), float64:
//               I' = I + dt/tau_syn (-I + w_in x);  v' = v + dt/tau_mem (v_leak - v + r I)
//               (the current of the previous step: one step of latency per CubaLIF layer),
//               z = v' > v_threshold, v = v_reset where z (NIR's reset). LIF/LI have no current:
//               v' = v + dt/tau (v_leak - v + r x), the same step.
//   'nir-subtract'  the reference as written: v = v' - z v_threshold.
//   'snntorch'  snnTorch's import_from_nir (Synaptic/Leaky, reset_delay=False), float32:
//               alpha = 1 - dt/tau_syn, beta = 1 - dt/tau_mem; syn = alpha syn + x;
//               mem = beta mem + syn (this step's current); spk = mem > thr; mem = 0 where spk.
//               LIF: mem = beta mem + x, thr = v_threshold / (r dt / tau) (its membrane is v
//               divided by that scale). It assumes w_in dt / tau_syn = r dt / tau_mem = 1.
//   'snntorch-reset-delay'  snnTorch's modules as usually built (reset_delay=True): the reset
//               of a spike at t-1 zeroes mem at t (that step's input is dropped, syn keeps it).
//   'norse'     Norse's from_nir (LIBoxCell synapse, LIFBoxCell neuron), float32:
//               i = i + dt/tau_syn (v_leak - i + w_in x); v = v + dt/tau_mem (v_leak - v + r i)
//               (this step's current); z = v > v_th; v = v_reset where z. Its LIF ignores r.
import type { SpikeBatch } from '../data/types';
import type { FlatGraph, FlatNode } from './importRead';
import { numbers } from './importRead';

export type NirSemantics = 'nir' | 'nir-subtract' | 'snntorch' | 'snntorch-reset-delay' | 'norse';

export const SEMANTICS: Record<
  NirSemantics,
  { label: string; precision: 'float32' | 'float64'; currentOfThisStep: boolean }
> = {
  nir: { label: 'NIR reference (forward Euler, reset to v_reset)', precision: 'float64', currentOfThisStep: false },
  'nir-subtract': {
    label: 'NIR paper reference loop (subtractive reset)',
    precision: 'float64',
    currentOfThisStep: false,
  },
  snntorch: { label: 'snnTorch import_from_nir (reset_delay=False)', precision: 'float32', currentOfThisStep: true },
  'snntorch-reset-delay': {
    label: 'snnTorch modules (reset_delay=True)',
    precision: 'float32',
    currentOfThisStep: true,
  },
  norse: { label: 'Norse from_nir (LIBox + LIFBox)', precision: 'float32', currentOfThisStep: true },
};

/** A graph this simulator cannot run (node types it has no equations for, broken wiring). */
export class NirSimulationError extends Error {
  override name = 'NirSimulationError';
}

/** Node types the simulator runs. */
export const SIMULATED_TYPES: ReadonlySet<string> = new Set([
  'Input',
  'Output',
  'Linear',
  'Affine',
  'Scale',
  'Delay',
  'LIF',
  'LI',
  'CubaLIF',
  'CubaLI',
  'IF',
  'I',
]);

export interface LayerTrace {
  name: string;
  type: string;
  size: number;
  /** 1 where the node spiked, [sample][step][unit] flattened (all zero for non-spiking nodes). */
  spikes: Uint8Array;
  /** The membrane after the step (after the reset), [sample][step][unit] flattened. */
  membrane: Float64Array;
  /** The value the spike decision read. */
  membranePreReset: Float64Array;
  /** For an Output: the value it received; for others, their output. */
  output: Float64Array;
}

export interface SimulationResult {
  semantics: NirSemantics;
  batchSize: number;
  timeSteps: number;
  layers: Map<string, LayerTrace>;
  /** Problems the target tool's importer would raise for this file (its asserts), one sentence each. */
  warnings: string[];
}

interface NeuronParams {
  tauSyn: Float64Array;
  tauMem: Float64Array;
  r: Float64Array;
  vLeak: Float64Array;
  wIn: Float64Array;
  vThreshold: Float64Array;
  vReset: Float64Array;
}

interface SimNode {
  name: string;
  type: string;
  size: number;
  inputs: { from: number; delayed: boolean }[];
  weight?: Float64Array; // (out, in)
  bias?: Float64Array;
  ins?: number;
  scale?: Float64Array;
  delaySteps?: Int32Array;
  neuron?: NeuronParams;
}

function vector(node: FlatNode, field: string, size: number, fallback: number | null): Float64Array {
  const d = node.group.children[field];
  if (d?.kind !== 'dataset') {
    if (fallback === null) throw new NirSimulationError(`Node '${node.name}' (${node.type}) lacks '${field}'.`);
    return new Float64Array(size).fill(fallback);
  }
  const v = numbers(d, node.name, field);
  if (v.length === 1) return new Float64Array(size).fill(v[0] as number);
  if (v.length !== size)
    throw new NirSimulationError(
      `Node '${node.name}' (${node.type}): '${field}' has ${v.length} values for ${size} neurons.`,
    );
  return Float64Array.from(v);
}

const prod = (s: number[] | null | undefined) => (s ? s.reduce((a, b) => a * b, 1) : null);

/** The graph as the simulator runs it: sized nodes in evaluation order with loops cut. */
export function compileNirNet(flat: FlatGraph, dtSeconds: number): { nodes: SimNode[]; unsupported: string[] } {
  const unsupported = [...new Set([...flat.nodes.values()].map((n) => n.type).filter((t) => !SIMULATED_TYPES.has(t)))];
  if (unsupported.length) return { nodes: [], unsupported };
  const names = [...flat.nodes.values()].filter((n) => !n.passThrough).map((n) => n.name);
  const index = new Map(names.map((n, i) => [n, i]));
  const inbound = names.map(() => [] as number[]);
  const outbound = names.map(() => [] as number[]);
  for (const [a, b] of flat.edges) {
    const i = index.get(a);
    const j = index.get(b);
    if (i === undefined || j === undefined) continue;
    outbound[i]?.push(j);
    inbound[j]?.push(i);
  }
  const stateful = (i: number) => {
    const t = flat.nodes.get(names[i] as string)?.type ?? '';
    return t === 'Delay' || t === 'LIF' || t === 'LI' || t === 'CubaLIF' || t === 'CubaLI' || t === 'IF' || t === 'I';
  };
  // Iterative DFS from every node (inputs first); an edge to a node on the stack closes a loop.
  const delayed = new Set<string>();
  const state = new Uint8Array(names.length); // 0 new, 1 on stack, 2 done
  const starts = names.map((_, i) => i).sort((a, b) => inbound[a]!.length - inbound[b]!.length);
  for (const s of starts) {
    if (state[s]) continue;
    const stack: { node: number; next: number }[] = [{ node: s, next: 0 }];
    const path: number[] = [s];
    state[s] = 1;
    while (stack.length) {
      const top = stack[stack.length - 1] as { node: number; next: number };
      const outs = outbound[top.node] as number[];
      if (top.next >= outs.length) {
        state[top.node] = 2;
        stack.pop();
        path.pop();
        continue;
      }
      const to = outs[top.next++] as number;
      if (state[to] === 1) {
        // Cut the loop at the output of its last stateful node before this edge.
        let k = path.length - 1;
        while (k >= 0 && !stateful(path[k] as number)) k--;
        if (k < 0) throw new NirSimulationError(`The loop through '${names[to]}' has no neuron to hold its state.`);
        const from = path[k] as number;
        const next = k + 1 < path.length ? (path[k + 1] as number) : to;
        delayed.add(`${from}>${next}`);
      } else if (state[to] === 0) {
        state[to] = 1;
        stack.push({ node: to, next: 0 });
        path.push(to);
      }
    }
  }
  // Topological order over the edges that are not delayed.
  const indeg = names.map((_, j) => inbound[j]!.filter((i) => !delayed.has(`${i}>${j}`)).length);
  const order: number[] = [];
  const queue = names.map((_, i) => i).filter((i) => indeg[i] === 0);
  while (queue.length) {
    const i = queue.shift() as number;
    order.push(i);
    for (const j of outbound[i] as number[])
      if (!delayed.has(`${i}>${j}`)) {
        indeg[j] = (indeg[j] as number) - 1;
        if (indeg[j] === 0) queue.push(j);
      }
  }
  if (order.length !== names.length) throw new NirSimulationError('The graph has a loop the simulator cannot order.');
  const position = new Map(order.map((i, k) => [i, k]));

  const nodes: SimNode[] = order.map((i) => {
    const name = names[i] as string;
    const node = flat.nodes.get(name) as FlatNode;
    const size = prod(flat.shapes.get(name)?.output) ?? 0;
    const sim: SimNode = {
      name,
      type: node.type,
      size,
      inputs: (inbound[i] as number[]).map((from) => ({
        from: position.get(from) as number,
        delayed: delayed.has(`${from}>${i}`),
      })),
    };
    switch (node.type) {
      case 'Linear':
      case 'Affine': {
        const w = node.group.children.weight;
        if (w?.kind !== 'dataset' || w.shape.length !== 2)
          throw new NirSimulationError(`Node '${name}' (${node.type}) needs a 2-D weight.`);
        sim.weight = Float64Array.from(numbers(w, name, 'weight'));
        sim.size = w.shape[0] as number;
        sim.ins = w.shape[1] as number;
        if (node.type === 'Affine') sim.bias = vector(node, 'bias', sim.size, null);
        break;
      }
      case 'Scale':
        sim.scale = vector(node, 'scale', size, null);
        break;
      case 'Delay': {
        const d = vector(node, 'delay', size, null);
        sim.delaySteps = Int32Array.from(d, (x) => Math.round(x / dtSeconds));
        break;
      }
      case 'LIF':
      case 'LI':
      case 'IF':
      case 'I':
      case 'CubaLIF':
      case 'CubaLI': {
        const cuba = node.type.startsWith('Cuba');
        const tau = node.type === 'IF' || node.type === 'I' ? null : cuba ? 'tau_mem' : 'tau';
        sim.neuron = {
          tauSyn: cuba ? vector(node, 'tau_syn', size, null) : new Float64Array(size),
          tauMem: tau ? vector(node, tau, size, null) : new Float64Array(size).fill(Infinity),
          r: vector(node, 'r', size, 1),
          vLeak: vector(node, 'v_leak', size, 0),
          wIn: vector(node, 'w_in', size, 1),
          vThreshold: vector(node, 'v_threshold', size, Infinity),
          vReset: vector(node, 'v_reset', size, 0),
        };
        break;
      }
    }
    return sim;
  });
  // Sizes of nodes whose shape the file did not state: from their inputs.
  for (const n of nodes) {
    const from = n.inputs[0];
    if (n.size === 0 && from) n.size = (nodes[from.from] as SimNode).size;
    if (n.size <= 0) throw new NirSimulationError(`Node '${n.name}' (${n.type}) has no known size.`);
  }
  return { nodes, unsupported: [] };
}

/**
 * Runs a NIR graph on a batch of spikes (each event a 1 held for one step) under one tool's
 * semantics. `inputs` names the Input node each batch feeds (default: the graph's only Input).
 */
export function simulateNir(
  flat: FlatGraph,
  batch: SpikeBatch,
  semantics: NirSemantics,
  dtSeconds: number,
  options: { samples?: number; inputName?: string } = {},
): SimulationResult {
  const { nodes, unsupported } = compileNirNet(flat, dtSeconds);
  if (unsupported.length)
    throw new NirSimulationError(
      `The graph holds node types the simulator has no equations for: ${unsupported.join(', ')}.`,
    );
  const info = SEMANTICS[semantics];
  const f32 = info.precision === 'float32';
  const R = f32 ? Math.fround : (x: number) => x;
  const T = batch.timeSteps;
  const B = Math.min(options.samples ?? batch.batchSize, batch.batchSize);
  const inputs = nodes.filter((n) => n.type === 'Input');
  const input = options.inputName ? inputs.find((n) => n.name === options.inputName) : inputs[0];
  if (!input) throw new NirSimulationError('The graph has no Input node.');
  if (input.size !== batch.inputUnits)
    throw new NirSimulationError(
      `The Input '${input.name}' has ${input.size} units; the batch has ${batch.inputUnits}.`,
    );
  const warnings = importerWarnings(nodes, semantics, dtSeconds);

  const layers = new Map<string, LayerTrace>();
  for (const n of nodes)
    layers.set(n.name, {
      name: n.name,
      type: n.type,
      size: n.size,
      spikes: new Uint8Array(B * T * n.size),
      membrane: new Float64Array(n.neuron ? B * T * n.size : 0),
      membranePreReset: new Float64Array(n.neuron ? B * T * n.size : 0),
      output: new Float64Array(n.neuron ? 0 : B * T * n.size),
    });

  // Per-node coefficients, once (in the tool's precision).
  const coef = nodes.map((n) => {
    const p = n.neuron;
    if (!p) return null;
    const size = n.size;
    const c = {
      a: new Float64Array(size), // current: decay, or dt/tau_syn
      b: new Float64Array(size), // membrane: decay, or dt/tau_mem
      gIn: new Float64Array(size),
      thr: new Float64Array(size),
      scale: new Float64Array(size).fill(1), // snnTorch LIF: its mem = v / scale
    };
    for (let j = 0; j < size; j++) {
      const ts = p.tauSyn[j] as number;
      const tm = p.tauMem[j] as number;
      if (semantics === 'snntorch' || semantics === 'snntorch-reset-delay') {
        c.a[j] = R(1 - dtSeconds / ts);
        c.b[j] = R(Number.isFinite(tm) ? 1 - dtSeconds / tm : 1);
        const w = n.type.startsWith('Cuba') ? 1 : ((p.r[j] as number) * dtSeconds) / tm;
        c.scale[j] = R(w);
        c.thr[j] = R((p.vThreshold[j] as number) / (n.type.startsWith('Cuba') ? 1 : w));
      } else if (semantics === 'norse') {
        c.a[j] = R(R(dtSeconds) * R(1 / R(ts)));
        c.b[j] = R(R(dtSeconds) * R(1 / R(tm)));
        c.thr[j] = R(p.vThreshold[j] as number);
      } else {
        c.a[j] = dtSeconds / ts;
        c.b[j] = Number.isFinite(tm) ? dtSeconds / tm : 0;
        c.thr[j] = p.vThreshold[j] as number;
      }
    }
    return c;
  });

  const N = nodes.length;
  for (let s = 0; s < B; s++) {
    const out = nodes.map((n) => new Float64Array(n.size));
    const prev = nodes.map((n) => new Float64Array(n.size));
    const I = nodes.map((n) => new Float64Array(n.neuron ? n.size : 0));
    const V = nodes.map((n) => new Float64Array(n.neuron ? n.size : 0));
    const Z = nodes.map((n) => new Uint8Array(n.neuron ? n.size : 0));
    const history = nodes.map((n) => (n.delaySteps ? new Float64Array(T * n.size) : null));
    const x = nodes.map((n) => new Float64Array(n.type === 'Linear' || n.type === 'Affine' ? (n.ins ?? 0) : n.size));
    for (let t = 0; t < T; t++) {
      for (let k = 0; k < N; k++) prev[k]?.set(out[k] as Float64Array);
      for (let k = 0; k < N; k++) {
        const n = nodes[k] as SimNode;
        const o = out[k] as Float64Array;
        const trace = layers.get(n.name) as LayerTrace;
        const base = (s * T + t) * n.size;
        if (n === input) {
          o.fill(0);
          const row = s * T + t;
          for (let e = batch.offsets[row] as number; e < (batch.offsets[row + 1] as number); e++)
            o[batch.units[e] as number] = 1;
          trace.output.set(o, base);
          continue;
        }
        // The sum of inbound edges (each source's value of this step, or the last for a cut loop).
        const xi = x[k] as Float64Array;
        xi.fill(0);
        for (const { from, delayed } of n.inputs) {
          const src = (delayed ? prev[from] : out[from]) as Float64Array;
          for (let j = 0; j < xi.length; j++) xi[j] = (xi[j] as number) + (src[j] as number);
        }
        if (n.weight) {
          const ins = n.ins as number;
          const w = n.weight;
          const acc = new Float64Array(n.size);
          for (let i = 0; i < ins; i++) {
            const v = xi[i] as number;
            if (v === 0) continue;
            for (let j = 0; j < n.size; j++) acc[j] = (acc[j] as number) + (w[j * ins + i] as number) * v;
          }
          for (let j = 0; j < n.size; j++) o[j] = R((acc[j] as number) + (n.bias ? (n.bias[j] as number) : 0));
          trace.output.set(o, base);
          continue;
        }
        if (n.scale) {
          for (let j = 0; j < n.size; j++) o[j] = R((n.scale[j] as number) * (xi[j] as number));
          trace.output.set(o, base);
          continue;
        }
        if (n.delaySteps) {
          const h = history[k] as Float64Array;
          h.set(xi, t * n.size);
          for (let j = 0; j < n.size; j++) {
            const d = n.delaySteps[j] as number;
            o[j] = t - d >= 0 ? (h[(t - d) * n.size + j] as number) : 0;
          }
          trace.output.set(o, base);
          continue;
        }
        if (!n.neuron) {
          // Output: what reaches it.
          o.set(xi);
          trace.output.set(o, base);
          continue;
        }
        const p = n.neuron;
        const c = coef[k] as NonNullable<(typeof coef)[number]>;
        const Ik = I[k] as Float64Array;
        const Vk = V[k] as Float64Array;
        const Zk = Z[k] as Uint8Array;
        const cuba = n.type === 'CubaLIF' || n.type === 'CubaLI';
        const spiking = n.type === 'CubaLIF' || n.type === 'LIF' || n.type === 'IF';
        for (let j = 0; j < n.size; j++) {
          const xj = xi[j] as number;
          let v = Vk[j] as number;
          let pre: number;
          if (semantics === 'snntorch' || semantics === 'snntorch-reset-delay') {
            let drive = xj;
            if (cuba) {
              Ik[j] = R(R((c.a[j] as number) * (Ik[j] as number)) + xj);
              drive = Ik[j] as number;
            }
            pre = R(R((c.b[j] as number) * v) + drive);
            if (semantics === 'snntorch-reset-delay' && Zk[j]) pre = R(pre - pre);
          } else if (semantics === 'norse') {
            const vl = R(p.vLeak[j] as number);
            let drive = R(xj);
            if (cuba) {
              const xin = R(R(p.wIn[j] as number) * xj);
              const i0 = Ik[j] as number;
              Ik[j] = R(i0 + R((c.a[j] as number) * R(R(vl - i0) + xin)));
              drive = R(R(p.r[j] as number) * (Ik[j] as number));
            }
            pre = R(v + R((c.b[j] as number) * R(R(vl - v) + drive)));
          } else {
            // NIR reference: the membrane integrates the current of the previous step.
            const iLast = Ik[j] as number;
            const drive = cuba ? iLast : xj;
            if (cuba) Ik[j] = iLast + (c.a[j] as number) * (-iLast + (p.wIn[j] as number) * xj);
            const b = c.b[j] as number;
            pre =
              n.type === 'IF' || n.type === 'I'
                ? v + (p.r[j] as number) * drive
                : v + b * ((p.vLeak[j] as number) - v + (p.r[j] as number) * drive);
          }
          const z = spiking && pre > (c.thr[j] as number) ? 1 : 0;
          if (semantics === 'snntorch-reset-delay') v = pre;
          else if (semantics === 'nir-subtract') v = z ? pre - (p.vThreshold[j] as number) : pre;
          else if (semantics === 'snntorch') v = z ? 0 : pre;
          else v = z ? R(p.vReset[j] as number) : pre;
          Vk[j] = v;
          Zk[j] = z;
          o[j] = z;
          trace.spikes[base + j] = z;
          trace.membrane[base + j] = v;
          trace.membranePreReset[base + j] = pre;
        }
      }
    }
  }
  return { semantics, batchSize: B, timeSteps: T, layers, warnings };
}

/** What each tool's importer asserts of a file, checked here so that the report can say it. */
function importerWarnings(nodes: SimNode[], semantics: NirSemantics, dt: number): string[] {
  const out: string[] = [];
  const near = (a: number, b: number) => Math.abs(a - b) <= 1e-5 + 1e-5 * Math.abs(b);
  for (const n of nodes) {
    const p = n.neuron;
    if (!p) continue;
    const what = `${n.type} '${n.name}'`;
    if (semantics === 'snntorch' || semantics === 'snntorch-reset-delay') {
      if (n.type === 'CubaLI' || n.type === 'LI' || n.type === 'I')
        out.push(`${what}: snnTorch's importer has no mapping for ${n.type}`);
      if (!p.vLeak.every((v) => near(v, 0))) out.push(`${what}: snnTorch's importer asserts v_leak = 0`);
      if (n.type === 'CubaLIF') {
        if (!p.r.every((r, j) => near(r, (p.tauMem[j] as number) / dt)))
          out.push(`${what}: snnTorch's importer asserts r = tau_mem / dt (dt = ${dt} s)`);
        if (!p.wIn.every((w, j) => near((w * dt) / (p.tauSyn[j] as number), 1)))
          out.push(`${what}: snnTorch's Synaptic takes its input unscaled, so w_in dt / tau_syn must be 1`);
      }
      if (new Set(p.vThreshold).size > 1) out.push(`${what}: snnTorch's importer needs one threshold per layer`);
    }
    if (semantics === 'norse') {
      if (n.type === 'CubaLI' || n.type === 'LI' || n.type === 'I')
        out.push(`${what}: Norse's from_nir has no mapping for ${n.type}`);
      if (n.type === 'LIF' && !p.r.every((r) => near(r, 1))) out.push(`${what}: Norse's LIF ignores r (it must be 1)`);
    }
  }
  return out;
}

/** Spike triples [sample, step, unit] of one layer, sorted. */
export function spikeTriples(trace: LayerTrace, timeSteps: number): [number, number, number][] {
  const out: [number, number, number][] = [];
  const n = trace.size;
  for (let k = 0; k < trace.spikes.length; k++)
    if (trace.spikes[k]) {
      const unit = k % n;
      const row = (k - unit) / n;
      out.push([Math.floor(row / timeSteps), row % timeSteps, unit]);
    }
  return out;
}
