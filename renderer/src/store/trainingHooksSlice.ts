// Where the training panel plugs into the editor: it registers its actions here and the
// editor's commands (run.train, Ctrl/Cmd+Enter) call them. Until then they say so.
import type { StateCreator } from 'zustand';
import type { AppState } from './index';

export interface TrainingActions {
  /** Starts training the open document. */
  train(): void;
  /** Stops a running training, when one runs. */
  stop?(): void;
  /** Whether a run is in progress (for command enablement and labels). */
  isRunning?(): boolean;
}

export interface TrainingHooksSlice {
  trainingActions: TrainingActions | null;
  /** Called by the training panel on mount; returns the function that unregisters it. */
  registerTrainingActions(actions: TrainingActions): () => void;
}

export const createTrainingHooksSlice: StateCreator<AppState, [], [], TrainingHooksSlice> = (set, get) => ({
  trainingActions: null,
  registerTrainingActions(actions) {
    set({ trainingActions: actions });
    return () => {
      if (get().trainingActions === actions) set({ trainingActions: null });
    };
  },
});
