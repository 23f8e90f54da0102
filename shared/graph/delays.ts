// Synaptic delays on connections (docs/model.md, "Synaptic delays"): what a connection's
// `delay`, `delaySteps` and `maxDelay` mean, the checks that refuse impossible ones, and the
// memory they take. The validator and the budgets ask this module; the engine reads the same
// fields through its plan.
import type { GraphEdge, GraphNode } from './document';
import type { ConnectionParams, DelayMode } from './kinds';

/** Steps a connection's spikes may be held back at most: 0 without delays. */
export function delaySpan(params: Pick<ConnectionParams, 'delay' | 'delaySteps' | 'maxDelay'>): number {
  switch (params.delay) {
    case 'fixed':
      return params.delaySteps;
    case 'per-synapse':
    case 'learnable':
      return params.maxDelay;
    default:
      return 0;
  }
}

/** Whether the connection holds one delay per synapse (saved in the file's `delays` map). */
export function hasSynapseDelays(mode: DelayMode | string): boolean {
  return mode === 'per-synapse' || mode === 'learnable';
}

/**
 * Delay taps a learnable connection keeps per synapse at most: its Gaussian kernel spans the
 * integer delays 0..maxDelay (narrower once the kernel's width shrinks; see fast/delays.ts).
 */
export function learnableTaps(maxDelay: number): number {
  return maxDelay + 1;
}

export interface DelayBytes {
  /** Stored in a trained file: one float32 per synapse (per-synapse and learnable). */
  stored: number;
  /**
   * Held while training: per-synapse, the delays and their target offsets (Int32); learnable,
   * positions, gradients and optimizer moments, plus the per-tap weights and their gradients
   * (taps x synapses each) the kernel builds per batch.
   */
  training: number;
  /** Elements of the largest single array they need (the learnable kernel's taps x synapses table). */
  largestArray: number;
}

/** The memory a connection's delays take, for `synapses` = source units x target units. */
export function delayBytes(params: ConnectionParams, synapses: number, moments: number): DelayBytes {
  if (params.delay === 'per-synapse') return { stored: synapses * 4, training: synapses * 8, largestArray: synapses };
  if (params.delay === 'learnable') {
    const taps = learnableTaps(typeof params.maxDelay === 'number' && params.maxDelay > 0 ? params.maxDelay : 1);
    return {
      stored: synapses * 4,
      training: synapses * 4 * (3 + moments) + synapses * taps * 8,
      largestArray: synapses * taps,
    };
  }
  return { stored: 0, training: 0, largestArray: 0 };
}

/**
 * What is impossible about a connection's delay, as sentences naming the field: a delay no
 * shorter than the trial (no spike would ever arrive), learnable delays on a recurrent
 * connection (not built: the kernel would need one dense product per tap and step).
 * Field bounds themselves (integers, >= 0) are the field declarations' checks.
 */
export function delayProblems(
  edge: Extract<GraphEdge, { kind: 'connection' }>,
  source: GraphNode,
  target: GraphNode,
  timeSteps: number | undefined,
): { field: string; message: string }[] {
  const p = edge.params;
  const out: { field: string; message: string }[] = [];
  const name = `Connection ${source.name} → ${target.name}`;
  if (p.delay === 'learnable' && source.id === target.id)
    out.push({
      field: 'delay',
      message: `${name}: learnable delays are not available on a recurrent connection (they are learned on feed-forward connections, as in Hammouamri et al. 2023); use a fixed or per-synapse delay`,
    });
  if (typeof timeSteps !== 'number' || !Number.isInteger(timeSteps) || timeSteps < 1) return out;
  if (p.delay === 'fixed' && typeof p.delaySteps === 'number' && p.delaySteps >= timeSteps)
    out.push({
      field: 'delaySteps',
      message: `${name}: Delay (${p.delaySteps} steps) is not shorter than the trial (${timeSteps} time steps), so no spike would arrive; shorten it`,
    });
  if (hasSynapseDelays(p.delay) && typeof p.maxDelay === 'number' && p.maxDelay >= timeSteps)
    out.push({
      field: 'maxDelay',
      message: `${name}: Maximum delay (${p.maxDelay} steps) is not shorter than the trial (${timeSteps} time steps); spikes delayed that long would never arrive. Shorten it`,
    });
  return out;
}
