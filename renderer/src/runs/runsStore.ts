// The Runs and Sweeps panels' state: the open document's recorded runs and sweeps (from the
// backend's runs folder, listRuns), which runs are selected for comparison and their loaded
// metrics, and the sweep being looked at. Kept apart from the document store: none of this is
// the document, nothing here is undone, and losing it loses nothing (it is all on disk).
import { create } from 'zustand';
import type { RunDetail, RunSummary, SweepStatus } from '../../../shared/api/runs';
import { loadSnnFile, serializeSnnFile, weightProblems } from '../../../shared/file/snnFile';
import { api } from '../api';
import { useAppStore } from '../store';
import { trainedPartsFor, trainedPartsOf } from '../store/trainedParts';
import type { SweepFormState, SweepRequest } from './sweepForm';

export interface RunsState {
  /** The document path the lists below belong to (null: unsaved, the app's data folder). */
  documentPath: string | null;
  folder: string | null;
  runs: RunSummary[];
  sweeps: SweepStatus[];
  loading: boolean;
  error: string | null;
  /** Runs chosen for comparison, in the order they were chosen. */
  selected: string[];
  details: Record<string, RunDetail>;
  /** The sweep shown in the Sweeps panel. */
  sweepRef: string | null;
  /** The new-sweep form as the user left it (kept while the tab is closed). */
  sweepForm: SweepFormState | null;
  setSweepForm(form: SweepFormState): void;
  refresh(): Promise<void>;
  toggle(ref: string, only?: boolean): void;
  clearSelection(): void;
  deleteRuns(refs: string[]): Promise<void>;
  openWeights(ref: string): Promise<void>;
  startSweep(request: SweepRequest): Promise<boolean>;
  stopSweep(ref: string): Promise<void>;
  resumeSweep(ref: string): Promise<void>;
  deleteSweep(ref: string): Promise<void>;
  showSweep(ref: string | null): void;
  onSweepStatus(folder: string, status: SweepStatus): void;
}

const currentPath = () => useAppStore.getState().filePath;
const toast = (text: string, kind: 'info' | 'error' = 'info') => useAppStore.getState().showToast(text, kind);
const message = (e: unknown) => (e as Error)?.message ?? String(e);

let refreshing: Promise<void> | null = null;
let again = false;

export const useRunsStore = create<RunsState>()((set, get) => {
  const loadDetails = async (refs: string[]) => {
    const documentPath = get().documentPath;
    const missing = refs.filter((r) => {
      const d = get().details[r];
      // A run still going is reread for its new batches.
      return !d || d.run.status === 'running';
    });
    for (const ref of missing) {
      try {
        const detail = await api.showRun({ documentPath, ref });
        if (get().documentPath === documentPath) set({ details: { ...get().details, [ref]: detail } });
      } catch (e) {
        set({ error: message(e) });
      }
    }
  };

  return {
    documentPath: null,
    folder: null,
    runs: [],
    sweeps: [],
    loading: false,
    error: null,
    selected: [],
    details: {},
    sweepRef: null,
    sweepForm: null,

    setSweepForm(form) {
      set({ sweepForm: form });
    },

    async refresh() {
      // One listing at a time; a call during one asks for one more after it.
      if (refreshing) {
        again = true;
        return refreshing;
      }
      refreshing = (async () => {
        do {
          again = false;
          const documentPath = currentPath();
          const changedDocument = documentPath !== get().documentPath;
          set({
            loading: true,
            documentPath,
            ...(changedDocument
              ? { runs: [], sweeps: [], selected: [], details: {}, sweepRef: null, folder: null }
              : {}),
          });
          try {
            const listed = await api.listRuns({ documentPath });
            if (currentPath() !== documentPath) {
              again = true;
              continue;
            }
            const refs = new Set(listed.runs.map((r) => r.ref));
            const selected = get().selected.filter((r) => refs.has(r));
            const details = Object.fromEntries(Object.entries(get().details).filter(([r]) => refs.has(r)));
            const sweepRef =
              get().sweepRef && listed.sweeps.some((s) => s.ref === get().sweepRef)
                ? get().sweepRef
                : (listed.sweeps[0]?.ref ?? null);
            set({
              folder: listed.folder,
              runs: listed.runs,
              sweeps: listed.sweeps,
              selected,
              details,
              sweepRef,
              error: null,
            });
            await loadDetails(selected);
          } catch (e) {
            set({ error: message(e) });
          } finally {
            set({ loading: false });
          }
        } while (again);
      })();
      try {
        await refreshing;
      } finally {
        refreshing = null;
      }
    },

    toggle(ref, only) {
      const { selected } = get();
      const next = only ? [ref] : selected.includes(ref) ? selected.filter((r) => r !== ref) : [...selected, ref];
      set({ selected: next });
      void loadDetails(next);
    },

    clearSelection() {
      set({ selected: [] });
    },

    async deleteRuns(refs) {
      try {
        await api.deleteRuns({ documentPath: get().documentPath, refs });
        set({ selected: get().selected.filter((r) => !refs.includes(r)) });
        toast(refs.length === 1 ? 'Deleted 1 run' : `Deleted ${refs.length} runs`);
      } catch (e) {
        toast(message(e), 'error');
      }
      await get().refresh();
    },

    async openWeights(ref) {
      try {
        const { text } = await api.openRunWeights({ documentPath: get().documentPath, ref });
        const loaded = loadSnnFile(text, `run ${ref}`);
        if (!loaded.ok) throw new Error(loaded.error);
        const trained = loaded.file;
        const app = useAppStore.getState();
        // Only weights that fit the document's connections as they are now (shared's own check).
        const usable = Object.fromEntries(
          Object.entries(trained.weights ?? {}).filter(
            ([id, tensor]) => weightProblems(app.graph, { [id]: tensor }).length === 0,
          ),
        );
        if (!Object.keys(usable).length)
          throw new Error("This run's weights fit none of the document's connections (the graph has changed since).");
        useAppStore.setState({
          weights: usable,
          optimizerState: trained.optimizerState,
          trained: trainedPartsFor(trainedPartsOf(trained), app.graph),
          metadata: trained.metadata.training ? { ...app.metadata, training: trained.metadata.training } : app.metadata,
        });
        const skipped = Object.keys(trained.weights ?? {}).length - Object.keys(usable).length;
        toast(
          `Took the weights of ${ref} into the document${skipped ? ` (${skipped} connection${skipped > 1 ? 's' : ''} no longer fit and keep theirs)` : ''}; save to keep them.`,
        );
      } catch (e) {
        toast(message(e), 'error');
      }
    },

    async startSweep(request) {
      const app = useAppStore.getState();
      // The document's path as it is now, not as the last listing saw it: a sweep started
      // right after Save as belongs beside the saved file, not in the app's data folder.
      const documentPath = currentPath();
      try {
        if (documentPath !== get().documentPath) await get().refresh();
        const status = await api.startSweep({
          ...request,
          documentPath,
          document: serializeSnnFile(app.toFile()),
        });
        set({ sweeps: [status, ...get().sweeps.filter((s) => s.ref !== status.ref)], sweepRef: status.ref });
        return true;
      } catch (e) {
        toast(message(e), 'error');
        return false;
      }
    },

    async stopSweep(ref) {
      try {
        const status = await api.stopSweep({ documentPath: get().documentPath, ref });
        get().onSweepStatus(get().folder ?? '', status);
      } catch (e) {
        toast(message(e), 'error');
      }
      void get().refresh();
    },

    async resumeSweep(ref) {
      try {
        const status = await api.resumeSweep({ documentPath: get().documentPath, ref });
        get().onSweepStatus(get().folder ?? '', status);
      } catch (e) {
        toast(message(e), 'error');
      }
    },

    async deleteSweep(ref) {
      try {
        await api.deleteSweep({ documentPath: get().documentPath, ref });
        toast('Deleted the sweep and its runs');
      } catch (e) {
        toast(message(e), 'error');
      }
      await get().refresh();
    },

    showSweep(ref) {
      set({ sweepRef: ref });
    },

    onSweepStatus(folder, status) {
      if (folder && get().folder && folder !== get().folder) return;
      const sweeps = get().sweeps.some((s) => s.ref === status.ref)
        ? get().sweeps.map((s) => (s.ref === status.ref ? status : s))
        : [status, ...get().sweeps];
      set({ sweeps });
    },
  };
});

declare global {
  interface Window {
    __spikewrightRuns?: typeof useRunsStore;
  }
}
// For specs, as window.__spikewright is for the document store.
if (typeof window !== 'undefined') window.__spikewrightRuns = useRunsStore;
