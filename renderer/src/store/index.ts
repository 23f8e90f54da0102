// One zustand store built from typed slices. Specs read it through window.__spikewright.
import { create } from 'zustand';
import { createTrainingSlice, type TrainingSlice } from '../training/trainingSlice';
import { createDocumentSlice, type DocumentSlice } from './documentSlice';
import { createEditSlice, type EditSlice } from './editSlice';
import { createHistorySlice, type HistorySlice } from './historySlice';
import { createSelectionSlice, type SelectionSlice } from './selectionSlice';
import { createTrainingHooksSlice, type TrainingHooksSlice } from './trainingHooksSlice';
import { createUiSlice, type UiSlice } from './uiSlice';

export { currentDoc, isDirty } from './documentSlice';
export type { TrainingActions } from './trainingHooksSlice';
export type { ContextMenu, Dialog, Theme, Toast } from './uiSlice';

export type AppState = DocumentSlice &
  HistorySlice &
  EditSlice &
  SelectionSlice &
  UiSlice &
  TrainingHooksSlice &
  TrainingSlice;

export const useAppStore = create<AppState>()((...a) => ({
  ...createDocumentSlice(...a),
  ...createHistorySlice(...a),
  ...createEditSlice(...a),
  ...createSelectionSlice(...a),
  ...createUiSlice(...a),
  ...createTrainingHooksSlice(...a),
  ...createTrainingSlice(...a),
}));

declare global {
  interface Window {
    __spikewright?: { store: typeof useAppStore };
  }
}

// A test-only handle (tldraw and Excalidraw keep one too): specs read state instead of
// scraping the DOM. It exposes nothing the page's own code could not already reach.
if (typeof window !== 'undefined') window.__spikewright = { store: useAppStore };
