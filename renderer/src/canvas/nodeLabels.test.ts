import { describe, expect, it } from 'vitest';
import { delayText, learningText, modelName, spreadText } from './labels';

describe('what nodes and edges say about the neuron model and delays', () => {
  it('names the neuron model and the adaptation update', () => {
    expect(modelName({ neuron: 'lif', adaptation: 'forward-euler' })).toBe('LIF');
    expect(modelName({ neuron: 'adlif', adaptation: 'symplectic-euler' })).toBe('adLIF (SE)');
    expect(modelName({ neuron: 'adlif', adaptation: 'forward-euler' })).toBe('adLIF (FE)');
  });

  it('lists what a population learns per neuron and its initial spread, and nothing for a plain one', () => {
    const plain = { neuron: 'lif', learnTauMem: false, tauInit: 'constant', tauSpread: 0.5 };
    expect(learningText(plain)).toBeNull();
    expect(spreadText(plain)).toBeNull();
    const adaptive = {
      neuron: 'adlif',
      learnTauMem: true,
      learnThreshold: true,
      learnAdaptation: true,
      tauInit: 'gamma',
      tauSpread: 0.3,
    };
    expect(learningText(adaptive)).toBe('learns τmem, θ, adaptation');
    expect(spreadText(adaptive)).toBe('τ₀ gamma, CV 0.3');
    expect(spreadText({ tauInit: 'uniform', tauSpread: 0.5 })).toBe('τ₀ uniform ±0.5');
    // Adaptation does not apply to LIF neurons, even when its switch was left on.
    expect(learningText({ neuron: 'lif', learnAdaptation: true, learnTauSyn: true })).toBe('learns τsyn');
  });

  it('labels a connection with its delay mode', () => {
    expect(delayText({ delay: 'none', delaySteps: 3 })).toBeNull();
    expect(delayText({})).toBeNull();
    expect(delayText({ delay: 'fixed', delaySteps: 3, maxDelay: 25 })).toBe('d=3');
    expect(delayText({ delay: 'per-synapse', delaySteps: 3, maxDelay: 25 })).toBe('d≤25');
    expect(delayText({ delay: 'learnable', maxDelay: 25 })).toBe('d≤25 learnable');
  });
});
