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
    rememberLast({ kind: 'new' });
  }, 'Start a new document');
}

/** What was open last, so a reload or the next start opens it again. */
type LastDocument = { kind: 'path'; path: string } | { kind: 'example'; id: string } | { kind: 'new' };
const LAST_KEY = 'spikewright.lastDocument';

export function rememberLast(last: LastDocument) {
  try {
    globalThis.localStorage?.setItem(LAST_KEY, JSON.stringify(last));
  } catch {
    // No storage (private mode): the next start falls back to the recent files.
  }
}

function lastDocument(): LastDocument | null {
  try {
    const raw = JSON.parse(globalThis.localStorage?.getItem(LAST_KEY) ?? 'null') as Partial<LastDocument> | null;
    if (raw?.kind === 'path' && typeof raw.path === 'string') return { kind: 'path', path: raw.path };
    if (raw?.kind === 'example' && typeof raw.id === 'string') return { kind: 'example', id: raw.id };
    if (raw?.kind === 'new') return { kind: 'new' };
  } catch {
    // Damaged entry: ignore it.
  }
  return null;
}

/** The backend's recent files, newest first; [] when it cannot say. */
export async function recentFiles(): Promise<string[]> {
  try {
    return await api.recentFiles({});
  } catch {
    return [];
  }
}

export function dirName(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i > 0 ? path.slice(0, i) : i === 0 ? path.slice(0, 1) : '';
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
    const error = openDocumentText(opened.text, opened.path, opened.name);
    if (!error) rememberLast({ kind: 'example', id });
    return error;
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
    const error = openDocumentText(opened.text, opened.path, opened.name);
    if (!error) rememberLast({ kind: 'path', path: opened.path ?? path });
    return error;
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
    rememberLast({ kind: 'path', path: result.path });
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

/**
 * At start (and on reload): the document that was open, with its unsaved edits when the
 * recovery file holds them; else the last file or example this window opened or saved (kept
 * in its local storage, which Electron keeps across restarts); else the Randman example. A
 * fresh browser profile starts on Randman; its recent files are one click away in File.
 */
export async function openStartupDocument(): Promise<void> {
  let adopted = false;
  try {
    adopted = await openStartupDocumentOnce();
  } finally {
    // Whatever happened, recovery and autosave must not wait for ever.
    resolveStartup(adopted);
  }
}

let resolveStartup: (adoptedRecovery: boolean) => void = () => {};
const startup = new Promise<boolean>((resolve) => {
  resolveStartup = resolve;
});

/**
 * Resolves once the startup document is open: true when it was the recovery file's edits
 * (then the recovery banner has nothing left to offer, and autosave may go on at once).
 */
export function startupAdoptedRecovery(): Promise<boolean> {
  return startup;
}

async function openStartupDocumentOnce(): Promise<boolean> {
  const last = lastDocument();
  try {
    const recovered = await api.readRecovery({});
    // Only the edits of the document this window had open are reopened by themselves; a
    // recovery file from elsewhere (another browser, a crash long ago) is offered by the banner.
    const ours =
      recovered && last !== null && (last.kind === 'path' ? recovered.path === last.path : recovered.path === null);
    if (recovered && ours && !store().openText(recovered.text, recovered.path, recovered.name)) {
      // Restored work is unsaved work: it stays dirty until the user saves it.
      useAppStore.setState({ savedText: '' });
      return true;
    }
  } catch {
    // No recovery to read: open the last document instead.
  }
  if (last?.kind === 'new') {
    store().newDocument();
    return false;
  }
  if (last?.kind === 'example' && !(await openExample(last.id))) return false;
  if (last?.kind === 'path' && !(await openServerPath(last.path))) return false;
  await openExample('randman');
  return false;
}
