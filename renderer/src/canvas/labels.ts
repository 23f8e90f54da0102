// The short texts the canvas (and the exported picture) show for a population's neuron
// model, what it learns per neuron and how its time constants start, and for a connection's
// delay.

/** "LIF", or "adLIF (SE)" / "adLIF (FE)" for the symplectic and forward Euler adaptation. */
export function modelName(p: Record<string, unknown>): string {
  if (p.neuron !== 'adlif') return 'LIF';
  return p.adaptation === 'forward-euler' ? 'adLIF (FE)' : 'adLIF (SE)';
}

const LEARNED: [key: string, label: string][] = [
  ['learnTauMem', 'τmem'],
  ['learnTauSyn', 'τsyn'],
  ['learnThreshold', 'θ'],
  ['learnAdaptation', 'adaptation'],
];

/** What a population learns per neuron ("learns τmem, θ, adaptation"); null when nothing. */
export function learningText(p: Record<string, unknown>): string | null {
  const learned = LEARNED.filter(([key]) => p[key] === true && (key !== 'learnAdaptation' || p.neuron === 'adlif'));
  return learned.length ? `learns ${learned.map(([, label]) => label).join(', ')}` : null;
}

/** Its initial spread of time constants ("τ₀ gamma, CV 0.3"); null when they start equal. */
export function spreadText(p: Record<string, unknown>): string | null {
  if (p.tauInit === 'uniform') return `τ₀ uniform ±${p.tauSpread}`;
  if (p.tauInit === 'gamma') return `τ₀ gamma, CV ${p.tauSpread}`;
  return null;
}

/** A connection's delay for its label: "d=3" (fixed), "d≤25" (per synapse), "d≤25 learnable"; null without. */
export function delayText(params: Readonly<Record<string, unknown>>): string | null {
  switch (params.delay) {
    case 'fixed':
      return `d=${params.delaySteps}`;
    case 'per-synapse':
      return `d≤${params.maxDelay}`;
    case 'learnable':
      return `d≤${params.maxDelay} learnable`;
    default:
      return null;
  }
}
