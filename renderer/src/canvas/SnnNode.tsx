// How a graph node looks on the canvas: kind, name, and the parameters that matter at a glance.
import { Handle, type Node, type NodeProps, Position } from '@xyflow/react';
import type { GraphNode } from '../../../shared/graph/document';
import { nodeKindInfo } from '../../../shared/graph/kinds';
import { datasetShape } from '../../../shared/graph/shapes';

export type SnnFlowNode = Node<{ node: GraphNode }, 'snn'>;

function summary(node: GraphNode): string[] {
  switch (node.kind) {
    case 'dataset': {
      const shape = datasetShape(node.params);
      return [
        `${node.params.dataset}`,
        `${shape.units} inputs · ${shape.classes} classes`,
        `T = ${node.params.timeSteps}`,
      ];
    }
    case 'lif':
      return [
        `${node.params.size} LIF neurons`,
        `τmem ${node.params.tauMem} ms · τsyn ${node.params.tauSyn} ms`,
        `reset: ${node.params.reset}`,
      ];
    case 'readout':
      return [`${node.params.size} leaky integrators`, `τmem ${node.params.tauMem} ms · τsyn ${node.params.tauSyn} ms`];
    case 'loss':
      return [node.params.loss];
    case 'regularizer':
      return [`${node.params.bound} bound · ${node.params.target} spikes`, `λ = ${node.params.strength}`];
    case 'training':
      return [
        `${node.params.optimizer} · lr ${node.params.learningRate}`,
        `batch ${node.params.batchSize} · ${node.params.epochs} epochs`,
        `${node.params.surrogate} (${node.params.surrogateScale})`,
      ];
  }
}

export function SnnNode({ data, selected }: NodeProps<SnnFlowNode>) {
  const node = data.node;
  const hasInput = node.kind !== 'dataset' && node.kind !== 'training';
  const hasOutput = node.kind === 'dataset' || node.kind === 'lif' || node.kind === 'readout';
  return (
    <div className={`snn-node snn-node--${node.kind}${selected ? ' is-selected' : ''}`} data-kind={node.kind}>
      {hasInput && <Handle type="target" position={Position.Left} />}
      <div className="snn-node__kind">{nodeKindInfo[node.kind].label}</div>
      <div className="snn-node__name">{node.name}</div>
      {summary(node).map((line) => (
        <div className="snn-node__line" key={line}>
          {line}
        </div>
      ))}
      {hasOutput && <Handle type="source" position={Position.Right} />}
    </div>
  );
}
