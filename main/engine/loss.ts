// Losses and activity regularisers on one sample's typed arrays, each returning its value
// and writing its gradient next to it. The batch loss is the mean over samples, so every
// gradient here carries the factor 1/B (`invB`). The reference engine computes the same
// quantities with tfjs ops, independently.
import type { LossPlan, RegularizerPlan } from './plan';

export type FloatArray = Float32Array | Float64Array;

/**
 * Cross-entropy on readout scores. `y` holds the trace U[0..T] of K units at `off`
 * ([T+1][K] rows); scores: max over n = 0..T (SpyTorch's max over out_rec, U[0] = 0
 * included), mean over n = 1..T ('sum-over-time'), or U[T] ('last-step').
 * Writes dLoss/dU into `gy` at the same offsets (overwriting) and returns the sample's loss.
 */
export function readoutLoss(
  kind: LossPlan['kind'],
  y: FloatArray,
  gy: FloatArray,
  off: number,
  steps: number,
  units: number,
  label: number,
  invB: number,
  scores: Float64Array,
  argmax: Int32Array,
): { loss: number; predicted: number } {
  const T1 = steps + 1;
  for (let i = 0; i < T1 * units; i++) gy[off + i] = 0;
  for (let k = 0; k < units; k++) {
    if (kind === 'max-over-time') {
      let best = y[off + k] as number;
      let at = 0;
      for (let n = 1; n < T1; n++) {
        const v = y[off + n * units + k] as number;
        if (v > best) {
          best = v;
          at = n;
        }
      }
      scores[k] = best;
      argmax[k] = at;
    } else if (kind === 'sum-over-time') {
      let sum = 0;
      for (let n = 1; n < T1; n++) sum += y[off + n * units + k] as number;
      scores[k] = sum / steps;
    } else {
      scores[k] = y[off + steps * units + k] as number;
    }
  }
  const { loss, predicted } = softmaxCrossEntropy(scores, units, label, invB);
  // scores now hold dLoss/dscore (times 1/B); route it to the trace.
  for (let k = 0; k < units; k++) {
    const g = scores[k] as number;
    if (kind === 'max-over-time') gy[off + (argmax[k] as number) * units + k] = g;
    else if (kind === 'sum-over-time') for (let n = 1; n < T1; n++) gy[off + n * units + k] = g / steps;
    else gy[off + steps * units + k] = g;
  }
  return { loss, predicted };
}

/** Softmax cross-entropy; replaces `scores` by its gradient (times invB). First maximum wins argmax. */
export function softmaxCrossEntropy(
  scores: Float64Array,
  units: number,
  label: number,
  invB: number,
): { loss: number; predicted: number } {
  let max = -Infinity;
  let predicted = 0;
  for (let k = 0; k < units; k++) {
    const v = scores[k] as number;
    if (v > max) {
      max = v;
      predicted = k;
    }
  }
  let z = 0;
  for (let k = 0; k < units; k++) z += Math.exp((scores[k] as number) - max);
  const lse = max + Math.log(z);
  const loss = lse - (scores[label] as number);
  // The label's entry p - 1 is taken as minus the other classes' probabilities: when the
  // softmax is saturated (p near 1) the subtraction would keep only a few digits of it.
  let others = 0;
  for (let k = 0; k < units; k++) {
    if (k === label) continue;
    const p = Math.exp((scores[k] as number) - lse);
    others += p;
    scores[k] = p * invB;
  }
  scores[label] = -others * invB;
  return { loss, predicted };
}

/**
 * MSE on spike counts z (one sample, K output neurons): mean_k (z_k - target_k)^2 with the
 * true class aiming at targetCountCorrect, the others at targetCountWrong. Adds dLoss/dz_k
 * into `gz`. Prediction: the neuron with most spikes (first wins ties).
 */
export function spikeCountLoss(
  loss: LossPlan,
  counts: Float64Array,
  gz: Float64Array,
  units: number,
  label: number,
  invB: number,
): { loss: number; predicted: number } {
  let value = 0;
  let predicted = 0;
  for (let k = 0; k < units; k++) {
    const z = counts[k] as number;
    if (z > (counts[predicted] as number)) predicted = k;
    const d = z - (k === label ? loss.targetCountCorrect : loss.targetCountWrong);
    value += (d * d) / units;
    gz[k] = (gz[k] as number) + ((2 * d) / units) * invB;
  }
  return { loss: value, predicted };
}

/**
 * Activity regulariser on one sample's spike counts z (per neuron, summed over time):
 *   lower: lambda * mean_j relu(nu - z_j)^2          (per-neuron lower bound, L2)
 *   upper: lambda * relu(mean_j z_j - nu)^p          (population upper bound, p = 1 or 2)
 * Returns the sample's penalty and adds its gradient (times invB) into `gz`.
 */
export function regularizerPenalty(
  reg: RegularizerPlan,
  counts: Float64Array,
  gz: Float64Array,
  units: number,
  invB: number,
): number {
  const lambda = reg.strength;
  if (reg.bound === 'lower') {
    let value = 0;
    for (let j = 0; j < units; j++) {
      const d = reg.target - (counts[j] as number);
      if (d > 0) {
        value += (lambda * d * d) / units;
        gz[j] = (gz[j] as number) - ((2 * lambda * d) / units) * invB;
      }
    }
    return value;
  }
  let mean = 0;
  for (let j = 0; j < units; j++) mean += counts[j] as number;
  mean /= units;
  const excess = mean - reg.target;
  if (excess <= 0) return 0;
  const value = reg.power === 1 ? lambda * excess : lambda * excess * excess;
  const dMean = reg.power === 1 ? lambda : 2 * lambda * excess;
  for (let j = 0; j < units; j++) gz[j] = (gz[j] as number) + (dMean / units) * invB;
  return value;
}
