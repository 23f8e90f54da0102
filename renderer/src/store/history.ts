// Undo/redo as a pure stack of document snapshots. Edits with the same key in quick
// succession (typing in one field) merge into one entry; a gesture (a drag) records the
// snapshot from before it started, once, when it ends.

export interface History<T> {
  past: T[];
  future: T[];
  /** The key of the last recorded edit, while later edits with the same key may merge into it. */
  lastKey: string | null;
  lastTime: number;
}

export const HISTORY_LIMIT = 200;
/** Edits of one field further apart than this become separate entries. */
export const MERGE_WINDOW_MS = 1000;

export function emptyHistory<T>(): History<T> {
  return { past: [], future: [], lastKey: null, lastTime: 0 };
}

/** Records that the document is about to change away from `before`. */
export function record<T>(history: History<T>, before: T, key: string | null, now: number): History<T> {
  if (key !== null && key === history.lastKey && now - history.lastTime < MERGE_WINDOW_MS)
    return { ...history, future: [], lastTime: now };
  const past = [...history.past, before];
  if (past.length > HISTORY_LIMIT) past.shift();
  return { past, future: [], lastKey: key, lastTime: now };
}

/** Ends merging: the next edit starts a new entry even if it has the same key (a field lost focus). */
export function seal<T>(history: History<T>): History<T> {
  return history.lastKey === null ? history : { ...history, lastKey: null };
}

export function undo<T>(history: History<T>, current: T): { history: History<T>; doc: T } | null {
  const doc = history.past.at(-1);
  if (doc === undefined) return null;
  return {
    doc,
    history: { past: history.past.slice(0, -1), future: [...history.future, current], lastKey: null, lastTime: 0 },
  };
}

export function redo<T>(history: History<T>, current: T): { history: History<T>; doc: T } | null {
  const doc = history.future.at(-1);
  if (doc === undefined) return null;
  return {
    doc,
    history: { past: [...history.past, current], future: history.future.slice(0, -1), lastKey: null, lastTime: 0 },
  };
}
