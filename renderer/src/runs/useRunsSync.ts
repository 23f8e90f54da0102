// Keeps the runs lists current while a Runs or Sweeps panel is open: a listing when it opens
// and when the document's path changes (a save-as moves its runs folder), after each app run
// starts, finishes or completes an epoch, and on sweep progress.
import { useEffect } from 'react';
import { api } from '../api';
import { useAppStore } from '../store';
import { useRunsStore } from './runsStore';

export function useRunsSync() {
  const filePath = useAppStore((s) => s.filePath);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new document path is a new runs folder.
  useEffect(() => {
    void useRunsStore.getState().refresh();
  }, [filePath]);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const soon = (ms: number) => {
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        void useRunsStore.getState().refresh();
      }, ms);
    };
    const offTraining = api.onTrainingEvent((event) => {
      if (event.type === 'started' || event.type === 'done' || event.type === 'failed') soon(50);
      else if (event.type === 'epoch') soon(1000);
    });
    const offSweep = api.onSweepEvent((event) => {
      useRunsStore.getState().onSweepStatus(event.folder, event.status);
      // Finished configurations are runs of the list too.
      soon(event.status.active ? 2000 : 50);
    });
    return () => {
      offTraining();
      offSweep();
      if (timer) clearTimeout(timer);
    };
  }, []);
}
