// adLIF against the float64 forward-mode oracle (forwardMode.ts).
import { describe, expect, it } from 'vitest';
import { Random } from '../util/random';
import { FastEngine } from './fast/fastEngine';
import { check, expectAgreement, randomSpec, STRUCTURES, type Weights } from './forwardMode';
import { initWeights } from './init';
import { compilePlan } from './plan';
import { buildGraph, type NetSpec, randomBatch } from './testing';

describe.each(['spytorch', 'nir'] as const)('adLIF: forward-mode derivatives (%s)', (disc) => {
  // Every hidden population adaptive: both update orders, the coupling a, the spike-triggered
  // b and the scale q over their ranges, short and long adaptation time constants.
  const adlifSpec = (i: number): NetSpec => {
    const rng = new Random(2750159 * (i + 1));
    const base = randomSpec(new Random(104729 * (i + 5)), i, disc);
    const pick = <T>(xs: readonly T[]): T => xs[rng.int(xs.length)] as T;
    const hidden = base.hidden.map((h, d) => ({
      ...h,
      neuron: 'adlif' as const,
      adaptation: (i + d) % 2 === 0 ? ('symplectic-euler' as const) : ('forward-euler' as const),
      tauAdapt: pick([20, 150]),
      adaptA: pick([0, 0.3, 1]),
      adaptB: pick([0, 0.7, 2]),
      adaptScale: pick([1, 10, 120]),
    }));
    return { ...base, hidden };
  };

  // One sample per batch, as the delays' cases (nothing to cancel against), three batches.
  it.each(Array.from({ length: 24 }, (_, i) => i))('random adLIF graph %i: relative error <= 1e-9', (i) => {
    const spec = adlifSpec(i);
    for (const seed of [i, i + 100, i + 200]) expectAgreement(check(spec, seed, undefined, 0, 1), spec);
  });

  it('the adLIF cases cover both update orders, recurrence, two layers, resets and scales to 100; most derivatives are nonzero', () => {
    const seen = new Set<string>();
    let zero = 0;
    let all = 0;
    for (let i = 0; i < 24; i++) {
      const spec = adlifSpec(i);
      seen.add(`layers${spec.hidden.length}`);
      seen.add(`scale${spec.training?.surrogateScale}`);
      for (const h of spec.hidden) {
        seen.add(h.adaptation as string);
        seen.add(`${h.reset}-${h.detachReset ? 'detached' : 'differentiated'}`);
        if (h.recurrent) seen.add('recurrent');
        if (h.recurrent && spec.hidden.length === 2) seen.add('recurrent-two-layer');
      }
      for (const r of check(spec, i, undefined, 0, 1)) {
        all++;
        if (r.forward === 0) zero++;
      }
    }
    for (const want of ['symplectic-euler', 'forward-euler', ...STRUCTURES, 'scale100'])
      expect(seen, want).toContain(want);
    expect(zero / all).toBeLessThan(0.1);
  });

  it('the adaptation changes the spikes: adLIF and LIF graphs give different losses', () => {
    let differ = 0;
    for (let i = 0; i < 8; i++) {
      const spec = adlifSpec(i);
      const lif = { ...spec, hidden: spec.hidden.map((h) => ({ ...h, neuron: 'lif' as const })) };
      const loss = (s: NetSpec) => {
        const plan = compilePlan(buildGraph(s));
        const W: Weights = {};
        for (const [k, v] of Object.entries(initWeights(plan, i))) W[k] = Float64Array.from(v);
        const batch = randomBatch(new Random(i + 1000), 3, s.timeSteps, s.inputs, s.classes, 0.15);
        return new FastEngine(plan, { precision: 'float64', matmul: 'js' }).gradients(batch, W).loss;
      };
      if (loss(spec) !== loss(lif)) differ++;
    }
    expect(differ).toBeGreaterThanOrEqual(6);
  });
});
