// The `.snn.json` file: an envelope around the graph, its canvas layout, optional trained
// weights and metadata. Loading never throws: it returns the file or a sentence saying what
// is wrong, and migrates files written by older versions of the format.
import { z } from 'zod';
import { describeZodIssues, type GraphDocument, parseGraphDocument } from '../graph/document';
import { weightCount } from '../graph/shapes';
import { base64ToFloat32 } from './base64';
import { readSavedRun, type SavedRun } from './savedRun';

export const FILE_FORMAT = 'spikewright.snn';
/** The format name of version 1, written by Spikeforge 0.1 (this app's former name). */
export const LEGACY_FILE_FORMAT = 'spikeforge.snn';
export const FILE_VERSION = 4;
export const FILE_EXTENSION = '.snn.json';

export interface Position {
  x: number;
  y: number;
}

export interface Layout {
  positions: Record<string, Position>;
  viewport?: { x: number; y: number; zoom: number };
}

/** Weights of one connection, row-major [source units, target units], float32 little-endian, base64. */
export interface StoredTensor {
  shape: number[];
  dtype: 'float32';
  data: string;
}

export interface FileMetadata {
  name: string;
  description: string;
  /** Results of the run that produced the stored weights. */
  training?: { epochs: number; testAccuracy?: number; trainAccuracy?: number; backend?: string; engine?: string };
  /** The last run's curves and test figures, bounded in size (savedRun.ts). */
  lastRun?: SavedRun;
}

export interface SnnFile {
  format: typeof FILE_FORMAT;
  version: typeof FILE_VERSION;
  app: { name: string; version: string };
  graph: GraphDocument;
  layout: Layout;
  weights?: Record<string, StoredTensor>;
  /** Bias currents of the populations with `bias: true`, shape [size], keyed by node id. */
  biases?: Record<string, StoredTensor>;
  /**
   * Per-neuron parameters of populations that are heterogeneous or learn them, keyed by node id:
   * each a tensor of shape [size] (time constants in ms). See NEURON_PARAMS.
   */
  neuronParams?: Record<string, Partial<Record<NeuronParamName, StoredTensor>>>;
  /** Per-synapse delays in time steps, row-major [source units, target units] like weights, keyed by edge id. */
  delays?: Record<string, StoredTensor>;
  /**
   * Optimizer moments per parameter record key: connection (edge id), bias (node id), neuron
   * parameter (`${nodeId}.tauMem` and so on), delay (`${edgeId}.delay`), so training can resume where it stopped.
   */
  optimizerState?: { step: number; slots: Record<string, Record<string, StoredTensor>> };
  metadata: FileMetadata;
}

/** The per-neuron parameters a file can carry for a population (time constants in ms). */
export const NEURON_PARAMS = ['tauMem', 'tauSyn', 'threshold', 'tauAdapt', 'adaptA', 'adaptB'] as const;
export type NeuronParamName = (typeof NEURON_PARAMS)[number];
/** Those a readout can carry. */
export const READOUT_NEURON_PARAMS: readonly NeuronParamName[] = ['tauMem', 'tauSyn'];

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const tensorSchema = z.object({
  shape: z.array(z.number().int().nonnegative()).max(8),
  dtype: z.literal('float32'),
  data: z.string(),
});
const envelopeSchema = z.object({
  format: z.literal(FILE_FORMAT),
  version: z.literal(FILE_VERSION),
  app: z.object({ name: z.string(), version: z.string() }),
  graph: z.unknown(),
  layout: z.object({
    positions: z.record(z.string(), z.object({ x: finite, y: finite })),
    viewport: z.object({ x: finite, y: finite, zoom: finite.refine((v) => v > 0, 'must be positive') }).optional(),
  }),
  weights: z.record(z.string(), tensorSchema).optional(),
  biases: z.record(z.string(), tensorSchema).optional(),
  neuronParams: z.record(z.string(), z.partialRecord(z.enum(NEURON_PARAMS), tensorSchema)).optional(),
  delays: z.record(z.string(), tensorSchema).optional(),
  optimizerState: z
    .object({ step: z.number().int().nonnegative(), slots: z.record(z.string(), z.record(z.string(), tensorSchema)) })
    .optional(),
  metadata: z.object({
    name: z.string(),
    description: z.string(),
    training: z
      .object({
        epochs: z.number(),
        testAccuracy: z.number().optional(),
        trainAccuracy: z.number().optional(),
        backend: z.string().optional(),
        engine: z.string().optional(),
      })
      .optional(),
    // Checked on its own (readSavedRun): damaged curves are dropped, the document still opens.
    lastRun: z.unknown().optional(),
  }),
});

export type LoadResult = { ok: true; file: SnnFile; warnings: string[] } | { ok: false; error: string };

/**
 * Migrations from each older version to the next. Version 1 is the first released format;
 * a step is added here, never edited, whenever the format changes.
 */
const migrations: Record<number, (doc: Record<string, unknown>) => Record<string, unknown>> = {
  // 1 -> 2: the app was renamed from Spikeforge to Spikewright, and the format with it. The
  // content is unchanged; `app` keeps naming the program that wrote the file.
  1: (doc) => ({ ...doc, format: FILE_FORMAT }),
  // 2 -> 3: the training node gained `discretisation` (issue 12), whose default for new graphs
  // is 'nir'. Files written before it were trained under SpyTorch's rule, so they say so; the
  // optional `biases` map is new and absent from older files.
  2: (doc) => ({ ...doc, graph: withDiscretisation(doc.graph, 'spytorch') }),
  // 3 -> 4: populations gained adLIF and per-neuron (heterogeneous, learnable) parameters, and
  // connections delays (issue 13). Every new parameter's default keeps the old model, so the
  // graph is unchanged; the optional `neuronParams` and `delays` maps are new.
  3: (doc) => doc,
};

/** The graph with `discretisation` set on every training node that lacks it; anything malformed is left to the schema check. */
function withDiscretisation(graph: unknown, value: string): unknown {
  if (typeof graph !== 'object' || graph === null || !Array.isArray((graph as { nodes?: unknown }).nodes)) return graph;
  const g = graph as { nodes: unknown[] };
  return {
    ...g,
    nodes: g.nodes.map((node) => {
      if (typeof node !== 'object' || node === null) return node;
      const n = node as { kind?: unknown; params?: unknown };
      if (n.kind !== 'training' || typeof n.params !== 'object' || n.params === null || Array.isArray(n.params))
        return node;
      const params = n.params as Record<string, unknown>;
      if (Object.hasOwn(params, 'discretisation') && params.discretisation !== null) return node;
      return { ...n, params: { ...params, discretisation: value } };
    }),
  };
}

export function loadSnnFile(text: string, fileName = 'the file'): LoadResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `${fileName} is not valid JSON (${(e as Error).message}).` };
  }
  return restoreSnnFile(json, fileName);
}

export function restoreSnnFile(json: unknown, fileName = 'the file'): LoadResult {
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    return { ok: false, error: `${fileName} is not a Spikewright document (expected a JSON object).` };
  let doc = json as Record<string, unknown>;
  if (doc.format !== FILE_FORMAT && doc.format !== LEGACY_FILE_FORMAT)
    return {
      ok: false,
      error: `${fileName} is not a Spikewright document (its "format" is ${JSON.stringify(doc.format) ?? 'missing'}, expected "${FILE_FORMAT}").`,
    };
  const version = doc.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1)
    return { ok: false, error: `${fileName} has no valid format version.` };
  if (doc.format === LEGACY_FILE_FORMAT && version !== 1)
    return {
      ok: false,
      error: `${fileName} says it is Spikeforge format version ${version}; only version 1 was written under that name.`,
    };
  if (version > FILE_VERSION)
    return {
      ok: false,
      error: `${fileName} was written by a newer Spikewright (format version ${version}); this version reads up to ${FILE_VERSION}. Update Spikewright to open it.`,
    };
  for (let v = version; v < FILE_VERSION; v++) {
    const step = migrations[v];
    if (!step) return { ok: false, error: `${fileName} uses format version ${v}, which cannot be migrated.` };
    doc = { ...step(doc), version: v + 1 };
  }
  const parsed = envelopeSchema.safeParse(doc);
  if (!parsed.success)
    return {
      ok: false,
      error: `${fileName} is damaged: ${describeZodIssues(parsed.error.issues, 'file').join('; ')}.`,
    };
  const graph = parseGraphDocument(parsed.data.graph);
  if (!graph.ok) return { ok: false, error: `${fileName} has a damaged graph: ${graph.errors.join('; ')}.` };

  const warnings: string[] = [];
  const file: SnnFile = {
    format: FILE_FORMAT,
    version: FILE_VERSION,
    app: parsed.data.app,
    graph: graph.graph,
    layout: parsed.data.layout.viewport
      ? { positions: parsed.data.layout.positions, viewport: parsed.data.layout.viewport }
      : { positions: parsed.data.layout.positions },
    metadata: parsed.data.metadata.training
      ? {
          name: parsed.data.metadata.name,
          description: parsed.data.metadata.description,
          training: parsed.data.metadata.training,
        }
      : { name: parsed.data.metadata.name, description: parsed.data.metadata.description },
  };
  // Trained tensors: kept as stored, with a warning for each that does not fit the graph.
  const { weights, biases, neuronParams, delays } = parsed.data;
  if (weights) file.weights = weights;
  if (biases) file.biases = biases;
  if (neuronParams) file.neuronParams = neuronParams;
  if (delays) file.delays = delays;
  warnings.push(
    ...(weights ? weightProblems(file.graph, weights) : []),
    ...(biases ? biasProblems(file.graph, biases) : []),
    ...(neuronParams ? neuronParamProblems(file.graph, neuronParams) : []),
    ...(delays ? delayProblems(file.graph, delays) : []),
  );
  if (parsed.data.optimizerState) file.optimizerState = parsed.data.optimizerState;
  const lastRun = readSavedRun(parsed.data.metadata.lastRun, fileName);
  if (lastRun.run) file.metadata.lastRun = lastRun.run;
  if (lastRun.warning) warnings.push(lastRun.warning);
  return { ok: true, file, warnings };
}

/** Stored weights that do not fit the graph; the engine re-initialises those connections. */
export function weightProblems(graph: GraphDocument, weights: Record<string, StoredTensor>): string[] {
  return connectionTensorProblems(graph, weights, 'weights', 'be re-initialised', () => null);
}

/** Stored delays that do not fit the graph (no such connection, wrong length, negative or not finite); the engine draws those afresh. */
export function delayProblems(graph: GraphDocument, delays: Record<string, StoredTensor>): string[] {
  return connectionTensorProblems(graph, delays, 'delays', 'be drawn afresh', (values) =>
    values.every((v) => Number.isFinite(v) && v >= 0) ? null : 'are not all finite and non-negative',
  );
}

/** Tensors keyed by edge id, one value per synapse: those of no connection or the wrong size, and those `badValues` refuses. */
function connectionTensorProblems(
  graph: GraphDocument,
  tensors: Record<string, StoredTensor>,
  what: string,
  action: string,
  badValues: (values: Float32Array) => string | null,
): string[] {
  const problems: string[] = [];
  const edges = new Map(graph.edges.map((e) => [e.id, e]));
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  for (const [edgeId, tensor] of Object.entries(tensors)) {
    const edge = edges.get(edgeId);
    if (edge?.kind !== 'connection') {
      problems.push(`Stored ${what} for '${edgeId}' belong to no connection and are ignored.`);
      continue;
    }
    const values = base64ToFloat32(tensor.data);
    const shapeCount = tensor.shape.reduce((a, b) => a * b, 1);
    if (!values || values.length !== shapeCount || shapeCount !== weightCount(graph, edge, byId)) {
      problems.push(`Stored ${what} for connection '${edgeId}' do not match its size and will ${action}.`);
      continue;
    }
    const bad = badValues(values);
    if (bad) problems.push(`Stored ${what} for connection '${edgeId}' ${bad} and will ${action}.`);
  }
  return problems;
}

/** Stored biases that do not fit the graph (no such population, bias off, wrong length); the engine starts those at 0. */
export function biasProblems(graph: GraphDocument, biases: Record<string, StoredTensor>): string[] {
  const problems: string[] = [];
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  for (const [nodeId, tensor] of Object.entries(biases)) {
    const node = byId.get(nodeId);
    if (!node || (node.kind !== 'lif' && node.kind !== 'readout') || !node.params.bias) {
      problems.push(`Stored biases for '${nodeId}' belong to no population with a trainable bias and are ignored.`);
      continue;
    }
    const values = base64ToFloat32(tensor.data);
    const shapeCount = tensor.shape.reduce((a, b) => a * b, 1);
    if (!values || values.length !== shapeCount || shapeCount !== node.params.size)
      problems.push(`Stored biases for '${node.name || nodeId}' do not match its size and will start at 0.`);
  }
  return problems;
}

/** Stored per-neuron parameters that do not fit the graph (no such population, a parameter it lacks, wrong length); the engine draws those afresh. */
export function neuronParamProblems(
  graph: GraphDocument,
  params: Record<string, Partial<Record<NeuronParamName, StoredTensor>>>,
): string[] {
  const problems: string[] = [];
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  for (const [nodeId, tensors] of Object.entries(params)) {
    const node = byId.get(nodeId);
    if (!node || (node.kind !== 'lif' && node.kind !== 'readout')) {
      problems.push(`Stored neuron parameters for '${nodeId}' belong to no population and are ignored.`);
      continue;
    }
    const allowed = node.kind === 'readout' ? READOUT_NEURON_PARAMS : NEURON_PARAMS;
    for (const [name, tensor] of Object.entries(tensors) as [NeuronParamName, StoredTensor][]) {
      if (!allowed.includes(name)) {
        problems.push(`Stored ${name} values for '${node.name || nodeId}' do not apply to a readout and are ignored.`);
        continue;
      }
      const values = base64ToFloat32(tensor.data);
      const shapeCount = tensor.shape.reduce((a, b) => a * b, 1);
      if (!values || values.length !== shapeCount || shapeCount !== node.params.size)
        problems.push(
          `Stored ${name} values for '${node.name || nodeId}' do not match its size and will be drawn afresh.`,
        );
      else if (!values.every(Number.isFinite))
        problems.push(
          `Stored ${name} values for '${node.name || nodeId}' are not all finite and will be drawn afresh.`,
        );
    }
  }
  return problems;
}

/** Canonical text of a file: keys sorted, two-space indent, trailing newline. Same file, same bytes. */
export function serializeSnnFile(file: SnnFile): string {
  return `${JSON.stringify(sortKeys(file), null, 2)}\n`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

export function newSnnFile(graph: GraphDocument, layout: Layout, metadata: FileMetadata, appVersion: string): SnnFile {
  return {
    format: FILE_FORMAT,
    version: FILE_VERSION,
    app: { name: 'Spikewright', version: appVersion },
    graph,
    layout,
    metadata,
  };
}
