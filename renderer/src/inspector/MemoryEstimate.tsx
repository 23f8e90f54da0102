// The memory estimate of shared/graph/budgets.ts, live in the inspector: for the whole
// training step (nothing selected), for a population's per-batch state, for a connection's
// weights. The same figures the backend checks against this machine's limit.
import { useMemo } from 'react';
import { estimateResources, formatBytes, type ResourceEstimate } from '../../../shared/graph/budgets';
import { useAppStore } from '../store';

function useEstimate(): ResourceEstimate {
  const graph = useAppStore((s) => s.graph);
  return useMemo(() => estimateResources(graph), [graph]);
}

const count = (n: number) => n.toLocaleString('en-US');

export function MemoryEstimate({ target }: { target?: { type: 'node' | 'edge'; id: string } }) {
  const est = useEstimate();
  let text: string | null = null;
  let title: string | undefined;
  if (!target) {
    text = `Memory (estimate): ${formatBytes(est.weightBytes)} of weights; a training step about ${formatBytes(est.trainingBytes)}`;
    title = `State of one batch (${count(est.batchSize)} samples × ${count(est.timeSteps)} steps, forward and backward): ${formatBytes(est.stateBytes)}; weights with gradients and optimizer state: ${formatBytes(est.edges.reduce((s, e) => s + e.trainingBytes, 0))}; encoded dataset: ${formatBytes(est.datasetBytes)}; dense gradient product: ${formatBytes(est.transientBytes)}.`;
  } else if (target.type === 'node') {
    const n = est.nodes.find((x) => x.id === target.id);
    if (n) {
      text = `State per batch: ${formatBytes(n.forwardBytes + n.backwardBytes)} (${count(est.batchSize)} samples × ${count(est.timeSteps)} steps)`;
      title = `Forward ${formatBytes(n.forwardBytes)}, kept for the backward pass ${formatBytes(n.backwardBytes)}.`;
    }
  } else {
    const e = est.edges.find((x) => x.id === target.id);
    if (e) {
      text = `Memory: ${formatBytes(e.bytes)} stored, ${formatBytes(e.trainingBytes)} while training`;
      title = 'While training: the weights, their gradient, the optimizer moments and a transposed copy.';
    }
  }
  if (text === null) return null;
  return (
    <div className="inspector__fact" data-testid="memory-estimate" title={title}>
      {text}
    </div>
  );
}
