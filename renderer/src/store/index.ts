// One zustand store built from typed slices. Specs read it through window.__spikeforge.
import { create } from 'zustand';
import { createDocumentSlice, type DocumentSlice } from './documentSlice';

export { isDirty } from './documentSlice';

export type AppState = DocumentSlice;

export const useAppStore = create<AppState>()((...a) => ({
  ...createDocumentSlice(...a),
}));

declare global {
  interface Window {
    __spikeforge?: { store: typeof useAppStore };
  }
}

// A test-only handle (tldraw and Excalidraw keep one too): specs read state instead of
// scraping the DOM. It exposes nothing the page's own code could not already reach.
window.__spikeforge = { store: useAppStore };
