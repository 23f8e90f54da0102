// The open document: graph, canvas layout, stored weights and metadata, plus what was last
// saved so that "dirty" means "differs from the saved file", not "something was edited".
import type { StateCreator } from 'zustand';
import type { SavedRun } from '../../../shared/file/savedRun';
import {
  type FileMetadata,
  type Layout,
  loadSnnFile,
  newSnnFile,
  type SnnFile,
  serializeSnnFile,
} from '../../../shared/file/snnFile';
import type { GraphDocument } from '../../../shared/graph/document';
import type { DocSnapshot } from '../graph/edits';
import { idleRun, isActive } from '../training/trainingSlice';
import { emptyHistory } from './history';
import type { AppState } from './index';
import { type TrainedParts, trainedPartsOf } from './trainedParts';

export const APP_VERSION = '0.1.0';

export interface DocumentSlice {
  graph: GraphDocument;
  layout: Layout;
  metadata: FileMetadata;
  weights: SnnFile['weights'];
  optimizerState: SnnFile['optimizerState'];
  /** The file's other trained parts (biases, per-neuron parameters, delays), written back as they came. */
  trained: TrainedParts;
  /**
   * The last run's curves and test figures (the file's `metadata.lastRun`). Kept beside the
   * metadata, like the weights, so undoing an edit never takes them away.
   */
  lastRun: SavedRun | undefined;
  filePath: string | null;
  fileName: string;
  /** Canonical text of the document as last opened or saved. */
  savedText: string;
  loadWarnings: string[];
  /** Counts documents opened or created, so views can react to a new document (fit it) but not to edits. */
  documentEpoch: number;
  /** Replaces the document with a file's text; returns an error sentence if it cannot be read (the current document stays). */
  openText(text: string, path: string | null, name: string): string | null;
  /** Replaces the document with an empty, unsaved one. */
  newDocument(): void;
  /** The document as a file, ready to serialise. */
  toFile(): SnnFile;
  markSaved(path: string | null, name: string): void;
}

const emptyGraph: GraphDocument = { nodes: [], edges: [] };
export const UNTITLED = 'Untitled.snn.json';

export const createDocumentSlice: StateCreator<AppState, [], [], DocumentSlice> = (set, get) => ({
  graph: emptyGraph,
  layout: { positions: {} },
  metadata: { name: 'Untitled', description: '' },
  weights: undefined,
  optimizerState: undefined,
  trained: {},
  lastRun: undefined,
  filePath: null,
  fileName: UNTITLED,
  savedText: '',
  loadWarnings: [],
  documentEpoch: 0,
  openText(text, path, name) {
    const loaded = loadSnnFile(text, name);
    if (!loaded.ok) return loaded.error;
    const file = loaded.file;
    const { lastRun, ...metadata } = file.metadata;
    set({
      graph: file.graph,
      layout: file.layout,
      metadata,
      weights: file.weights,
      optimizerState: file.optimizerState,
      trained: trainedPartsOf(file),
      lastRun,
      ...closedRun(get()),
      filePath: path,
      fileName: name,
      savedText: serializeSnnFile(file),
      loadWarnings: loaded.warnings,
      documentEpoch: get().documentEpoch + 1,
      history: emptyHistory(),
      gestureBase: null,
      selectedNodeIds: [],
      selectedEdgeIds: [],
    });
    return null;
  },
  newDocument() {
    const file = newSnnFile(emptyGraph, { positions: {} }, { name: 'Untitled', description: '' }, APP_VERSION);
    set({
      graph: file.graph,
      layout: file.layout,
      metadata: file.metadata,
      weights: undefined,
      optimizerState: undefined,
      trained: {},
      lastRun: undefined,
      ...closedRun(get()),
      filePath: null,
      fileName: UNTITLED,
      savedText: serializeSnnFile(file),
      loadWarnings: [],
      documentEpoch: get().documentEpoch + 1,
      history: emptyHistory(),
      gestureBase: null,
      selectedNodeIds: [],
      selectedEdgeIds: [],
    });
  },
  toFile() {
    const { graph, layout, metadata, weights, optimizerState, trained, lastRun } = get();
    const file = newSnnFile(graph, layout, lastRun ? { ...metadata, lastRun } : metadata, APP_VERSION);
    if (weights) file.weights = weights;
    Object.assign(file, trained);
    if (optimizerState) file.optimizerState = optimizerState;
    return file;
  },
  markSaved(path, name) {
    set({ filePath: path, fileName: name, savedText: serializeSnnFile(get().toFile()) });
  },
});

/**
 * Another document opens: a finished run's figures belong to the document it trained, so the
 * training view starts afresh (and shows the new document's saved run, if it has one). A run
 * still going keeps going and stays in view.
 */
function closedRun(state: AppState): Partial<AppState> {
  if (isActive(state.training.status)) return {};
  return { training: { ...idleRun, engine: state.training.engine } };
}

export function currentDoc(state: AppState): DocSnapshot {
  return { graph: state.graph, layout: state.layout, metadata: state.metadata };
}

// Serialising the whole document is too slow to repeat on every store change (a drag emits
// one per frame), so the answer is kept until one of its inputs changes.
let dirtyCache: { inputs: unknown[]; dirty: boolean } | null = null;

export function isDirty(state: AppState): boolean {
  const inputs = [
    state.graph,
    state.layout,
    state.metadata,
    state.weights,
    state.optimizerState,
    state.trained,
    state.lastRun,
    state.savedText,
  ];
  if (dirtyCache?.inputs.every((x, i) => x === inputs[i])) return dirtyCache.dirty;
  const dirty = serializeSnnFile(state.toFile()) !== state.savedText;
  dirtyCache = { inputs, dirty };
  return dirty;
}
