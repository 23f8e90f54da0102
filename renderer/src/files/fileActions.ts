// File commands behind small functions, so Electron's native dialogs can replace the in-app
// ones later without touching the commands. A failed load never replaces the open document.

import { withDocumentExtension } from '../../../shared/api/documentPaths';
import { FILE_EXTENSION, serializeSnnFile } from '../../../shared/file/snnFile';
import { api } from '../api';
import { isDirty, useAppStore } from '../store';
import { downloadFile } from './download';

const store = () => useAppStore.getState();

/** Runs `action` now, or after the user agrees to drop unsaved changes. */
export function guardUnsaved(action: () => void, what: string) {
  if (!isDirty(store())) {
    action();
    return;
  }
  store().openDialog({
    kind: 'confirm',
    title: 'Discard unsaved changes?',
    message: `${store().fileName} has changes that are not saved. ${what} anyway?`,
    confirmLabel: 'Discard changes',
    onConfirm: action,
  });
}

export function newDocument() {
  guardUnsaved(() => {
    store().newDocument();
  }, 'Start a new document');
}

/** Opens text as the document; shows why not when it cannot. Returns the error, if any. */
export function openDocumentText(text: string, path: string | null, name: string): string | null {
  const error = store().openText(text, path, name);
  if (error) store().showToast(error, 'error');
  else {
    for (const warning of store().loadWarnings) store().showToast(warning, 'info');
  }
  return error;
}

export async function openExample(id: string): Promise<string | null> {
  try {
    const opened = await api.openExample({ id });
    return openDocumentText(opened.text, opened.path, opened.name);
  } catch (error) {
    const message = (error as Error).message;
    store().showToast(message, 'error');
    return message;
  }
}

/** Opens a document from the backend's disk. Returns an error sentence, or null. */
export async function openServerPath(path: string): Promise<string | null> {
  try {
    const opened = await api.openDocument({ path });
    return openDocumentText(opened.text, opened.path, opened.name);
  } catch (error) {
    return (error as Error).message;
  }
}

/** Opens a file the user picked on their own machine (web mode). */
export async function openLocalFile(file: File): Promise<string | null> {
  let text: string;
  try {
    text = await file.text();
  } catch (error) {
    return `Cannot read ${file.name}: ${(error as Error).message}`;
  }
  return openDocumentText(text, null, file.name);
}

function baseName(path: string): string {
  return path.split(/[\\/]/).pop() || path;
}

/** Saves to the document's path, or asks for one. */
export async function save(): Promise<void> {
  const path = store().filePath;
  if (!path) {
    store().openDialog({ kind: 'saveAs' });
    return;
  }
  const error = await saveTo(path);
  if (error) store().showToast(error, 'error');
}

/** Writes the document to a path on the backend's disk. Returns an error sentence, or null. */
export async function saveTo(path: string): Promise<string | null> {
  const withExtension = withDocumentExtension(path);
  const text = serializeSnnFile(store().toFile());
  try {
    const result = await api.saveDocument({ path: withExtension, text });
    // Edits made while the write was in flight stay dirty: what was written is what is saved.
    useAppStore.setState({ filePath: result.path, fileName: baseName(result.path), savedText: text });
    store().showToast(`Saved ${result.path}`);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

/** Hands the document to the browser as a download. */
export async function downloadDocument(): Promise<void> {
  const text = serializeSnnFile(store().toFile());
  downloadFile(
    store().fileName.endsWith(FILE_EXTENSION) ? store().fileName : `${store().fileName}${FILE_EXTENSION}`,
    text,
    'application/json',
  );
}

export function openStartupDocument() {
  void openExample('randman');
}
