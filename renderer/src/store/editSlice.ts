// Document edits as the UI asks for them: each one is a pure edit from graph/edits plus
// one history entry, and most also move the selection to what they made.
import type { StateCreator } from 'zustand';
import type { FileMetadata, Position } from '../../../shared/file/snnFile';
import type { GraphNode } from '../../../shared/graph/document';
import type { NodeKind } from '../../../shared/graph/kinds';
import { type ConnectionVerdict, judgeConnection } from '../graph/connectionRules';
import * as edits from '../graph/edits';
import { type NodeEntry, nodeEntry } from '../graph/nodeEntries';
import { currentDoc } from './documentSlice';
import type { AppState } from './index';

export interface EditSlice {
  addNode(kind: NodeKind, position: Position): string;
  /** Adds the node of a palette entry (a kind, or a preset of one such as adaptive LIF). */
  addEntry(entry: NodeEntry, position: Position): string;
  /** Draws an edge if the rules allow it; the verdict says why not otherwise. */
  connect(source: string, target: string): ConnectionVerdict;
  setNodeParam(nodeId: string, key: string, value: unknown): void;
  renameNode(nodeId: string, name: string): void;
  setEdgeParam(edgeId: string, key: string, value: unknown): void;
  setMetadata(change: Partial<Pick<FileMetadata, 'name' | 'description'>>): void;
  /** Moves nodes while a drag runs; the drag becomes one history entry when it ends. */
  dragNodes(moved: Record<string, Position>): void;
  /** Moves nodes as one undoable step (auto-layout). */
  placeNodes(moved: Record<string, Position>): void;
  nudgeSelection(dx: number, dy: number): void;
  deleteSelection(): void;
  copySelection(): void;
  cutSelection(): void;
  /** Pastes the clipboard with its top-left corner at `at` (the pointer), else a step from the originals. */
  paste(at?: Position): void;
  duplicateSelection(): void;
}

const PASTE_STEP = 40;
const GRID = 20;
// `+ 0` turns -0 into 0: a position must read back from the saved file as it was.
const snap = (v: number) => Math.round(v / GRID) * GRID + 0;

export const createEditSlice: StateCreator<AppState, [], [], EditSlice> = (set, get) => {
  const doc = () => currentDoc(get());
  const select = (nodes: string[], edges: string[] = []) => set({ selectedNodeIds: nodes, selectedEdgeIds: edges });
  const insert = (fragment: edits.Fragment, step: number, at?: Position) => {
    let offset = { x: PASTE_STEP * step, y: PASTE_STEP * step };
    if (at) {
      const points = Object.values(fragment.positions);
      const minX = Math.min(...points.map((p) => p.x));
      const minY = Math.min(...points.map((p) => p.y));
      if (Number.isFinite(minX) && Number.isFinite(minY)) {
        const target = get().snapToGrid ? { x: snap(at.x), y: snap(at.y) } : at;
        offset = { x: target.x - minX, y: target.y - minY };
      }
    }
    const { doc: next, nodeIds, edgeIds } = edits.pasteFragment(doc(), fragment, offset);
    get().commit(next);
    select(nodeIds, edgeIds);
  };
  return {
    addNode(kind, position) {
      return get().addEntry(nodeEntry(kind) ?? { id: kind, kind, label: kind, description: '' }, position);
    },
    addEntry(entry, position) {
      const at = get().snapToGrid ? { x: snap(position.x), y: snap(position.y) } : position;
      const { doc: next, id } = edits.addNode(doc(), entry.kind, at, { params: entry.params, name: entry.name });
      get().commit(next);
      select([id]);
      return id;
    },
    connect(source, target) {
      const verdict = judgeConnection(get().graph, source, target);
      if (verdict.ok) {
        const { doc: next, id } = edits.addEdge(doc(), verdict.edgeKind, source, target);
        get().commit(next);
        select([], [id]);
      }
      return verdict;
    },
    setNodeParam(nodeId, key, value) {
      get().commit(edits.setNodeParam(doc(), nodeId, key, value), `node:${nodeId}:${key}`);
    },
    renameNode(nodeId, name) {
      get().commit(
        edits.updateNode(doc(), nodeId, (n) => ({ ...n, name }) as GraphNode),
        `node:${nodeId}:name`,
      );
    },
    setEdgeParam(edgeId, key, value) {
      get().commit(edits.setEdgeParam(doc(), edgeId, key, value), `edge:${edgeId}:${key}`);
    },
    setMetadata(change) {
      const key = Object.keys(change).join(',');
      get().commit({ ...doc(), metadata: { ...get().metadata, ...change } }, `metadata:${key}`);
    },
    dragNodes(moved) {
      get().beginGesture();
      get().updateDuringGesture(edits.setPositions(doc(), moved));
    },
    placeNodes(moved) {
      get().commit(edits.setPositions(doc(), moved));
    },
    nudgeSelection(dx, dy) {
      const ids = get().selectedNodeIds;
      if (ids.length) get().commit(edits.nudge(doc(), ids, dx, dy), `nudge:${ids.join(',')}`);
    },
    deleteSelection() {
      const { selectedNodeIds, selectedEdgeIds } = get();
      if (!selectedNodeIds.length && !selectedEdgeIds.length) return;
      get().commit(edits.removeElements(doc(), selectedNodeIds, selectedEdgeIds));
      select([]);
    },
    copySelection() {
      const ids = get().selectedNodeIds;
      if (ids.length) set({ clipboard: edits.copyFragment(doc(), ids), pasteCount: 0 });
    },
    cutSelection() {
      get().copySelection();
      get().deleteSelection();
      set({ pasteCount: -1 });
    },
    paste(at) {
      const { clipboard, pasteCount } = get();
      if (!clipboard) return;
      insert(clipboard, pasteCount + 1, at);
      set({ pasteCount: pasteCount + 1 });
    },
    duplicateSelection() {
      const ids = get().selectedNodeIds;
      if (ids.length) insert(edits.copyFragment(doc(), ids), 1);
    },
  };
};
