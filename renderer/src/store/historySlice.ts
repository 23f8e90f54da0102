// Undo/redo of the document only: selection, viewport and dialogs never enter history.
import type { StateCreator } from 'zustand';
import type { DocSnapshot } from '../graph/edits';
import { currentDoc } from './documentSlice';
import { emptyHistory, type History, record, redo, seal, undo } from './history';
import type { AppState } from './index';

export interface HistorySlice {
  history: History<DocSnapshot>;
  /** The document as it was when the running gesture (a drag) began; null when none runs. */
  gestureBase: DocSnapshot | null;
  /** Replaces the document with `next` as one undoable step; edits sharing `mergeKey` in quick succession merge. */
  commit(next: DocSnapshot, mergeKey?: string | null): void;
  beginGesture(): void;
  /** Changes the document during a gesture without recording history. */
  updateDuringGesture(next: DocSnapshot): void;
  /** Records the whole gesture as one entry (none if nothing changed). */
  endGesture(): void;
  sealHistory(): void;
  undo(): void;
  redo(): void;
}

function sameDoc(a: DocSnapshot, b: DocSnapshot) {
  return a.graph === b.graph && a.layout === b.layout && a.metadata === b.metadata;
}

/** Drops selected ids that no longer exist in the document. */
function pruneSelection(state: AppState, doc: DocSnapshot) {
  const nodes = new Set(doc.graph.nodes.map((n) => n.id));
  const edges = new Set(doc.graph.edges.map((e) => e.id));
  return {
    selectedNodeIds: state.selectedNodeIds.filter((id) => nodes.has(id)),
    selectedEdgeIds: state.selectedEdgeIds.filter((id) => edges.has(id)),
  };
}

export const createHistorySlice: StateCreator<AppState, [], [], HistorySlice> = (set, get) => ({
  history: emptyHistory(),
  gestureBase: null,
  commit(next, mergeKey = null) {
    const state = get();
    const before = currentDoc(state);
    if (sameDoc(before, next)) return;
    set({ ...next, history: record(state.history, before, mergeKey, Date.now()) });
  },
  beginGesture() {
    if (get().gestureBase === null) set({ gestureBase: currentDoc(get()) });
  },
  updateDuringGesture(next) {
    set({ graph: next.graph, layout: next.layout, metadata: next.metadata });
  },
  endGesture() {
    const state = get();
    const base = state.gestureBase;
    if (base === null) return;
    if (sameDoc(base, currentDoc(state))) set({ gestureBase: null });
    else set({ gestureBase: null, history: record(state.history, base, null, Date.now()) });
  },
  sealHistory() {
    set({ history: seal(get().history) });
  },
  undo() {
    const state = get();
    if (state.gestureBase) return;
    const result = undo(state.history, currentDoc(state));
    if (result) set({ ...result.doc, history: result.history, ...pruneSelection(state, result.doc) });
  },
  redo() {
    const state = get();
    if (state.gestureBase) return;
    const result = redo(state.history, currentDoc(state));
    if (result) set({ ...result.doc, history: result.history, ...pruneSelection(state, result.doc) });
  },
});
