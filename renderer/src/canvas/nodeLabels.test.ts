import { describe, expect, it } from 'vitest';
import { delayText } from './edges';
import { learningText, modelName } from './SnnNode';

describe('what nodes and edges say about the neuron model and delays', () => {
  it('names the neuron model and the adaptation update', () => {
    expect(modelName({ neuron: 'lif', adaptation: 'forward-euler' })).toBe('LIF');
    expect(modelName({ neuron: 'adlif', adaptation: 'symplectic-euler' })).toBe('adLIF (SE)');
    expect(modelName({ neuron: 'adlif', adaptation: 'forward-euler' })).toBe('adLIF (FE)');
  });

  it('lists what a population learns per neuron and its initial spread, and nothing for a plain one', () => {
    expect(learningText({ neuron: 'lif', learnTauMem: false, tauInit: 'constant' })).toBeNull();
    expect(
      learningText({
        neuron: 'adlif',
        learnTauMem: true,
        learnThreshold: true,
        learnAdaptation: true,
        tauInit: 'gamma',
        tauSpread: 0.3,
      }),
    ).toBe('learns τmem, θ, a, b, τw · τ gamma CV 0.3');
    // Adaptation does not apply to LIF neurons, even when its switch was left on.
    expect(learningText({ neuron: 'lif', learnAdaptation: true, tauInit: 'uniform', tauSpread: 0.5 })).toBe(
      'τ uniform ±0.5',
    );
  });

  it('labels a connection with its delay mode', () => {
    expect(delayText({ delay: 'none', delaySteps: 3 })).toBeNull();
    expect(delayText({})).toBeNull();
    expect(delayText({ delay: 'fixed', delaySteps: 3, maxDelay: 25 })).toBe('d=3');
    expect(delayText({ delay: 'per-synapse', delaySteps: 3, maxDelay: 25 })).toBe('d≤25');
    expect(delayText({ delay: 'learnable', maxDelay: 25 })).toBe('d≤25 learnable');
  });
});
