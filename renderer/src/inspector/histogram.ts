// Distributions of trained per-neuron parameters and per-synapse delays, as the inspector draws
// them: the values out of the document (base64 float32 tensors) and their binning.
import { base64ToFloat32 } from '../../../shared/file/base64';

export interface Histogram {
  /** Left edge of the first bin and right edge of the last. */
  lo: number;
  hi: number;
  counts: number[];
  /** Finite values binned, and values left out (NaN, infinite). */
  n: number;
  skipped: number;
  min: number;
  max: number;
  mean: number;
  sd: number;
  /** Whole-number values each get a bin of width 1 centred on them (delays in steps). */
  integer: boolean;
}

const MAX_BINS = 24;

/**
 * Bins `values`: whole numbers spanning at most MAX_BINS get one bin each; otherwise
 * min(MAX_BINS, ceil(sqrt n)) equal bins from min to max, the last one closed. All values
 * equal: one bin of width 1 around them. Null when no value is finite.
 */
export function histogram(values: ArrayLike<number>, maxBins = MAX_BINS): Histogram | null {
  let n = 0;
  let skipped = 0;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let integer = true;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) {
      skipped++;
      continue;
    }
    n++;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
    if (!Number.isInteger(v)) integer = false;
  }
  if (n === 0) return null;
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (Number.isFinite(v)) squares += (v - mean) ** 2;
  }
  const sd = Math.sqrt(squares / n);
  let lo: number;
  let width: number;
  let bins: number;
  if (integer && max - min + 1 <= maxBins) {
    lo = min - 0.5;
    width = 1;
    bins = max - min + 1;
  } else if (max === min) {
    lo = min - 0.5;
    width = 1;
    bins = 1;
  } else {
    bins = Math.max(1, Math.min(maxBins, Math.ceil(Math.sqrt(n))));
    lo = min;
    width = (max - min) / bins;
  }
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) continue;
    const k = Math.min(bins - 1, Math.floor((v - lo) / width));
    counts[k] = (counts[k] as number) + 1;
  }
  return { lo, hi: lo + width * bins, counts, n, skipped, min, max, mean, sd, integer: integer && width === 1 };
}

/** A stored tensor's values, or null when it is not float32 base64. */
export function tensorValues(tensor: unknown): Float32Array | null {
  if (!tensor || typeof tensor !== 'object') return null;
  const { dtype, data } = tensor as { dtype?: unknown; data?: unknown };
  if (dtype !== 'float32' || typeof data !== 'string') return null;
  return base64ToFloat32(data);
}

/** The order (and names) in which a population's per-neuron parameters are shown. */
export const NEURON_PARAM_LABELS: Record<string, { label: string; unit?: string }> = {
  tauMem: { label: 'Membrane time constant', unit: 'ms' },
  tauSyn: { label: 'Synaptic time constant', unit: 'ms' },
  threshold: { label: 'Threshold' },
  tauAdapt: { label: 'Adaptation time constant', unit: 'ms' },
  adaptA: { label: 'Sub-threshold coupling (a)' },
  adaptB: { label: 'Spike-triggered adaptation (b)' },
};

export interface ParamDistribution {
  key: string;
  label: string;
  unit?: string;
  histogram: Histogram;
}

/**
 * The document's per-neuron parameters of one population (`neuronParams[nodeId]`: name ->
 * tensor of the population's size), binned, in NEURON_PARAM_LABELS order (unknown names last).
 */
export function neuronParamDistributions(neuronParams: unknown, nodeId: string): ParamDistribution[] {
  const own = (neuronParams as Record<string, Record<string, unknown> | undefined> | undefined)?.[nodeId];
  if (!own || typeof own !== 'object') return [];
  const order = Object.keys(NEURON_PARAM_LABELS);
  const rank = (k: string) => (order.includes(k) ? order.indexOf(k) : order.length);
  const out: ParamDistribution[] = [];
  for (const key of Object.keys(own).sort((a, b) => rank(a) - rank(b))) {
    const values = tensorValues(own[key]);
    const h = values && histogram(values);
    if (!h) continue;
    const known = NEURON_PARAM_LABELS[key];
    out.push({ key, label: known?.label ?? key, ...(known?.unit ? { unit: known.unit } : {}), histogram: h });
  }
  return out;
}

/** A connection's stored per-synapse delays (`delays[edgeId]`, in steps), binned; null without. */
export function delayDistribution(delays: unknown, edgeId: string): ParamDistribution | null {
  const values = tensorValues((delays as Record<string, unknown> | undefined)?.[edgeId]);
  const h = values && histogram(values);
  return h ? { key: 'delay', label: 'Delays', unit: 'steps', histogram: h } : null;
}
