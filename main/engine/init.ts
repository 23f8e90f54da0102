// Weight initialisation, seeded. Each connection draws from its own stream (seed, edge
// position) so adding a connection does not change the weights of the others.

import { mixSeeds, Random } from '../util/random';
import { initNeuronParams } from './neuronParams';
import type { ConnectionPlan, Plan, PopulationPlan, WeightSet } from './plan';

/** Assumed firing probability per step of a population when no measurement is given. */
export const DEFAULT_RATE = 0.01;

/**
 * Schemes (fan_in = source units, s = the connection's scale):
 * - spytorch: N(0, (s (1 - beta_target))^2 / fan_in)   (SpyTorch tutorials 1-2, s = 7)
 * - uniform:  U(-s / sqrt(fan_in), s / sqrt(fan_in))   (Zenke & Vogels with s = 1)
 * - normal:   N(0, s^2 / fan_in)                       (SpyTorch tutorials 3-4, s = 0.2)
 * - fluctuation-driven (Rossbroich, Gygax & Zenke 2022), purely fluctuation-driven regime:
 *   mean 0 and std such that the target's membrane fluctuates with std theta/2 given
 *   inputs firing with probability nu per step: sigma_U^2 = fan_in nu sigma_W^2 sum_n eps[n]^2,
 *   eps the membrane's response to one unit spike. `rates` gives nu per source population
 *   (the trainer measures the dataset's); otherwise DEFAULT_RATE. `scale` is not used.
 */
export function initWeights(plan: Plan, seed: number, rates: Record<string, number> = {}): WeightSet {
  const out: WeightSet = {};
  plan.connections.forEach((c, position) => {
    out[c.id] = initConnection(plan, c, new Random(mixSeeds(seed, position)), rates);
  });
  // Bias currents start at 0 (as torch's would after zeroing; NIR files import theirs).
  for (const p of plan.populations) if (p.bias) out[p.id] = new Float32Array(p.size);
  // Per-neuron parameters, each population from a stream of its own (neuronParams.ts).
  Object.assign(out, initNeuronParams(plan, seed));
  return out;
}

function initConnection(plan: Plan, c: ConnectionPlan, rng: Random, rates: Record<string, number>): Float32Array {
  const target = plan.populations[c.target] as PopulationPlan;
  const source = plan.populations[c.source] as PopulationPlan;
  const fanIn = c.sourceUnits;
  const w = new Float32Array(c.sourceUnits * c.targetUnits);
  switch (c.init) {
    case 'spytorch': {
      const std = (c.scale * (1 - target.beta)) / Math.sqrt(fanIn);
      for (let i = 0; i < w.length; i++) w[i] = rng.normal() * std;
      break;
    }
    case 'uniform': {
      const bound = c.scale / Math.sqrt(fanIn);
      for (let i = 0; i < w.length; i++) w[i] = (2 * rng.uniform() - 1) * bound;
      break;
    }
    case 'normal': {
      const std = c.scale / Math.sqrt(fanIn);
      for (let i = 0; i < w.length; i++) w[i] = rng.normal() * std;
      break;
    }
    case 'fluctuation-driven': {
      const nu = rates[source.id] ?? DEFAULT_RATE;
      const eps2 = kernelEnergy(target, plan.timeSteps);
      const sigmaU = target.threshold / 2;
      const std = sigmaU / Math.sqrt(Math.max(1e-12, fanIn * nu * eps2));
      for (let i = 0; i < w.length; i++) w[i] = rng.normal() * std;
      break;
    }
  }
  return w;
}

/** sum_n eps[n]^2 for the membrane's response to one unit input spike (no reset). */
function kernelEnergy(p: PopulationPlan, steps: number): number {
  let i = 0;
  let u = 0;
  let sum = 0;
  for (let n = 0; n < Math.max(steps, 10); n++) {
    const nextI = p.alpha * i + (n === 0 ? 1 : 0);
    u = p.beta * u + p.inputScale * i;
    i = nextI;
    sum += u * u;
  }
  return sum;
}
