// Writes a Spikewright graph with its trained weights as a NIR file (HDF5), in the layout the
// reference `nir` package (v1.0.7) reads: every value a dataset, no attributes, 1-D
// parameters, equal shapes across every edge. docs/nir-mapping.md explains the mapping.
import { writeFile } from 'node:fs/promises';
import { restoreSnnFile, type SnnFile } from '../../shared/file/snnFile';
import { defaultMemoryLimit, formatBytes } from '../../shared/graph/budgets';
import type { GraphEdge, GraphNode } from '../../shared/graph/document';
import { lifFields, nodeKindInfo } from '../../shared/graph/kinds';
import { outputSize } from '../../shared/graph/shapes';
import { findLoop } from '../../shared/graph/validate';
import { delayKey } from '../engine/delays';
import { type NeuronParamName, neuronKey, sigmoid } from '../engine/neuronParams';
import { perNeuronOf } from '../engine/plan';
import { weightsFromFile } from '../engine/snnWeights';
import type { ExportAgreement } from './agreement';
import { MS_PER_SECOND, NIR_VERSION, oneMinusDecay } from './convention';
import { EXTRAS_FORMAT, type SpikewrightNirExtras } from './extras';
import { dataset, group, type H5Group, writeH5 } from './h5';
import { uniqueNames } from './names';
import { EXPORT_TARGETS, type ExportTarget } from './targets';

export interface NirExportOptions {
  /** Weights to export by connection id, row-major [source, target]; default: the file's stored weights. */
  weights?: Record<string, Float32Array>;
  /** Keep losses, regularisers, training settings and node names in /node/metadata (default true). */
  keepSpikewrightMetadata?: boolean;
  /** Written to /node/metadata/source. */
  appVersion?: string;
  /** Bytes the export may take (default: the process limit, shared/graph/budgets.ts). */
  memoryLimitBytes?: number;
  /** The tool the file is written for (default 'nir': NIR's reference semantics at the graph's dt). */
  target?: ExportTarget;
}

export type Discretisation = 'nir' | 'spytorch';

/** The discretisation a graph trains under (its training node); files from before the choice: SpyTorch's. */
export function discretisationOf(graph: { nodes: GraphNode[] }): Discretisation {
  const training = graph.nodes.find((n) => n.kind === 'training');
  const d = (training?.params as Record<string, unknown> | undefined)?.discretisation;
  return d === 'nir' ? 'nir' : 'spytorch';
}

/** Thrown when the graph holds something NIR cannot express; `problems` names each node. */
export class NirExportError extends Error {
  override name = 'NirExportError';
  constructor(readonly problems: string[]) {
    super(`Cannot export to NIR: ${problems.join('; ')}`);
  }
}

/** The step order of a graph trained under NIR's reference semantics (discretisation 'nir'). */
export const NIR_TIME_CONVENTION =
  "NIR reference forward Euler (the NIR paper's nir_reference_impl.py) with step dt (seconds, /node/metadata/dt); " +
  'spikes are values held over a step. Step t: x[t] = sum of inbound edges at step t (Affine biases every step; ' +
  'a population feeding itself contributes its spikes of step t-1); I[t] = I[t-1] + dt/tau_syn (-I[t-1] + w_in x[t]); ' +
  'v~ = v[t-1] + dt/tau_mem (v_leak - v[t-1] + r I[t-1]); z[t] = v~ > v_threshold; v[t] = v_reset where z[t], else v~. ' +
  'CubaLI: the same without spikes or reset. All state 0 before step 0.';

/** The step order of a graph trained under SpyTorch's rule (discretisation 'spytorch'). */
export const TIME_CONVENTION =
  'Forward Euler with step dt (seconds, /node/metadata/dt); spikes are values held over a step. ' +
  'Step n: S[n] = H(v[n] - v_threshold); x[n] = sum of inbound edges at step n (a population feeding ' +
  'itself through a Linear node contributes its S[n]); I[n+1] = I[n] + dt/tau_syn (-I[n] + w_in x[n]); ' +
  'v[n+1] = v_reset if S[n] else v[n] + dt/tau_mem (v_leak - v[n] + r I[n]); I[0] = v[0] = 0. ' +
  'CubaLI: the same without spikes or reset.';

const MAX_UNITS = lifFields.size.max;

/**
 * Refuses, before allocating, a graph whose export would not fit: every neuron field is a
 * float64 per unit (8 fields), every weight is decoded and transposed (8 bytes), and the file
 * holds them again. Sizes past the editor's bounds are left to the per-node check below.
 */
function checkExportBudget(file: SnnFile, limitBytes: number) {
  const byId = new Map(file.graph.nodes.map((n) => [n.id, n]));
  let bytes = 0;
  const sizeOf = (n: GraphNode | undefined) => {
    const s = n ? outputSize(n) : null;
    return s !== null && Number.isInteger(s) && s >= 1 && s <= MAX_UNITS ? s : 0;
  };
  for (const n of file.graph.nodes) bytes += sizeOf(n) * 8 * 8;
  for (const e of file.graph.edges)
    if (e.kind === 'connection') bytes += sizeOf(byId.get(e.source)) * sizeOf(byId.get(e.target)) * 12;
  if (bytes > limitBytes)
    throw new NirExportError([
      `the NIR file would need about ${formatBytes(bytes)} to write; this machine allows ${formatBytes(limitBytes)}`,
    ]);
}

const label = (node: GraphNode) => `${nodeKindInfo[node.kind].label} '${node.name || node.id}'`;

/**
 * A connection's delay per source unit, in steps, for a NIR Delay node before its weights; null
 * without delays (or all zero); a sentence (after the connection's name) when NIR cannot hold
 * them: per-synapse delays that differ within a source unit's row, learnable delays not yet
 * rounded to whole steps, or stored delays missing.
 */
function sourceDelays(
  edge: Extract<GraphEdge, { kind: 'connection' }>,
  weights: Record<string, Float32Array>,
  rows: number,
  cols: number,
): Int32Array | null | string {
  const p = edge.params;
  if (p.delay === 'none' || (p.delay === 'fixed' && p.delaySteps === 0)) return null;
  if (p.delay === 'fixed') return new Int32Array(rows).fill(p.delaySteps);
  const d = weights[delayKey(edge.id)];
  if (d?.length !== rows * cols)
    return `has ${p.delay} delays but none stored in this file; train the network and save it before exporting to NIR`;
  const out = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const first = d[i * cols] as number;
    if (!Number.isInteger(first))
      return `has learnable delays that are not whole steps (${first} at source unit ${i}); training rounds them at its end, so export a file whose training finished`;
    for (let j = 1; j < cols; j++)
      if (d[i * cols + j] !== first)
        return `has per-synapse delays that differ within the synapses of source unit ${i} (${first} and ${d[i * cols + j]} steps); NIR's Delay node holds one delay per source neuron, so only fixed delays or delays that are equal along each source unit's row can be exported`;
    out[i] = first;
  }
  return out.some((x) => x !== 0) ? out : null;
}

/**
 * A population's per-neuron decays and thresholds from the stored parameters (engine space:
 * a decay as its logit, neuronParams.ts), null where it holds one value; a message when it has
 * per-neuron parameters but the file stores none (they are drawn or trained by a run).
 */
function perNeuronValues(
  node: Extract<GraphNode, { kind: 'lif' | 'readout' }>,
  weights: Record<string, Float32Array>,
  size: number,
): { alpha: Float64Array | null; beta: Float64Array | null; theta: Float64Array | null } | string {
  const spec = perNeuronOf(node);
  if (!spec) return { alpha: null, beta: null, theta: null };
  const values = (name: NeuronParamName, decay: boolean) => {
    if (!spec.names.includes(name)) return null;
    const v = weights[neuronKey(node.id, name)];
    return v?.length === size ? Float64Array.from(v, (x) => (decay ? sigmoid(x) : x)) : undefined;
  };
  const alpha = values('tauSyn', true);
  const beta = values('tauMem', true);
  const theta = values('threshold', false);
  if (alpha === undefined || beta === undefined || theta === undefined)
    return 'has per-neuron time constants or thresholds but none stored in this file; train the network and save it before exporting to NIR';
  return { alpha, beta, theta };
}

/** The NIR file as an in-memory HDF5 tree (exportNir writes it). Throws NirExportError. */
export function exportNirTree(file: SnnFile, options: NirExportOptions = {}): H5Group {
  const graph = file.graph;
  const problems: string[] = [];
  checkExportBudget(file, options.memoryLimitBytes ?? defaultMemoryLimit());
  const weights = options.weights ?? weightsFromFile(file);
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const connections = graph.edges.filter(
    (e): e is Extract<GraphEdge, { kind: 'connection' }> => e.kind === 'connection',
  );

  // Which nodes take part: populations, readouts, and datasets that feed something.
  const fed = new Set(connections.map((e) => e.source));
  const members = graph.nodes.filter(
    (n) => n.kind === 'lif' || n.kind === 'readout' || (n.kind === 'dataset' && fed.has(n.id)),
  );
  const datasets = members.filter((n) => n.kind === 'dataset');
  if (datasets.length === 0) problems.push('the graph has no dataset feeding a connection, so NIR has no Input');
  const dts = new Set(datasets.map((d) => (d.kind === 'dataset' ? d.params.dt : 0)));
  if (dts.size > 1)
    problems.push(`the datasets use different time steps (${[...dts].join(', ')} ms); NIR needs one dt`);
  const dtMs = datasets[0]?.kind === 'dataset' ? datasets[0].params.dt : 1;
  if (!(dtMs > 0) || !Number.isFinite(dtMs))
    problems.push(`${label(datasets[0] as GraphNode)}: the time step must be a positive number`);

  for (const node of members) {
    const size = outputSize(node);
    if (size === null || !Number.isInteger(size) || size < 1 || size > MAX_UNITS)
      problems.push(
        `${label(node)}: its size must be a whole number from 1 to ${MAX_UNITS.toLocaleString('en-US')} (it is ${size})`,
      );
    if (node.kind === 'lif' || node.kind === 'readout') {
      for (const key of ['tauMem', 'tauSyn'] as const) {
        const tau = node.params[key];
        if (!(tau > 0) || !Number.isFinite(tau))
          problems.push(`${label(node)}: ${key} must be positive (it is ${tau})`);
      }
    }
    if (node.kind === 'lif') {
      if (node.params.neuron === 'adlif')
        problems.push(
          `${label(node)} is an adaptive LIF (adLIF) population, which NIR cannot express: NIR has no adaptive LIF node ` +
            '(its CubaLIF has no adaptation current). Switch the population to "Neuron model: LIF" and retrain to export it',
        );
      if (node.params.reset === 'subtract')
        problems.push(
          `${label(node)} uses the subtractive reset (U - threshold), which NIR cannot express: ` +
            'NIR neurons reset to v_reset. Switch the population to "Reset: to zero" and retrain to export it',
        );
      if (!Number.isFinite(node.params.threshold))
        problems.push(`${label(node)}: the threshold must be a finite number`);
    }
  }

  /** Per source unit, the steps a connection's spikes are held back (connections with delays only). */
  const delaysOf = new Map<string, Int32Array>();
  for (const edge of connections) {
    const source = byId.get(edge.source);
    const target = byId.get(edge.target);
    if (!source || !target) {
      problems.push(`connection '${edge.id}' joins a node that does not exist`);
      continue;
    }
    const what = `connection '${edge.id}' (${source.name} → ${target.name})`;
    if (source.kind !== 'dataset' && source.kind !== 'lif')
      problems.push(`${what} starts at ${label(source)}; only datasets and LIF populations emit spikes`);
    if (target.kind !== 'lif' && target.kind !== 'readout')
      problems.push(`${what} ends at ${label(target)}; only LIF populations and readouts take input`);
    if (source.id === target.id && source.kind !== 'lif') problems.push(`${what}: only LIF populations can recur`);
    const expected = (outputSize(source) ?? 0) * (outputSize(target) ?? 0);
    const w = weights[edge.id];
    if (!w && file.weights?.[edge.id])
      problems.push(`${what}: its stored weights do not fit its populations (${expected} values needed)`);
    else if (!w)
      problems.push(
        `${what} has no trained weights in this file; train the network and save it before exporting to NIR`,
      );
    else if (w.length !== expected)
      problems.push(`${what} has ${w.length} weights, but its populations need ${expected}`);
    else if (!w.every(Number.isFinite)) problems.push(`${what} has weights that are NaN or infinite`);
    const delays = sourceDelays(edge, weights, outputSize(source) ?? 0, outputSize(target) ?? 0);
    if (typeof delays === 'string') problems.push(`${what} ${delays}`);
    else if (delays) delaysOf.set(edge.id, delays);
  }
  const cycle = findLoop(connections);
  if (cycle)
    problems.push(
      `connections form a loop through ${cycle.map((id) => `'${byId.get(id)?.name ?? id}'`).join(' → ')}; ` +
        'Spikewright only simulates a population feeding itself, so it exports nothing else',
    );
  if (problems.length) throw new NirExportError(problems);

  // NIR node names are HDF5 group names: keep them readable and unique.
  const unique = uniqueNames();
  const nirNameOf = (wanted: string) =>
    unique(wanted.replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^_+|_+$/g, '') || 'node');
  const nirName = new Map<string, string>();
  for (const node of members) nirName.set(node.id, nirNameOf(node.name || node.id));

  const nodes: Record<string, H5Group> = {};
  const edges: [string, string][] = [];
  const outputEdges: [string, string][] = [];
  const extras: SpikewrightNirExtras = {
    format: EXTRAS_FORMAT,
    version: 1,
    nodes: {},
    connections: {},
    dropped: { nodes: [], edges: [] },
    // The last run's curves (metadata.lastRun) stay in the .snn.json: NIR carries the network.
    metadata: {
      name: file.metadata.name,
      description: file.metadata.description,
      ...(file.metadata.training ? { training: file.metadata.training } : {}),
    },
    order: { nodes: graph.nodes.map((n) => n.id), edges: graph.edges.map((e) => e.id) },
  };
  const full = (n: number, v: number) => new Float64Array(n).fill(v);

  const tool = EXPORT_TARGETS[options.target ?? 'nir'];
  const discretisation = discretisationOf(graph);
  const dtSeconds = dtMs / MS_PER_SECOND;
  const step = tool.dtSeconds ?? dtSeconds;
  /** Per population: the factor (per neuron) its incoming weights and bias are multiplied by in the file. */
  const gainOf = new Map<string, Float64Array>();
  for (const node of members) {
    const name = nirName.get(node.id) as string;
    const size = outputSize(node) as number;
    // A dataset's local folder means nothing on another machine; leave it out of the file.
    const { path: _path, ...params } = node.params as Record<string, unknown>;
    extras.nodes[name] = { id: node.id, name: node.name, params };
    if (node.kind === 'dataset') {
      nodes[name] = group({ type: dataset('Input'), shape: dataset(BigInt64Array.of(BigInt(size))) });
      continue;
    }
    if (node.kind !== 'lif' && node.kind !== 'readout') continue;
    const p = node.params;
    // The per-step decays the engine uses (1 - alpha, 1 - beta), per neuron (populations with
    // per-neuron parameters: the stored ones), and the file's time constants that give the
    // target tool the same decays at its own step.
    const own = perNeuronValues(node, weights, size);
    if (typeof own === 'string') {
      problems.push(`${label(node)} ${own}`);
      continue;
    }
    const oneMinus = (tau: number, decays: Float64Array | null) =>
      decays
        ? decays.map((d) => 1 - d)
        : new Float64Array(size).fill(discretisation === 'nir' ? dtMs / tau : oneMinusDecay(dtMs, tau));
    const oneMinusAlpha = oneMinus(p.tauSyn, own.alpha);
    const oneMinusBeta = oneMinus(p.tauMem, own.beta);
    const tauSyn = oneMinusAlpha.map((x) => step / x);
    const tauMem = oneMinusBeta.map((x) => step / x);
    const c = oneMinusBeta.map((x) => (p.scaleInput ? x : 1));
    const wIn = new Float64Array(size).fill(1);
    const r = new Float64Array(size).fill(1);
    const gain = new Float64Array(size).fill(1);
    for (let j = 0; j < size; j++) {
      if (!tool.gainsInFields)
        gain[j] = (c[j] as number) / ((oneMinusAlpha[j] as number) * (oneMinusBeta[j] as number));
      else if (options.target === 'snntorch') {
        // snnTorch asserts r = tau_mem / dt; the (1 - beta) input scaling goes into the weights.
        wIn[j] = (tauSyn[j] as number) / step;
        r[j] = (tauMem[j] as number) / step;
        gain[j] = c[j] as number;
      } else {
        wIn[j] = (tauSyn[j] as number) / step;
        r[j] = ((c[j] as number) * (tauMem[j] as number)) / step;
      }
    }
    gainOf.set(node.id, gain);
    const asLif = node.kind === 'lif' || tool.readoutThreshold !== null;
    const fields: Record<string, ReturnType<typeof dataset>> = {
      type: dataset(asLif ? 'CubaLIF' : 'CubaLI'),
      tau_syn: dataset(tauSyn),
      tau_mem: dataset(tauMem),
      r: dataset(r),
      v_leak: dataset(full(size, 0)),
      w_in: dataset(wIn),
    };
    if (asLif) {
      fields.v_threshold = dataset(
        own.theta ?? full(size, node.kind === 'lif' ? node.params.threshold : (tool.readoutThreshold as number)),
      );
      fields.v_reset = dataset(full(size, 0));
    }
    nodes[name] = group(fields);
  }

  // Biases (stored under the population's id beside the weights) go into an Affine: the first
  // connection into the population from another node.
  const biasEdge = new Map<string, string>();
  for (const node of members) {
    const b = weights[node.id];
    if (!b || (node.kind !== 'lif' && node.kind !== 'readout')) continue;
    if (b.length !== outputSize(node) || !b.every(Number.isFinite)) {
      problems.push(`${label(node)}: its stored bias has ${b.length} values for ${outputSize(node)} neurons`);
      continue;
    }
    const into = connections.find((e) => e.target === node.id && e.source !== node.id);
    if (into && b.some((x) => x !== 0)) biasEdge.set(into.id, node.id);
  }
  if (problems.length) throw new NirExportError(problems);

  for (const edge of connections) {
    const source = byId.get(edge.source) as GraphNode;
    const target = byId.get(edge.target) as GraphNode;
    const from = nirName.get(source.id) as string;
    const to = nirName.get(target.id) as string;
    const rows = outputSize(source) as number;
    const cols = outputSize(target) as number;
    const w = weights[edge.id] as Float32Array;
    const g = gainOf.get(target.id) ?? new Float64Array(cols).fill(1);
    // Ours is [in, out] row-major; NIR's Linear weight is (out, in).
    const t = new Float32Array(rows * cols);
    for (let i = 0; i < rows; i++)
      for (let j = 0; j < cols; j++) t[j * rows + i] = (w[i * cols + j] as number) * (g[j] as number);
    const name = nirNameOf(source.id === target.id ? `${from}_rec` : `${from}_to_${to}`);
    const biasOf = biasEdge.get(edge.id);
    const bias = biasOf ? weights[biasOf] : undefined;
    nodes[name] = bias
      ? group({
          type: dataset('Affine'),
          weight: dataset(t, [cols, rows]),
          bias: dataset(Float32Array.from(bias, (b, j) => b * (g[j] as number))),
        })
      : group({ type: dataset('Linear'), weight: dataset(t, [cols, rows]) });
    extras.connections[name] = { id: edge.id, params: { ...edge.params } };
    const delays = delaysOf.get(edge.id);
    if (delays) {
      // NIR's Delay holds each source unit back by its own time (seconds) before the weights.
      const delayName = nirNameOf(`${name}_delay`);
      nodes[delayName] = group({ type: dataset('Delay'), delay: dataset(Float64Array.from(delays, (d) => d * step)) });
      edges.push([from, delayName], [delayName, name], [name, to]);
    } else edges.push([from, name], [name, to]);
  }

  // Outputs: every readout, and every population whose spikes leave the network (it feeds
  // no other population, or a loss scores its spikes).
  const scoredByLoss = new Set(
    graph.edges
      .filter((e) => e.kind === 'signal' && byId.get(e.target)?.kind === 'loss')
      .map((e) => e.source)
      .filter((id) => byId.get(id)?.kind === 'lif'),
  );
  const feeding = new Set(connections.filter((e) => e.target !== e.source).map((e) => e.source));
  for (const node of members) {
    const feedsOthers = feeding.has(node.id);
    const isOutput = node.kind === 'readout' || (node.kind === 'lif' && (!feedsOthers || scoredByLoss.has(node.id)));
    if (!isOutput) continue;
    const from = nirName.get(node.id) as string;
    const name = nirNameOf(`${from}_output`);
    nodes[name] = group({
      type: dataset('Output'),
      shape: dataset(BigInt64Array.of(BigInt(outputSize(node) as number))),
    });
    outputEdges.push([from, name]);
  }

  const memberIds = new Set(members.map((n) => n.id));
  extras.dropped.nodes = graph.nodes.filter((n) => !memberIds.has(n.id));
  extras.dropped.edges = graph.edges.filter((e) => e.kind === 'signal');

  const allEdges = [...edges, ...outputEdges];
  const metadata = group({
    dt: dataset(Float64Array.of(step)),
    time_unit: dataset('second'),
    reset: dataset('zero'),
    time_convention: dataset(discretisation === 'nir' ? NIR_TIME_CONVENTION : TIME_CONVENTION),
    target: dataset(options.target ?? 'nir'),
    discretisation: dataset(discretisation),
    source: dataset(`Spikewright ${options.appVersion ?? file.app.version}`),
  });
  if (options.keepSpikewrightMetadata !== false) metadata.children.spikewright = dataset(JSON.stringify(extras));

  return group({
    version: dataset(NIR_VERSION),
    node: group({
      type: dataset('NIRGraph'),
      nodes: group(nodes),
      edges: dataset(allEdges.flat(), [allEdges.length, 2]),
      metadata,
    }),
  });
}

/** The NIR file's bytes for a document with trained weights. Throws NirExportError. */
export async function exportNir(file: SnnFile, options: NirExportOptions = {}): Promise<Uint8Array> {
  return writeH5(exportNirTree(file, options));
}

/** Writes the NIR file to `path`. */
export async function exportNirToPath(file: SnnFile, path: string, options: NirExportOptions = {}): Promise<void> {
  await writeFile(path, await exportNir(file, options));
}

/**
 * The backend's export hook (BackendOptions.exportNir): `.snn.json` text in, NIR bytes and a
 * suggested file name out. Throws an Error with a readable message.
 */
export async function exportNirDocument(
  documentText: string,
  options: NirExportOptions & { agreementSamples?: number } = {},
): Promise<{ data: Uint8Array; fileName: string; agreement?: ExportAgreement }> {
  let json: unknown;
  try {
    json = JSON.parse(documentText);
  } catch (e) {
    throw new Error(`The document is not valid JSON (${(e as Error).message}).`);
  }
  const loaded = restoreSnnFile(json, 'The document');
  if (!loaded.ok) throw new Error(loaded.error);
  const { agreementSamples, ...exportOptions } = options;
  const data = await exportNir(loaded.file, exportOptions);
  const base = (loaded.file.metadata.name || 'network').replace(/[^A-Za-z0-9_.-]+/g, '_');
  const suffix = options.target && options.target !== 'nir' ? `.${options.target}` : '';
  if (!agreementSamples) return { data, fileName: `${base}${suffix}.nir` };
  // Loaded here, not at the top: the agreement check brings in the engine and the datasets.
  const { measureAgreement } = await import('./agreement');
  const { agreementBatch } = await import('./agreementBatch');
  const { batch, data: source } = await agreementBatch(loaded.file, agreementSamples);
  const agreement = measureAgreement(loaded.file, options.target ?? 'nir', batch, source, exportOptions);
  return { data, fileName: `${base}${suffix}.nir`, agreement };
}
