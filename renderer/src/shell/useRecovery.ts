// Hot exit in the UI: while the document has unsaved changes it is written to the backend's
// recovery file a moment after each edit, and at least every second while editing goes on
// (autosave.ts); once saved (or back to its saved state) the file is removed. When it cannot
// be written the UI says so until it can again. At start, a recovery file left by a crash is
// offered back.
import { useEffect, useState } from 'react';
import { serializeSnnFile } from '../../../shared/file/snnFile';
import { api } from '../api';
import { startupAdoptedRecovery } from '../files/fileActions';
import { isDirty, useAppStore } from '../store';
import { createAutosave } from './autosave';

export interface RecoveredDocument {
  text: string;
  name: string;
  path: string | null;
  savedAt: number;
}

export function useRecovery() {
  const [offer, setOffer] = useState<RecoveredDocument | null>(null);
  const [checked, setChecked] = useState(false);
  const [writeError, setWriteError] = useState<string | null>(null);

  useEffect(() => {
    let alive = true;
    // The startup document may already be the recovery file's edits (a reload of this window):
    // then there is nothing to offer.
    startupAdoptedRecovery()
      .then((adopted) => (adopted ? null : api.readRecovery({})))
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
    let written = false;
    const autosave = createAutosave({
      write: async () => {
        const state = useAppStore.getState();
        if (isDirty(state)) {
          await api.writeRecovery({
            text: serializeSnnFile(state.toFile()),
            name: state.fileName,
            path: state.filePath,
          });
          written = true;
        } else if (written) {
          await api.clearRecovery({});
          written = false;
        }
      },
      onStatus: setWriteError,
    });
    const unsubscribe = useAppStore.subscribe((state, previous) => {
      if (
        state.graph === previous.graph &&
        state.layout === previous.layout &&
        state.savedText === previous.savedText &&
        state.metadata === previous.metadata &&
        state.weights === previous.weights &&
        state.trained === previous.trained &&
        state.fileName === previous.fileName
      )
        return;
      autosave.changed();
    });
    return () => {
      unsubscribe();
      autosave.dispose();
    };
  }, [checked, offer]);

  return {
    offer,
    /** Why the recovery file cannot be written (unsaved work is then at risk), or null. */
    writeError,
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
