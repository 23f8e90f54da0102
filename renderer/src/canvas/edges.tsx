// Edge pictures: connections labelled with their weight count (and delay, when they have one), signals dashed, and a
// population's connection to itself drawn as a loop over the node. A signal that would cross
// other nodes (dataset -> loss across the whole row) runs in its own lane under them, and all
// signals lie beneath connections, so no edge hides another and a click on what is visible
// selects that edge.
import { BaseEdge, type Edge, type EdgeProps, getBezierPath, type ReactFlowState, useStore } from '@xyflow/react';
import { memo } from 'react';

export type SnnEdgeData = {
  kind: 'connection' | 'signal';
  weights: number;
  /** The connection's synaptic delay as the label shows it ("d=3", "d≤25 learnable"), or null. */
  delay: string | null;
  severity: 'error' | 'warning' | null;
};
export type SnnFlowEdge = Edge<SnnEdgeData, 'weighted' | 'loop' | 'signal'>;

const LANE_GAP = 26;

/**
 * The y of a lane under every node (other than its ends) that the straight line from source
 * to target would cross, or null when it crosses none.
 */
export function laneBelow(
  nodes: Iterable<{ id: string; x: number; y: number; width: number; height: number }>,
  ends: { source: string; target: string },
  from: { x: number; y: number },
  to: { x: number; y: number },
): number | null {
  const left = Math.min(from.x, to.x);
  const right = Math.max(from.x, to.x);
  let lane: number | null = null;
  for (const n of nodes) {
    if (n.id === ends.source || n.id === ends.target) continue;
    if (n.x > right || n.x + n.width < left) continue;
    // Where the straight line is at this node's left and right edges.
    const at = (x: number) => from.y + ((to.y - from.y) * (x - from.x)) / (to.x - from.x || 1);
    const y0 = at(Math.max(left, n.x));
    const y1 = at(Math.min(right, n.x + n.width));
    const top = Math.min(y0, y1) - 8;
    const bottom = Math.max(y0, y1) + 8;
    if (bottom < n.y || top > n.y + n.height) continue;
    lane = Math.max(lane ?? -Infinity, n.y + n.height + LANE_GAP);
  }
  return lane === null ? null : Math.max(lane, from.y + LANE_GAP, to.y + LANE_GAP);
}

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
      // With a delay line under it, the pair is centred on the edge.
      y={data.delay ? y - 6 : y}
      className={`snn-edge-label${selected ? ' is-selected' : ''}${data.severity ? ` has-${data.severity}` : ''}`}
      textAnchor="middle"
      dominantBaseline="central"
    >
      <title>{`${data.weights.toLocaleString('en-US')} weights${data.delay ? `; delay ${data.delay} (time steps)` : ''}`}</title>
      {formatCount(data.weights)} w
      {data.delay && (
        <tspan className="snn-edge-label__delay" x={x} dy="1.25em">
          {data.delay}
        </tspan>
      )}
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

/** A signal (into a loss or regulariser): a curve where the way is clear, else a lane under the nodes in between. */
function SignalEdgeView(props: EdgeProps<SnnFlowEdge>) {
  const { sourceX, sourceY, targetX, targetY, source, target } = props;
  const lane = useStore((s: ReactFlowState) => {
    const boxes = [];
    for (const n of s.nodeLookup.values()) {
      const w = n.measured.width ?? 0;
      const h = n.measured.height ?? 0;
      boxes.push({
        id: n.id,
        x: n.internals.positionAbsolute.x,
        y: n.internals.positionAbsolute.y,
        width: w,
        height: h,
      });
    }
    return laneBelow(boxes, { source, target }, { x: sourceX, y: sourceY }, { x: targetX, y: targetY });
  });
  if (lane === null) return <WeightedEdgeView {...props} />;
  const r = 10;
  const out = sourceX + 18;
  const into = targetX - 18;
  const path = [
    `M ${sourceX} ${sourceY}`,
    `L ${out - r} ${sourceY}`,
    `Q ${out} ${sourceY} ${out} ${sourceY + r}`,
    `L ${out} ${lane - r}`,
    `Q ${out} ${lane} ${out + r} ${lane}`,
    `L ${into - r} ${lane}`,
    `Q ${into} ${lane} ${into} ${lane - r}`,
    `L ${into} ${targetY + r}`,
    `Q ${into} ${targetY} ${into + r} ${targetY}`,
    `L ${targetX} ${targetY}`,
  ].join(' ');
  return (
    <BaseEdge
      id={props.id}
      path={path}
      className={`${edgeClass(props.data, props.selected)} snn-edge--lane`}
      interactionWidth={14}
      {...(props.markerEnd ? { markerEnd: props.markerEnd } : {})}
    />
  );
}

/**
 * A self-connection: rises from the output handle, arcs over the node and comes down into its
 * input, leaving the handles steeply so it stays clear of the node's other edges.
 */
function LoopEdgeView(props: EdgeProps<SnnFlowEdge>) {
  const { sourceX, sourceY, targetX, targetY } = props;
  const lift = 78;
  const top = Math.min(sourceY, targetY) - lift;
  const path = `M ${sourceX} ${sourceY} C ${sourceX + 30} ${sourceY - 24}, ${sourceX + 26} ${top}, ${sourceX - 14} ${top} L ${targetX + 14} ${top} C ${targetX - 26} ${top}, ${targetX - 30} ${targetY - 24}, ${targetX} ${targetY}`;
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

export const edgeTypes = {
  weighted: memo(WeightedEdgeView),
  loop: memo(LoopEdgeView),
  signal: memo(SignalEdgeView),
};
