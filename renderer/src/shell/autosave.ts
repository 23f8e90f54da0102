// When to write the recovery file: a debounce with a maximum wait. A pause in editing writes
// `delayMs` after the last change; continuous editing still writes at least every `maxWaitMs`,
// so a crash loses at most that much work (plus one write's time). One write is in flight at a
// time; changes made meanwhile are written when it ends. A failed write is retried every
// `retryMs` until one succeeds, and `onStatus` reports both, so the UI can warn and un-warn.
// Pure timing logic (no store, no API) so it is unit-tested with fake timers.

export interface AutosaveOptions {
  /** Writes the current state; rejects with the reason when it cannot. */
  write: () => Promise<void>;
  onStatus?: (error: string | null) => void;
  delayMs?: number;
  maxWaitMs?: number;
  retryMs?: number;
}

export interface Autosave {
  /** Something changed that should reach the recovery file. */
  changed(): void;
  /** Stops all timers (the hook's cleanup). */
  dispose(): void;
}

export const AUTOSAVE_DELAY_MS = 400;
export const AUTOSAVE_MAX_WAIT_MS = 1000;
export const AUTOSAVE_RETRY_MS = 3000;

export function createAutosave(options: AutosaveOptions): Autosave {
  const delay = options.delayMs ?? AUTOSAVE_DELAY_MS;
  const maxWait = options.maxWaitMs ?? AUTOSAVE_MAX_WAIT_MS;
  const retry = options.retryMs ?? AUTOSAVE_RETRY_MS;
  let timer: ReturnType<typeof setTimeout> | null = null;
  /** When the oldest change not yet written was made (null: everything is written). */
  let pendingSince: number | null = null;
  let writing = false;
  let failed = false;
  let disposed = false;

  const schedule = (ms: number) => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(flush, Math.max(0, ms));
  };

  async function flush() {
    timer = null;
    if (disposed || writing || pendingSince === null) return;
    writing = true;
    pendingSince = null;
    try {
      await options.write();
      if (failed) {
        failed = false;
        options.onStatus?.(null);
      }
    } catch (error) {
      failed = true;
      options.onStatus?.((error as Error)?.message ?? String(error));
      // What this write carried is still unwritten.
      pendingSince ??= Date.now();
      if (!disposed) schedule(retry);
    } finally {
      writing = false;
    }
    // Changes that arrived during the write: on the schedule they would have had.
    if (!disposed && pendingSince !== null && !timer) schedule(Math.min(delay, maxWait - (Date.now() - pendingSince)));
  }

  return {
    changed() {
      if (disposed) return;
      const now = Date.now();
      pendingSince ??= now;
      if (writing) return;
      // Debounce, but never past the maximum wait since the oldest unwritten change.
      schedule(Math.min(delay, maxWait - (now - pendingSince)));
    },
    dispose() {
      disposed = true;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
