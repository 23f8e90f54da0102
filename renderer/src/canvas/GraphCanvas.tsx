// The network as a picture: React Flow drawing the document's nodes and edges, fed from the
// store (controlled), with drops from the palette, typed connections and context menus.
import {
  Background,
  BackgroundVariant,
  type Connection,
  Controls,
  type EdgeChange,
  type FinalConnectionState,
  type IsValidConnection,
  MarkerType,
  MiniMap,
  type NodeChange,
  ReactFlow,
  type ReactFlowProps,
  ReactFlowProvider,
  useReactFlow,
  useStore,
} from '@xyflow/react';
import {
  type DragEvent,
  type MouseEvent as ReactMouseEvent,
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Position } from '../../../shared/file/snnFile';
import type { NodeKind } from '../../../shared/graph/kinds';
import { judgeConnection } from '../graph/connectionRules';
import { nodeEntry } from '../graph/nodeEntries';
import { useAppStore } from '../store';
import { ConnectionLine } from './ConnectionLine';
import { registerCanvasControls } from './canvasControls';
import { EmptyCanvas } from './EmptyCanvas';
import { edgeTypes } from './edges';
import { rememberKindSize, useFlowEdges, useFlowNodes } from './flowElements';
import { SnnNode } from './SnnNode';

const nodeTypes = { snn: SnnNode };
export const PALETTE_MIME = 'application/x-spikewright-kind';
const GRID: [number, number] = [20, 20];
const FAR_ZOOM = 0.45;
const KIND_COLORS: Record<NodeKind, string> = {
  dataset: '#0e9384',
  lif: '#6366f1',
  readout: '#d97706',
  loss: '#dc2626',
  regularizer: '#9333ea',
  training: '#64748b',
};

// Handlers that read and write only the store: module functions, the same ones every render.
function onEdgesChange(changes: EdgeChange[]) {
  const state = useAppStore.getState();
  const selected = new Set(state.selectedEdgeIds);
  let changed = false;
  for (const change of changes)
    if (change.type === 'select') {
      changed = true;
      if (change.selected) selected.add(change.id);
      else selected.delete(change.id);
    }
  if (changed) state.setSelection(useAppStore.getState().selectedNodeIds, [...selected]);
}

const isValidConnection: IsValidConnection = (c) =>
  judgeConnection(useAppStore.getState().graph, c.source, c.target).ok;

function onConnect(c: Connection) {
  const verdict = useAppStore.getState().connect(c.source, c.target);
  if (!verdict.ok) useAppStore.getState().showToast(verdict.reason, 'error');
}

function onConnectEnd(event: MouseEvent | TouchEvent, state: FinalConnectionState) {
  if (state.isValid !== false || !state.toNode || !state.fromNode || !state.fromHandle) return;
  const [source, target] =
    state.fromHandle.type === 'source' ? [state.fromNode.id, state.toNode.id] : [state.toNode.id, state.fromNode.id];
  const verdict = judgeConnection(useAppStore.getState().graph, source, target);
  if (verdict.ok) return;
  const point = 'changedTouches' in event ? event.changedTouches[0] : event;
  useAppStore.getState().showToast(verdict.reason, 'error', point ? { x: point.clientX, y: point.clientY } : undefined);
}

function onDragOver(event: DragEvent) {
  if (!event.dataTransfer.types.includes(PALETTE_MIME)) return;
  event.preventDefault();
  event.dataTransfer.dropEffect = 'copy';
}

// What the canvas sets whatever the document and the view: one object, so React Flow gets the
// same props (and the same option objects) on every render.
const FLOW_SETTINGS = {
  nodeTypes,
  edgeTypes,
  connectionLineComponent: ConnectionLine,
  onEdgesChange,
  onConnect,
  onConnectEnd,
  isValidConnection,
  onDragOver,
  defaultEdgeOptions: { markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16 } },
  snapGrid: GRID,
  deleteKeyCode: null,
  disableKeyboardA11y: true,
  zoomOnDoubleClick: false,
  minZoom: 0.05,
  maxZoom: 2.5,
  proOptions: { hideAttribution: true },
} satisfies Partial<ReactFlowProps>;

export function GraphCanvas() {
  return (
    <ReactFlowProvider>
      <Canvas />
    </ReactFlowProvider>
  );
}

function Canvas() {
  const flow = useReactFlow();
  const wrapper = useRef<HTMLDivElement>(null);
  const pointer = useRef<{ x: number; y: number } | null>(null);
  const [measured, setMeasured] = useState<Record<string, { width: number; height: number }>>({});
  const { theme, snapToGrid, showMinimap } = useAppStore(
    useShallow((s) => ({
      theme: s.theme,
      snapToGrid: s.snapToGrid,
      // An empty canvas has nothing to map, and its start card needs the room.
      showMinimap: s.showMinimap && s.graph.nodes.length > 0,
    })),
  );
  const nodes = useFlowNodes(measured);
  const edges = useFlowEdges();
  const epoch = useAppStore((s) => s.documentEpoch);
  // One subscription to the zoom for the whole canvas (not one per node): far out, CSS skips details.
  const far = useStore((s) => s.transform[2] < FAR_ZOOM);

  // A newly opened document is fitted into view. React Flow holds the fit until the nodes are
  // measured. An empty document is not fitted: the held fit would jump the view onto the
  // first node the user adds.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs per opened document, not per edit.
  useEffect(() => {
    if (useAppStore.getState().graph.nodes.length) void flow.fitView({ padding: 0.2, maxZoom: 1.1 });
  }, [epoch, flow]);

  useEffect(() => {
    return registerCanvasControls({
      fitView: () => {
        if (flow.getNodes().length) void flow.fitView({ padding: 0.2, maxZoom: 1.1, duration: 200 });
      },
      centerOnNode: (id) => {
        const node = flow.getInternalNode(id);
        if (!node) return;
        const { x, y } = node.internals.positionAbsolute;
        const w = node.measured.width ?? 180;
        const h = node.measured.height ?? 90;
        void flow.setCenter(x + w / 2, y + h / 2, { zoom: Math.max(flow.getZoom(), 1), duration: 250 });
      },
      centerOnEdge: (id) => {
        const edge = flow.getEdge(id);
        const a = edge && flow.getInternalNode(edge.source);
        const b = edge && flow.getInternalNode(edge.target);
        if (!a || !b) return;
        const x = (a.internals.positionAbsolute.x + b.internals.positionAbsolute.x) / 2 + 90;
        const y = (a.internals.positionAbsolute.y + b.internals.positionAbsolute.y) / 2 + 40;
        void flow.setCenter(x, y, { zoom: Math.max(flow.getZoom(), 1), duration: 250 });
      },
      pointer: () => (pointer.current ? flow.screenToFlowPosition(pointer.current) : null),
      viewportCenter: () => {
        const rect = wrapper.current?.getBoundingClientRect();
        if (!rect) return { x: 0, y: 0 };
        return flow.screenToFlowPosition({ x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 });
      },
      nodeSizes: () => {
        const sizes: Record<string, { width: number; height: number }> = {};
        for (const n of flow.getNodes())
          if (n.measured?.width && n.measured.height)
            sizes[n.id] = { width: n.measured.width, height: n.measured.height };
        return sizes;
      },
      zoomIn: () => void flow.zoomIn({ duration: 150 }),
      zoomOut: () => void flow.zoomOut({ duration: 150 }),
    });
  }, [flow]);

  const onNodesChange = useCallback((changes: NodeChange[]) => {
    const state = useAppStore.getState();
    const moved: Record<string, Position> = {};
    let dragging = false;
    let dragEnded = false;
    let selectionChanged = false;
    const selected = new Set(state.selectedNodeIds);
    const sizes: Record<string, { width: number; height: number }> = {};
    for (const change of changes) {
      if (change.type === 'position') {
        if (change.position) moved[change.id] = change.position;
        if (change.dragging) dragging = true;
        else dragEnded = true;
      } else if (change.type === 'select') {
        selectionChanged = true;
        if (change.selected) selected.add(change.id);
        else selected.delete(change.id);
      } else if (change.type === 'dimensions' && change.dimensions) {
        sizes[change.id] = change.dimensions;
      }
    }
    if (Object.keys(sizes).length) {
      for (const node of state.graph.nodes) {
        const size = sizes[node.id];
        if (size) rememberKindSize(node.kind, size);
      }
      setMeasured((m) => ({ ...m, ...sizes }));
    }
    if (Object.keys(moved).length) {
      if (dragging || state.gestureBase) state.dragNodes(moved);
      else state.placeNodes(moved);
    }
    if (dragEnded) useAppStore.getState().endGesture();
    if (selectionChanged) state.setSelection([...selected], useAppStore.getState().selectedEdgeIds);
  }, []);

  const onDrop = useCallback(
    (event: DragEvent) => {
      // The palette entry's id: a node kind, or a preset of one (adaptive LIF).
      const entry = nodeEntry(event.dataTransfer.getData(PALETTE_MIME));
      if (!entry) return;
      event.preventDefault();
      const p = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
      useAppStore.getState().addEntry(entry, { x: p.x - 90, y: p.y - 30 });
    },
    [flow],
  );

  const onDoubleClick = useCallback(
    (event: ReactMouseEvent) => {
      if (!(event.target as Element).classList?.contains('react-flow__pane')) return;
      const flowPoint = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
      useAppStore
        .getState()
        .openDialog({ kind: 'quickAdd', screen: { x: event.clientX, y: event.clientY }, flow: flowPoint });
    },
    [flow],
  );

  const openMenu = useCallback(
    (event: ReactMouseEvent | MouseEvent, target: 'canvas' | 'node' | 'edge') => {
      event.preventDefault();
      useAppStore.getState().openContextMenu({
        screen: { x: event.clientX, y: event.clientY },
        flow: flow.screenToFlowPosition({ x: event.clientX, y: event.clientY }),
        target,
      });
    },
    [flow],
  );

  const handlers = useMemo(
    () => ({
      onNodeContextMenu: (event: ReactMouseEvent, node: { id: string }) => {
        const s = useAppStore.getState();
        if (!s.selectedNodeIds.includes(node.id)) s.setSelection([node.id], []);
        openMenu(event, 'node');
      },
      onEdgeContextMenu: (event: ReactMouseEvent, edge: { id: string }) => {
        const s = useAppStore.getState();
        if (!s.selectedEdgeIds.includes(edge.id)) s.setSelection([], [edge.id]);
        openMenu(event, 'edge');
      },
      onPaneContextMenu: (event: ReactMouseEvent | MouseEvent) => openMenu(event, 'canvas'),
      onSelectionContextMenu: (event: ReactMouseEvent) => openMenu(event, 'node'),
      onPaneClick: () => useAppStore.getState().openContextMenu(null),
    }),
    [openMenu],
  );

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: a pointer-only surface; the keyboard has commands for the same.
    <div
      className={far ? 'canvas is-far' : 'canvas'}
      data-testid="canvas"
      ref={wrapper}
      onDoubleClick={onDoubleClick}
      onPointerMove={(e) => {
        pointer.current = { x: e.clientX, y: e.clientY };
      }}
      onPointerLeave={() => {
        pointer.current = null;
      }}
    >
      {nodes.length === 0 && <EmptyCanvas />}
      {/* No onlyRenderVisibleElements: measured on the 500-node benchmark, culling made opening
          2-4x slower (two render passes around the fit) for little gain while panning. */}
      <ReactFlow
        nodes={nodes}
        edges={edges}
        onNodesChange={onNodesChange}
        onDrop={onDrop}
        {...handlers}
        {...FLOW_SETTINGS}
        colorMode={theme}
        snapToGrid={snapToGrid}
      >
        <Background variant={BackgroundVariant.Dots} gap={GRID[0]} size={1.2} />
        {showMinimap && (
          <MiniMap
            style={{ width: 150, height: 100 }}
            pannable
            zoomable
            nodeColor={(n) => KIND_COLORS[(n.data as { node?: { kind: NodeKind } }).node?.kind ?? 'training']}
            nodeStrokeWidth={0}
            maskColor={theme === 'dark' ? 'rgb(10 12 18 / 0.7)' : 'rgb(240 242 246 / 0.7)'}
          />
        )}
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
