// What the user has selected on the canvas. Not part of the document: never undone, never saved.
import type { StateCreator } from 'zustand';
import type { AppState } from './index';

export interface SelectionSlice {
  selectedNodeIds: string[];
  selectedEdgeIds: string[];
  setSelection(nodeIds: string[], edgeIds: string[]): void;
  selectAll(): void;
  clearSelection(): void;
}

export const createSelectionSlice: StateCreator<AppState, [], [], SelectionSlice> = (set, get) => ({
  selectedNodeIds: [],
  selectedEdgeIds: [],
  setSelection(nodeIds, edgeIds) {
    set({ selectedNodeIds: nodeIds, selectedEdgeIds: edgeIds });
  },
  selectAll() {
    const { graph } = get();
    set({ selectedNodeIds: graph.nodes.map((n) => n.id), selectedEdgeIds: graph.edges.map((e) => e.id) });
  },
  clearSelection() {
    set({ selectedNodeIds: [], selectedEdgeIds: [] });
  },
});
