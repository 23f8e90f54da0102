// What an exported file will compute in the tool it is written for, measured before it is
// written: the file is read back as that tool reads it (importRead.ts), run by our own NIR
// simulator (simulate.ts) under that tool's semantics, and compared with the engine run on
// the same batch of the graph's data: spikes per layer and predicted classes. The engine runs
// in float64 here, so a difference is one of semantics, not of rounding in our own code.
import type { SnnFile } from '../../shared/file/snnFile';
import type { SpikeBatch } from '../data/types';
import { FastEngine } from '../engine/fast/fastEngine';
import { compilePlan } from '../engine/plan';
import { weightsFromFile } from '../engine/snnWeights';
import { type Discretisation, discretisationOf, exportNirTree, type NirExportOptions } from './export';
import type { H5Group } from './h5';
import { readNirGraph, stringOf } from './importRead';
import { SEMANTICS, simulateNir } from './simulate';
import { EXPORT_TARGETS, type ExportTarget } from './targets';

export interface LayerAgreement {
  /** Our population's name and the NIR node it became. */
  name: string;
  nirName: string;
  kind: 'lif' | 'readout';
  size: number;
  /** Steps by which the target's spikes run ahead of the engine's (its per-layer latency is lower). */
  lagSteps: number;
  /** Share of the (sample, step, neuron) cells whose spike agrees, after the lag. */
  cellAgreement: number;
  identical: boolean;
  engineSpikes: number;
  targetSpikes: number;
}

export interface ExportAgreement {
  target: ExportTarget;
  targetLabel: string;
  semantics: string;
  discretisation: Discretisation;
  /** Whether the target's equations can express the discretisation the graph was trained under. */
  expressible: boolean;
  samples: number;
  timeSteps: number;
  /** Where the batch came from, in words. */
  data: string;
  layers: LayerAgreement[];
  predictionAgreement: number;
  identicalPredictions: boolean;
  /** Every layer identical (after its lag) and every prediction identical. */
  exact: boolean;
  /** What the target tool's importer would complain about. */
  warnings: string[];
  /** One paragraph for the user. */
  summary: string;
}

/** Per-layer latency (steps from a layer's input to its spikes) of each scheme. */
const ENGINE_LATENCY: Record<Discretisation, number> = { nir: 1, spytorch: 2 };

function depths(file: SnnFile): Map<string, number> {
  const g = file.graph;
  const depth = new Map<string, number>();
  for (const n of g.nodes) if (n.kind === 'dataset') depth.set(n.id, 0);
  for (let pass = 0; pass < g.nodes.length; pass++) {
    let changed = false;
    for (const e of g.edges) {
      if (e.kind !== 'connection' || e.source === e.target) continue;
      const d = depth.get(e.source);
      if (d === undefined) continue;
      if ((depth.get(e.target) ?? -1) < d + 1) {
        depth.set(e.target, d + 1);
        changed = true;
      }
    }
    if (!changed) break;
  }
  return depth;
}

function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let k = 1; k < values.length; k++) if ((values[k] as number) > (values[best] as number)) best = k;
  return best;
}

/** Measures what the file written for `target` computes against the engine, on `batch`. */
export function measureAgreement(
  file: SnnFile,
  target: ExportTarget,
  batch: SpikeBatch,
  data: string,
  options: NirExportOptions = {},
): ExportAgreement {
  const tool = EXPORT_TARGETS[target];
  const tree = exportNirTree(file, { ...options, target, keepSpikewrightMetadata: true });
  const discretisation = discretisationOf(file.graph);
  const node = tree.children.node as H5Group;
  const metadata = node.children.metadata as H5Group;
  const step = (metadata.children.dt as { value: Float64Array }).value[0] as number;
  const extras = JSON.parse(stringOf(metadata.children.spikewright) ?? '{}') as {
    nodes?: Record<string, { id: string }>;
  };
  const nirNameOf = new Map(Object.entries(extras.nodes ?? {}).map(([nir, v]) => [v.id, nir]));
  const flat = readNirGraph(tree, []);
  const sim = simulateNir(flat, batch, tool.semantics, step);

  const plan = compilePlan(file.graph);
  const engine = new FastEngine(plan, { precision: 'float64', matmul: 'js' });
  const w = options.weights ?? weightsFromFile(file);
  const weights = Object.fromEntries(Object.entries(w).map(([k, v]) => [k, Float64Array.from(v)]));
  const B = batch.batchSize;
  const T = batch.timeSteps;
  const rec = engine.record(batch, weights, { samples: B, neurons: 1 });

  const depth = depths(file);
  const targetLatency = SEMANTICS[tool.semantics].currentOfThisStep ? 0 : 1;
  const byId = new Map(file.graph.nodes.map((n) => [n.id, n]));
  const layers: LayerAgreement[] = [];
  const warnings = [...sim.warnings];
  for (const pop of rec.populations) {
    if (pop.kind === 'input') continue;
    const nirName = nirNameOf.get(pop.id);
    const trace = nirName ? sim.layers.get(nirName) : undefined;
    if (!trace || !nirName) continue;
    const n = pop.size;
    const lag = Math.max(0, (depth.get(pop.id) ?? 1) * (ENGINE_LATENCY[discretisation] - targetLatency));
    let targetSpikes = 0;
    for (let k = 0; k < trace.spikes.length; k++) targetSpikes += trace.spikes[k] as number;
    if (pop.kind === 'readout') {
      if (targetSpikes > 0)
        warnings.push(`the readout '${pop.name}' reached the threshold written for it (${tool.readoutThreshold})`);
      continue;
    }
    const engine = new Uint8Array(B * T * n);
    for (let k = 0; k < pop.spikes.length; k += 3)
      engine[((pop.spikes[k] as number) * T + (pop.spikes[k + 1] as number)) * n + (pop.spikes[k + 2] as number)] = 1;
    let agree = 0;
    for (let b = 0; b < B; b++)
      for (let t = 0; t < T; t++)
        for (let j = 0; j < n; j++) {
          const e = engine[(b * T + t) * n + j] as number;
          const s = t - lag >= 0 ? (trace.spikes[(b * T + t - lag) * n + j] as number) : 0;
          if (e === s) agree++;
        }
    layers.push({
      name: pop.name,
      nirName,
      kind: 'lif',
      size: n,
      lagSteps: lag,
      cellAgreement: agree / (B * T * n),
      identical: agree === B * T * n,
      engineSpikes: pop.spikes.length / 3,
      targetSpikes,
    });
  }

  // The target's predictions, by the graph's own rule, from its own T steps.
  const loss = file.graph.nodes.find((n) => n.kind === 'loss');
  const lossKind = loss?.kind === 'loss' ? loss.params.loss : 'max-over-time';
  const scoredId = file.graph.edges.find(
    (e) => e.kind === 'signal' && e.target === loss?.id && byId.get(e.source)?.kind !== 'dataset',
  )?.source;
  const scored = scoredId ? sim.layers.get(nirNameOf.get(scoredId) ?? '') : undefined;
  let same = 0;
  if (scored) {
    const n = scored.size;
    for (let b = 0; b < B; b++) {
      const scores = new Float64Array(n);
      for (let j = 0; j < n; j++) {
        let best = 0;
        let sum = 0;
        let count = 0;
        for (let t = 0; t < T; t++) {
          const k = (b * T + t) * n + j;
          const v = scored.membranePreReset[k] as number;
          best = Math.max(best, v);
          sum += v;
          count += scored.spikes[k] as number;
        }
        scores[j] =
          lossKind === 'spike-count-mse'
            ? count
            : lossKind === 'sum-over-time'
              ? sum / T
              : lossKind === 'last-step'
                ? (scored.membranePreReset[(b * T + T - 1) * n + j] as number)
                : best;
      }
      if (argmax(scores) === rec.predictions[b]) same++;
    }
  }
  const expressible = discretisation === 'nir';
  const identicalPredictions = same === B;
  const exact = identicalPredictions && layers.every((l) => l.identical);
  const pct = (x: number) => `${(100 * x).toFixed(x === 1 ? 0 : 2)}%`;
  const layerText = layers
    .map(
      (l) =>
        `'${l.name}' ${l.identical ? 'identical' : `${pct(l.cellAgreement)} of cells agree`} (${l.targetSpikes} vs ${l.engineSpikes} spikes${l.lagSteps ? `, ${l.lagSteps} step${l.lagSteps === 1 ? '' : 's'} earlier in ${tool.label}` : ''})`,
    )
    .join('; ');
  const measured = `Measured on ${B} samples of ${data} (${T} steps), the file as ${tool.label} runs it vs our engine: spikes ${layerText || '(no spiking layers)'}; predictions ${same}/${B} identical.`;
  const because = !expressible
    ? ` This graph trains under SpyTorch's discretisation, which ${tool.label} cannot express: after a spike SpyTorch drops that step's input, while NIR neurons reset to v_reset and keep integrating, and its layers take two steps where NIR's take one (snnTorch's and Norse's none). Set the training settings' Discretisation to "NIR forward Euler (reset to v_reset)" and retrain to export exactly.`
    : !exact && targetLatency === 0
      ? ` ${tool.label} feeds each layer's current into its membrane in the same step (NIR's reference loop, which our engine follows, one step later), so each layer fires earlier there, and a recurrent loop closes a step sooner; the last steps of each trial differ.`
      : '';
  return {
    target,
    targetLabel: tool.label,
    semantics: SEMANTICS[tool.semantics].label,
    discretisation,
    expressible,
    samples: B,
    timeSteps: T,
    data,
    layers,
    predictionAgreement: B ? same / B : 1,
    identicalPredictions,
    exact,
    warnings,
    summary: `${measured}${because}${warnings.length ? ` ${tool.label}'s importer: ${warnings.join('; ')}.` : ''}`,
  };
}
