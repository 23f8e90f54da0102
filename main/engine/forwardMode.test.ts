// The fast engine's gradients against the float64 forward-mode oracle (forwardMode.ts): random
// LIF graphs under both discretisations, and the opt-in sparse backward.
import { describe, expect, it } from 'vitest';
import { LOSSES, SURROGATES } from '../../shared/graph/kinds';
import { Random } from '../util/random';
import { CASES, check, expectAgreement, randomSpec, STRUCTURES } from './forwardMode';
import type { NetSpec } from './testing';

describe.each(['spytorch', 'nir'] as const)(
  'fast engine gradients match float64 forward-mode derivatives (%s)',
  (disc) => {
    it.each(Array.from({ length: CASES }, (_, i) => i))('random graph %i: relative error <= 1e-9', (i) => {
      const spec = randomSpec(new Random(104729 * (i + 1)), i, disc);
      expectAgreement(check(spec, i), spec);
    });

    it('most directional derivatives are nonzero, so the ratio above is what is tested', () => {
      let zero = 0;
      let all = 0;
      for (let i = 0; i < CASES; i++)
        for (const r of check(randomSpec(new Random(104729 * (i + 1)), i, disc), i)) {
          all++;
          if (r.forward === 0) zero++;
        }
      expect(zero / all).toBeLessThan(0.1);
    });

    it('the cases cover recurrence, two layers, differentiated resets, every surrogate and loss, scales to 100', () => {
      const seen = new Set<string>();
      for (let i = 0; i < CASES; i++) {
        const spec = randomSpec(new Random(104729 * (i + 1)), i, disc);
        seen.add(`layers${spec.hidden.length}`);
        if (spec.hidden.some((h) => h.bias)) seen.add('hidden-bias');
        if (spec.readout?.bias) seen.add('readout-bias');
        seen.add(`scale${spec.training?.surrogateScale}`);
        for (const h of spec.hidden) {
          seen.add(`${h.reset}-${h.detachReset ? 'detached' : 'differentiated'}`);
          if (h.recurrent) seen.add('recurrent');
          if (h.recurrent && spec.hidden.length === 2) seen.add('recurrent-two-layer');
        }
        seen.add(spec.training?.surrogate as string);
        seen.add(spec.loss?.loss as string);
      }
      for (const want of [
        ...STRUCTURES,
        'scale20',
        'scale100',
        'hidden-bias',
        'readout-bias',
        ...SURROGATES,
        ...LOSSES,
      ])
        expect(seen, want).toContain(want);
    });
  },
);

describe('sparse backward (opt-in approximation)', () => {
  const sparseSpec = (i: number): [NetSpec, NetSpec] => {
    const base = randomSpec(new Random(15485863 * (i + 1)), i, i % 2 ? 'nir' : 'spytorch');
    return [base, { ...base, training: { ...base.training, sparseBackward: true, sparseWindow: 0.3 } }];
  };

  it.each(Array.from({ length: 12 }, (_, i) => i))(
    'random graph %i: the engine differentiates the windowed surrogate exactly (1e-9)',
    (i) => {
      const [, spec] = sparseSpec(i);
      for (const r of check(spec, i)) {
        if (r.forward === 0) expect(r.reverse).toBe(0);
        else expect(r.error, `${r.id} in ${JSON.stringify(spec)}`).toBeLessThan(1e-9);
      }
    },
  );

  it('is an approximation: the gradient differs from the exact one on most graphs', () => {
    // Identical only where the surrogate has no mass outside the window anyway (piecewise
    // linear at scale >= 1/0.3) or no membrane strays from threshold.
    let differ = 0;
    for (let i = 0; i < 12; i++) {
      const [base, spec] = sparseSpec(i);
      const exact = { grads: {} as Record<string, Float64Array> };
      const sparse = { grads: {} as Record<string, Float64Array> };
      check(base, i, exact);
      check(spec, i, sparse);
      if (Object.entries(exact.grads).some(([id, g]) => g.some((v, k) => v !== sparse.grads[id]?.[k]))) differ++;
    }
    expect(differ).toBeGreaterThanOrEqual(6);
  });
});
