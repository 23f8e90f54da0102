// Edge pictures: connections labelled with their weight count, signals dashed, and a
// population's connection to itself drawn as a loop over the node.
import { BaseEdge, type Edge, type EdgeProps, getBezierPath } from '@xyflow/react';
import { memo } from 'react';

export type SnnEdgeData = {
  kind: 'connection' | 'signal';
  weights: number;
  severity: 'error' | 'warning' | null;
};
export type SnnFlowEdge = Edge<SnnEdgeData, 'weighted' | 'loop'>;

export function formatCount(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(n >= 1e7 ? 0 : 1)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(n >= 1e5 ? 0 : 1)}k`;
  return n.toLocaleString('en-US');
}

/** The weight count, drawn as SVG text in the edge itself: hundreds of HTML labels (one portal each) cost too much on big graphs. */
function Label({ x, y, data, selected }: { x: number; y: number; data: SnnEdgeData; selected: boolean }) {
  if (data.kind !== 'connection') return null;
  return (
    <text
      x={x}
      y={y}
      className={`snn-edge-label${selected ? ' is-selected' : ''}${data.severity ? ` has-${data.severity}` : ''}`}
      textAnchor="middle"
      dominantBaseline="central"
    >
      <title>{`${data.weights.toLocaleString('en-US')} weights`}</title>
      {formatCount(data.weights)} w
    </text>
  );
}

function edgeClass(data: SnnEdgeData | undefined, selected: boolean | undefined) {
  return `snn-edge snn-edge--${data?.kind ?? 'connection'}${selected ? ' is-selected' : ''}${data?.severity ? ` has-${data.severity}` : ''}`;
}

function WeightedEdgeView(props: EdgeProps<SnnFlowEdge>) {
  const [path, labelX, labelY] = getBezierPath(props);
  return (
    <>
      <BaseEdge
        id={props.id}
        path={path}
        className={edgeClass(props.data, props.selected)}
        interactionWidth={16}
        {...(props.markerEnd ? { markerEnd: props.markerEnd } : {})}
      />
      {props.data && <Label x={labelX} y={labelY} data={props.data} selected={!!props.selected} />}
    </>
  );
}

/** A self-connection: leaves the output handle, arcs over the node and enters its input. */
function LoopEdgeView(props: EdgeProps<SnnFlowEdge>) {
  const { sourceX, sourceY, targetX, targetY } = props;
  const lift = 70;
  const top = Math.min(sourceY, targetY) - lift;
  const path = `M ${sourceX} ${sourceY} C ${sourceX + 60} ${sourceY}, ${sourceX + 40} ${top}, ${(sourceX + targetX) / 2} ${top} S ${targetX - 60} ${targetY}, ${targetX} ${targetY}`;
  return (
    <>
      <BaseEdge
        id={props.id}
        path={path}
        className={`${edgeClass(props.data, props.selected)} snn-edge--loop`}
        interactionWidth={16}
        {...(props.markerEnd ? { markerEnd: props.markerEnd } : {})}
      />
      {props.data && <Label x={(sourceX + targetX) / 2} y={top} data={props.data} selected={!!props.selected} />}
    </>
  );
}

export const edgeTypes = { weighted: memo(WeightedEdgeView), loop: memo(LoopEdgeView) };
