// How a graph node looks on the canvas: kind, name, size, neuron model (LIF, adLIF SE/FE), time
// constants and what it learns per neuron at a glance, typed handles, and a badge when
// validation finds something wrong with it.
import { Handle, type Node, type NodeProps, Position } from '@xyflow/react';
import { memo } from 'react';
import type { GraphNode } from '../../../shared/graph/document';
import { nodeKindInfo } from '../../../shared/graph/kinds';
import { datasetShape } from '../../../shared/graph/shapes';
import { inputHandleType, outputHandleType } from '../graph/connectionRules';
import { nodeEntry } from '../graph/nodeEntries';
import { KindIcon } from './KindIcon';
import { learningText, modelName, spreadText } from './labels';

export type SnnFlowNode = Node<
  { node: GraphNode; severity: 'error' | 'warning' | null; problemCount: number; firstProblem: string | null },
  'snn'
>;

interface Line {
  text: string;
  strong?: boolean;
  /** Per-neuron learned or heterogeneous parameters: drawn as a tag. */
  learn?: boolean;
}

const DATASET_LABELS: Record<string, string> = {
  randman: 'Randman',
  'fashion-mnist': 'Fashion-MNIST',
  mnist: 'MNIST',
  shd: 'SHD',
  ssc: 'SSC',
  custom: 'Custom data',
};

function withLearning(lines: Line[], p: Record<string, unknown>): Line[] {
  const spread = spreadText(p);
  const learned = learningText(p);
  return [...lines, ...(spread ? [{ text: spread }] : []), ...(learned ? [{ text: learned, learn: true }] : [])];
}

function summary(node: GraphNode): Line[] {
  switch (node.kind) {
    case 'dataset': {
      const shape = datasetShape(node.params);
      return [
        { text: DATASET_LABELS[node.params.dataset] ?? node.params.dataset, strong: true },
        { text: `${shape.units} inputs · ${shape.classes} classes` },
        { text: `T = ${node.params.timeSteps} × ${node.params.dt} ms` },
      ];
    }
    case 'lif': {
      const p = node.params as Record<string, unknown>;
      const adaptive = p.neuron === 'adlif';
      const lines: Line[] = [
        { text: `${node.params.size} ${modelName(p)} neurons`, strong: true },
        { text: `τmem ${node.params.tauMem} ms · τsyn ${node.params.tauSyn} ms` },
        { text: `θ ${node.params.threshold} · reset ${node.params.reset === 'zero' ? 'to 0' : '−θ'}` },
      ];
      if (adaptive) lines.push({ text: `τw ${p.tauAdapt} ms · a ${p.adaptA} · b ${p.adaptB}` });
      return withLearning(lines, p);
    }
    case 'readout':
      return withLearning(
        [
          { text: `${node.params.size} leaky integrators`, strong: true },
          { text: `τmem ${node.params.tauMem} ms · τsyn ${node.params.tauSyn} ms` },
        ],
        node.params as Record<string, unknown>,
      );
    case 'loss':
      return [{ text: node.params.loss, strong: true }];
    case 'regularizer':
      return [
        { text: `${node.params.bound} bound · ${node.params.power.toUpperCase()}`, strong: true },
        { text: `${node.params.target} spikes · λ ${node.params.strength}` },
      ];
    case 'training':
      return [
        { text: `${node.params.optimizer} · lr ${node.params.learningRate}`, strong: true },
        { text: `batch ${node.params.batchSize} · ${node.params.epochs} epochs` },
        { text: `${node.params.surrogate} (${node.params.surrogateScale})` },
      ];
  }
}

function SnnNodeView({ data, selected }: NodeProps<SnnFlowNode>) {
  const { node, severity, problemCount, firstProblem } = data;
  const input = inputHandleType(node.kind);
  const output = outputHandleType(node.kind);
  const classes = ['snn-node', `snn-node--${node.kind}`];
  const preset = node.kind === 'lif' && node.params.neuron === 'adlif' ? nodeEntry('adlif') : undefined;
  if (selected) classes.push('is-selected');
  if (severity) classes.push(`has-${severity}`);
  return (
    <div className={classes.join(' ')} data-kind={node.kind} data-testid={`node-${node.id}`}>
      {input && (
        <Port
          side="in"
          type={input}
          title={input === 'spikes' ? 'Input: spikes' : 'Input: scores, labels or spikes to judge'}
        />
      )}
      <div className="snn-node__head">
        <KindIcon kind={node.kind} preset={preset?.id} />
        <span className="snn-node__kind">{preset?.short ?? nodeKindInfo[node.kind].label}</span>
        {severity && (
          <span
            className={`snn-node__badge snn-node__badge--${severity}`}
            title={firstProblem ?? ''}
            data-testid="node-problem-badge"
          >
            {problemCount}
          </span>
        )}
      </div>
      <div className="snn-node__name">{node.name || <em>unnamed</em>}</div>
      {summary(node).map((line) => (
        <div
          className={`snn-node__line${line.strong ? ' snn-node__line--strong' : ''}${line.learn ? ' snn-node__line--learn' : ''}`}
          key={line.text}
          data-testid={line.learn ? 'node-learning' : undefined}
          title={line.text}
        >
          {line.text}
        </div>
      ))}
      {output && (
        <Port
          side="out"
          type={output}
          title={output === 'spikes' ? 'Output: spikes' : 'Output: analog membrane (scores)'}
        />
      )}
    </div>
  );
}

export const SnnNode = memo(SnnNodeView);

/** A node's input (left, handle id "in") or output (right, "out") port, coloured by what it carries. */
function Port({ side, type, title }: { side: 'in' | 'out'; type: string; title: string }) {
  return (
    <Handle
      type={side === 'in' ? 'target' : 'source'}
      position={side === 'in' ? Position.Left : Position.Right}
      id={side}
      className={`snn-handle snn-handle--${type}`}
      title={title}
    />
  );
}
