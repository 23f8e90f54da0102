// The training view's figures, built from the run's state and the graph: what each plot shows,
// its axes and units. Pure, so the screen, the exports and the saved document agree.
import { FASHION_MNIST_CLASSES, shortClassName } from '../../../shared/graph/datasetClasses';
import type { GraphDocument } from '../../../shared/graph/document';
import type { Figure } from '../plots/figure';
import type { ActivityEvent, TrainingRun } from './trainingSlice';

export interface Palette {
  batch: string;
  train: string;
  val: string;
  series: string[];
}

export const lightColors: Palette = {
  batch: '#98a2b3',
  train: '#4f46e5',
  val: '#d97706',
  series: ['#0e9384', '#c2410c', '#7c3aed', '#2563eb', '#db2777', '#65a30d'],
};

export const darkColors: Palette = {
  batch: '#667085',
  train: '#a5b4fc',
  val: '#fbbf24',
  series: ['#2ec4b0', '#fb923c', '#c4b5fd', '#60a5fa', '#f472b6', '#a3e635'],
};

const FASHION_CLASSES = FASHION_MNIST_CLASSES.map(shortClassName);

/**
 * Per-epoch values placed at their batch positions, nulls between, so they share the batch
 * axis. Each epoch lands on the first batch point at or after its end (a saved run's batch
 * curve is decimated, so its points need not fall on epoch ends).
 */
export function spread(batchX: number[], epochX: number[], values: (number | null)[]): (number | null)[] {
  const out = new Array<number | null>(batchX.length).fill(null);
  let j = 0;
  for (let i = 0; i < epochX.length; i++) {
    const x = epochX[i] as number;
    while (j < batchX.length - 1 && (batchX[j] as number) < x) j++;
    if (j < batchX.length) out[j] = values[i] ?? out[j] ?? null;
  }
  return out;
}

const percent = (values: (number | null)[]) => values.map((v) => (v === null ? null : v * 100));

export function lossFigure(run: TrainingRun, c: Palette): Figure {
  return {
    kind: 'lines',
    title: 'Loss',
    xLabel: 'Batch (over the run)',
    yLabel: 'Loss',
    x: run.batchX,
    series: [
      { label: 'batch', color: c.batch, values: run.batchLoss, width: 1 },
      { label: 'train (epoch)', color: c.train, values: spread(run.batchX, run.epochX, run.epochTrainLoss), width: 2 },
      {
        label: 'validation (epoch)',
        color: c.val,
        values: spread(run.batchX, run.epochX, run.epochValLoss),
        width: 2,
      },
    ],
  };
}

export function accuracyFigure(run: TrainingRun, c: Palette): Figure {
  return {
    kind: 'lines',
    title: 'Accuracy',
    xLabel: 'Batch (over the run)',
    yLabel: 'Accuracy (%)',
    x: run.batchX,
    yDomain: [0, 100],
    series: [
      { label: 'batch', color: c.batch, values: run.batchAcc.map((v) => v * 100), width: 1 },
      {
        label: 'train (epoch)',
        color: c.train,
        values: percent(spread(run.batchX, run.epochX, run.epochTrainAcc)),
        width: 2,
      },
      {
        label: 'validation (epoch)',
        color: c.val,
        values: percent(spread(run.batchX, run.epochX, run.epochValAcc)),
        width: 2,
      },
    ],
  };
}

export function datasetDt(graph: GraphDocument): number {
  const dataset = graph.nodes.find((n) => n.kind === 'dataset');
  const dt = dataset?.kind === 'dataset' ? Number(dataset.params.dt) : 1;
  return Number.isFinite(dt) && dt > 0 ? dt : 1;
}

/** Every population's spikes for one sample, stacked on one time axis (inputs at the bottom). */
export function rasterFigure(a: ActivityEvent | null, graph: GraphDocument, c: Palette, sample: number): Figure | null {
  if (!a) return null;
  const pops = [...a.populations].reverse(); // The worker sends hidden first, input last: draw input lowest.
  return {
    kind: 'raster',
    title: `Spike raster (sample ${sample + 1} of ${a.samples})`,
    xLabel: 'Time (ms)',
    yLabel: 'Neuron, by population',
    dt: datasetDt(graph),
    timeSteps: a.timeSteps,
    groups: pops.map((p, i) => {
      const events: number[] = [];
      for (let e = 0; e + 2 < p.events.length; e += 3)
        if (p.events[e] === sample) events.push(p.events[e + 1] as number, p.events[e + 2] as number);
      return { name: p.name, size: p.size, events, color: c.series[i % c.series.length] as string };
    }),
  };
}

/** Membrane potential of a few neurons of one population (sample 1), with its threshold. */
export function membraneFigure(
  a: ActivityEvent | null,
  graph: GraphDocument,
  c: Palette,
  populationId: string,
): Figure | null {
  const traces = (a?.traces ?? []).filter((t) => t.populationId === populationId).slice(0, 4);
  if (!a || traces.length === 0) return null;
  const dt = datasetDt(graph);
  const steps = traces[0]?.values.length ?? 0;
  const x = Array.from({ length: steps }, (_, i) => i * dt);
  const node = graph.nodes.find((n) => n.id === populationId);
  const threshold = node?.kind === 'lif' ? Number(node.params.threshold) : Number.NaN;
  const name = a.populations.find((p) => p.id === populationId)?.name ?? node?.name ?? populationId;
  return {
    kind: 'lines',
    title: `Membrane potential: ${name} (sample 1)`,
    xLabel: 'Time (ms)',
    yLabel: node?.kind === 'lif' ? 'U (threshold = θ)' : 'U (readout)',
    x,
    series: [
      ...traces.map((t, i) => ({
        label: `neuron ${t.neuron}`,
        color: c.series[i % c.series.length] as string,
        values: Array.from(t.values),
        width: 1.3,
      })),
      ...(Number.isFinite(threshold)
        ? [{ label: `θ = ${threshold}`, color: c.batch, values: x.map(() => threshold), dashed: true, width: 1 }]
        : []),
    ],
  };
}

/** How many neurons of each population fire at which rate (spikes per second), over the recorded samples. */
export function rateFigure(a: ActivityEvent | null, graph: GraphDocument, c: Palette): Figure | null {
  if (!a) return null;
  const seconds = (a.timeSteps * datasetDt(graph) * Math.max(1, a.samples)) / 1000;
  const pops = a.populations.filter((p) => p.counts);
  const rates = pops.map((p) => Array.from(p.counts ?? [], (n) => n / seconds));
  const top = Math.max(1, ...rates.flat());
  const bins = 20;
  const step = niceStep(top / bins);
  const edges = Array.from({ length: Math.ceil(top / step) + 1 }, (_, i) => i * step);
  if (edges.length < 2) edges.push(step);
  return {
    kind: 'bars',
    title: 'Firing rates',
    xLabel: 'Firing rate (Hz)',
    yLabel: 'Neurons',
    edges,
    series: pops.map((p, i) => {
      const counts = new Array<number>(edges.length - 1).fill(0);
      for (const r of rates[i] ?? []) {
        const b = Math.min(counts.length - 1, Math.floor(r / step));
        counts[b] = (counts[b] ?? 0) + 1;
      }
      return { label: p.name, color: c.series[(a.populations.length - 1 - i) % c.series.length] as string, counts };
    }),
  };
}

function niceStep(raw: number): number {
  const mag = 10 ** Math.floor(Math.log10(raw || 1));
  return [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
}

export function edgeLabel(graph: GraphDocument, edgeId: string): string {
  const edge = graph.edges.find((e) => e.id === edgeId);
  if (!edge) return edgeId;
  const name = (id: string) => graph.nodes.find((n) => n.id === id)?.name ?? id;
  return edge.source === edge.target
    ? `${name(edge.source)} (recurrent)`
    : `${name(edge.source)} → ${name(edge.target)}`;
}

/** L2 norm of each connection's weights (or of its last gradient) over the run. */
export function normFigure(
  run: Pick<TrainingRun, 'normX' | 'norms'>,
  graph: GraphDocument,
  c: Palette,
  which: 'weight' | 'grad',
): Figure | null {
  const ids = Object.keys(run.norms);
  if (run.normX.length === 0 || ids.length === 0) return null;
  if (which === 'grad' && !ids.some((id) => run.norms[id]?.grad.some((g) => g !== null))) return null;
  return {
    kind: 'lines',
    title: which === 'weight' ? 'Weight norm per connection' : 'Gradient norm per connection',
    xLabel: 'Batch (over the run)',
    yLabel: which === 'weight' ? '‖W‖₂' : '‖∂L/∂W‖₂',
    x: run.normX,
    series: ids.map((id, i) => ({
      label: edgeLabel(graph, id),
      color: c.series[i % c.series.length] as string,
      values: (which === 'weight' ? run.norms[id]?.weight : run.norms[id]?.grad) ?? [],
      width: 1.6,
    })),
  };
}

export function confusionFigure(result: TrainingRun['result'], graph: GraphDocument): Figure | null {
  const m = result?.confusion;
  if (!m) return null;
  const dataset = graph.nodes.find((n) => n.kind === 'dataset');
  const fashion = dataset?.kind === 'dataset' && dataset.params.dataset === 'fashion-mnist';
  const acc = result?.testAcc;
  return {
    kind: 'matrix',
    title: `Confusion matrix, test set${acc !== undefined ? ` (accuracy ${(acc * 100).toFixed(1)}%)` : ''}`,
    xLabel: 'Predicted class',
    yLabel: 'True class',
    matrix: m,
    ...(fashion && m.length === 10 ? { labels: FASHION_CLASSES } : {}),
  };
}
