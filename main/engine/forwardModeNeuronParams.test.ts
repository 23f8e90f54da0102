// Per-neuron parameters (learnable and heterogeneous time constants, thresholds, adLIF's a, b
// and adaptation time constant) against the float64 forward-mode oracle (forwardMode.ts).
import { describe, expect, it } from 'vitest';
import { Random } from '../util/random';
import { check, expectAgreement, randomSpec, STRUCTURES } from './forwardMode';
import { compilePlan } from './plan';
import { buildGraph, type NetSpec } from './testing';

const CASES = 24;

describe.each(['spytorch', 'nir'] as const)('per-neuron parameters: forward-mode derivatives (%s)', (disc) => {
  // Every hidden population and the readout learn a random subset of their parameters from
  // heterogeneous starts; half the graphs are adLIF (both update orders), so a, b and the
  // adaptation time constant are learned too; recurrences are delayed on two thirds of them.
  const spec = (i: number): NetSpec => {
    const rng = new Random(15487469 * (i + 1));
    const base = randomSpec(new Random(104729 * (i + 7)), i, disc);
    const pick = <T>(xs: readonly T[]): T => xs[rng.int(xs.length)] as T;
    const adlif = i % 2 === 1;
    const hidden = base.hidden.map((h, d) => ({
      ...h,
      learnTauMem: rng.uniform() < 0.7,
      learnTauSyn: rng.uniform() < 0.7,
      learnThreshold: rng.uniform() < 0.7,
      tauInit: pick(['constant', 'uniform', 'gamma'] as const),
      tauSpread: pick([0.2, 0.5]),
      ...(adlif
        ? {
            neuron: 'adlif' as const,
            adaptation: (i + d) % 4 < 2 ? ('symplectic-euler' as const) : ('forward-euler' as const),
            tauAdapt: pick([20, 150]),
            adaptA: pick([0.3, 1]),
            adaptB: pick([0.7, 2]),
            adaptScale: pick([1, 10, 120]),
            learnAdaptation: rng.uniform() < 0.8,
          }
        : {}),
    }));
    const readout = {
      ...base.readout,
      learnTauMem: rng.uniform() < 0.5,
      learnTauSyn: rng.uniform() < 0.5,
      tauInit: pick(['constant', 'uniform'] as const),
    };
    // Recurrences with synaptic delays on a third of the graphs each: fixed, per-synapse, none.
    const recurrentDelay = (j: number) =>
      (
        [
          { delay: 'none' as const },
          { delay: 'fixed' as const, delaySteps: 1 + rng.int(3) },
          { delay: 'per-synapse' as const, maxDelay: 1 + rng.int(4) },
        ] as const
      )[(i + j) % 3] ?? { delay: 'none' as const };
    return { ...base, hidden, readout, edgeParams: { w_h0_h0: recurrentDelay(0), w_h1_h1: recurrentDelay(1) } };
  };

  // One sample per batch, as the delays' and adLIF's cases (nothing to cancel against), three batches.
  it.each(Array.from({ length: CASES }, (_, i) => i))('random per-neuron graph %i: relative error <= 1e-9', (i) => {
    const s = spec(i);
    for (const seed of [i, i + 100, i + 200]) expectAgreement(check(s, seed, undefined, 0, 1), s);
  });

  it('the cases learn every per-neuron parameter of LIF, adLIF and readouts, on every structure (delayed recurrences included), and their derivatives are nonzero', () => {
    const seen = new Set<string>();
    let directions = 0;
    let nonzero = 0;
    for (let i = 0; i < CASES; i++) {
      const s = spec(i);
      const plan = compilePlan(buildGraph(s));
      seen.add(`layers${s.hidden.length}`);
      for (const h of s.hidden) {
        seen.add(`${h.reset}-${h.detachReset ? 'detached' : 'differentiated'}`);
        if (h.recurrent) seen.add('recurrent');
        if (h.recurrent && s.hidden.length === 2) seen.add('recurrent-two-layer');
        if (h.scaleInput) seen.add('scaleInput');
      }
      for (const p of plan.populations) {
        for (const name of p.perNeuron?.learned ?? []) seen.add(`${p.kind}${p.adaptation ? '-adlif' : ''}.${name}`);
        if (p.perNeuron) seen.add(`init-${p.perNeuron.init}`);
        if (p.recurrent && p.recurrent.delay.mode !== 'none')
          seen.add(`${p.adaptation ? 'adlif' : 'lif'}-recurrent-${p.recurrent.delay.mode}`);
      }
      for (const seed of [i, i + 100, i + 200])
        for (const r of check(s, seed, undefined, 0, 1))
          if (/\.(tau|threshold|adapt)/.test(r.id)) {
            directions++;
            if (r.forward !== 0) nonzero++;
          }
    }
    for (const want of [
      ...STRUCTURES,
      'scaleInput',
      'lif.tauMem',
      'lif.tauSyn',
      'lif.threshold',
      'lif-adlif.tauMem',
      'lif-adlif.threshold',
      'lif-adlif.tauAdapt',
      'lif-adlif.adaptA',
      'lif-adlif.adaptB',
      'readout.tauMem',
      'readout.tauSyn',
      'init-constant',
      'init-uniform',
      'init-gamma',
      'lif-recurrent-fixed',
      'lif-recurrent-per-synapse',
      'adlif-recurrent-fixed',
      'adlif-recurrent-per-synapse',
    ])
      expect(seen, want).toContain(want);
    expect(directions).toBeGreaterThanOrEqual(100);
    expect(nonzero / directions).toBeGreaterThan(0.8);
  });
});
