// The line drawn while connecting. Over a handle that refuses the connection it turns red
// and says why, right at the pointer, where the user is looking.
import { type ConnectionLineComponentProps, getBezierPath } from '@xyflow/react';
import { judgeConnection } from '../graph/connectionRules';
import { useAppStore } from '../store';

export function ConnectionLine({
  fromX,
  fromY,
  toX,
  toY,
  fromPosition,
  toPosition,
  fromNode,
  fromHandle,
  toNode,
  connectionStatus,
}: ConnectionLineComponentProps) {
  const graph = useAppStore((s) => s.graph);
  const [path] = getBezierPath({
    sourceX: fromX,
    sourceY: fromY,
    sourcePosition: fromPosition,
    targetX: toX,
    targetY: toY,
    targetPosition: toPosition,
  });
  let reason: string | null = null;
  if (connectionStatus === 'invalid' && toNode) {
    const [source, target] = fromHandle.type === 'source' ? [fromNode.id, toNode.id] : [toNode.id, fromNode.id];
    const verdict = judgeConnection(graph, source, target);
    reason = verdict.ok ? null : verdict.reason;
  }
  const invalid = connectionStatus === 'invalid';
  return (
    <g className={`snn-connection-line${invalid ? ' is-invalid' : ''}`}>
      <path d={path} fill="none" />
      <circle cx={toX} cy={toY} r={4} />
      {reason && (
        <foreignObject x={toX + 12} y={toY + 10} width={280} height={80} style={{ overflow: 'visible' }}>
          <div className="connection-reason" data-testid="connection-reason">
            {reason}
          </div>
        </foreignObject>
      )}
    </g>
  );
}
