// Synaptic delays against the float64 forward-mode oracle (forwardMode.ts).
import { describe, expect, it } from 'vitest';
import { Random } from '../util/random';
import { check, expectAgreement, randomSpec } from './forwardMode';
import { compilePlan } from './plan';
import { buildGraph, type NetSpec } from './testing';

describe.each(['spytorch', 'nir'] as const)('synaptic delays: forward-mode derivatives (%s)', (disc) => {
  // Delays on every kind of connection: input, recurrent (fixed or per-synapse), between hidden
  // layers (their gradient to the source's spikes), into the readout, the skip; learnable
  // ones at kernel widths 0 (rounded), 0.23 (the schedule's end), 0.8 and 2.5 (taps cut off).
  const WIDTHS = [0, 0.23, 0.8, 2.5];
  // Which connection is learnable cycles with i % 4, the width with i / 4: every pairing occurs.
  const widthOf = (i: number) => WIDTHS[Math.floor(i / 4) % WIDTHS.length] as number;
  const delaySpec = (i: number): NetSpec => {
    const rng = new Random(7368787 * (i + 1));
    const base = randomSpec(new Random(104729 * (i + 3)), i, disc);
    const modes = ['fixed', 'per-synapse', 'learnable', 'none'] as const;
    const pick = (j: number, recurrent = false) => {
      const delay = recurrent ? (['fixed', 'per-synapse', 'none'] as const)[j % 3] : modes[j % 4];
      return { delay, delaySteps: rng.int(4), maxDelay: 1 + rng.int(5) };
    };
    const edgeParams: NonNullable<NetSpec['edgeParams']> = {
      w_data_h0: pick(i + 2),
      w_h0_h1: pick(i + 1),
      w_h0_h0: pick(i, true),
      w_h1_h1: pick(i + 1, true),
      [`w_h${base.hidden.length - 1}_out`]: pick(i + 3),
      w_skip: pick(i),
    };
    return { ...base, edgeParams };
  };

  // One sample per batch, three batches per graph: in a batch of several, two saturated
  // samples of opposite labels can cancel (graph 4 under 'nir': +63.14 and -63.14 along the
  // readout bias, leaving 3.6e-12, so float64 rounding of the terms alone is 5e-5 of it).
  // Per sample there is nothing to cancel against, and 1e-9 of each derivative is tested.
  it.each(Array.from({ length: 24 }, (_, i) => i))('random delayed graph %i: relative error <= 1e-9', (i) => {
    const spec = delaySpec(i);
    for (const seed of [i, i + 100, i + 200]) expectAgreement(check(spec, seed, undefined, widthOf(i), 1), spec);
  });

  it('the delayed cases cover every mode on feed-forward, recurrent and hidden-to-hidden connections, and the delay tangents are nonzero', () => {
    const seen = new Set<string>();
    let delayDirections = 0;
    let nonzero = 0;
    for (let i = 0; i < 24; i++) {
      const spec = delaySpec(i);
      const plan = compilePlan(buildGraph(spec));
      for (const c of plan.connections) {
        const kind = c.recurrent ? 'recurrent' : plan.populations[c.source]?.kind === 'lif' ? 'hidden' : 'input';
        seen.add(`${kind}-${c.delay.mode}`);
      }
      for (const seed of [i, i + 100, i + 200])
        for (const r of check(spec, seed, undefined, widthOf(i), 1))
          if (r.id.endsWith('.delay') && widthOf(i) !== 0) {
            delayDirections++;
            if (r.forward !== 0) nonzero++;
          }
    }
    for (const want of [
      'input-fixed',
      'input-per-synapse',
      'input-learnable',
      'hidden-fixed',
      'hidden-per-synapse',
      'hidden-learnable',
      'recurrent-fixed',
      'recurrent-per-synapse',
    ])
      expect(seen, want).toContain(want);
    expect(delayDirections).toBeGreaterThanOrEqual(12);
    expect(nonzero / delayDirections).toBeGreaterThan(0.8);
  });
});
