// Hot exit in the UI: while the document has unsaved changes it is written to the backend's
// recovery file a moment after each edit; once saved (or back to its saved state) the file is
// removed. At start, a recovery file left by a crash is offered back.
import { useEffect, useState } from 'react';
import { serializeSnnFile } from '../../../shared/file/snnFile';
import { api } from '../api';
import { isDirty, useAppStore } from '../store';

const AUTOSAVE_DELAY_MS = 800;

export interface RecoveredDocument {
  text: string;
  name: string;
  path: string | null;
  savedAt: number;
}

export function useRecovery() {
  const [offer, setOffer] = useState<RecoveredDocument | null>(null);
  const [checked, setChecked] = useState(false);

  useEffect(() => {
    let alive = true;
    api
      .readRecovery({})
      .then((found) => alive && setOffer(found))
      .catch(() => {})
      .finally(() => alive && setChecked(true));
    return () => {
      alive = false;
    };
  }, []);

  // Autosave starts once the old recovery file has been looked at, so it is never overwritten
  // before the user has had the chance to restore it.
  useEffect(() => {
    if (!checked || offer) return;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let written = false;
    const flush = () => {
      timer = null;
      const state = useAppStore.getState();
      if (isDirty(state)) {
        written = true;
        void api
          .writeRecovery({ text: serializeSnnFile(state.toFile()), name: state.fileName, path: state.filePath })
          .catch(() => {});
      } else if (written) {
        written = false;
        void api.clearRecovery({}).catch(() => {});
      }
    };
    const unsubscribe = useAppStore.subscribe((state, previous) => {
      if (
        state.graph === previous.graph &&
        state.layout === previous.layout &&
        state.savedText === previous.savedText &&
        state.metadata === previous.metadata &&
        state.weights === previous.weights
      )
        return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(flush, AUTOSAVE_DELAY_MS);
    });
    return () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
    };
  }, [checked, offer]);

  return {
    offer,
    restore() {
      if (!offer) return;
      const store = useAppStore.getState();
      const error = store.openText(offer.text, offer.path, offer.name);
      if (error) store.showToast(`The recovered document cannot be opened: ${error}`, 'error');
      // Restored work is unsaved work: it stays dirty until the user saves it.
      else useAppStore.setState({ savedText: '' });
      setOffer(null);
    },
    discard() {
      void api.clearRecovery({}).catch(() => {});
      setOffer(null);
    },
  };
}
