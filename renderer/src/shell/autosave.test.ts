import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AUTOSAVE_MAX_WAIT_MS, createAutosave } from './autosave';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** A write that takes `ms` and records when it started. */
function recorder(ms = 50) {
  const starts: number[] = [];
  return {
    starts,
    write: () => {
      starts.push(Date.now());
      return new Promise<void>((resolve) => setTimeout(resolve, ms));
    },
  };
}

describe('autosave timing', () => {
  it('keeps writing while the user edits every 250 ms: no change waits more than the maximum', async () => {
    const { starts, write } = recorder();
    const autosave = createAutosave({ write });
    const t0 = Date.now();
    const edits: number[] = [];
    for (let i = 0; i < 40; i++) {
      edits.push(Date.now());
      autosave.changed();
      await vi.advanceTimersByTimeAsync(250);
    }
    await vi.advanceTimersByTimeAsync(2000);
    autosave.dispose();
    // The old 800 ms debounce wrote once, after the editing stopped; now it writes all along.
    expect(starts.filter((t) => t - t0 < 10_000).length).toBeGreaterThanOrEqual(9);
    // Each edit is carried by a write that starts within the maximum wait of it.
    for (const edit of edits) {
      const carried = starts.find((s) => s >= edit);
      expect(carried).toBeDefined();
      expect((carried as number) - edit).toBeLessThanOrEqual(AUTOSAVE_MAX_WAIT_MS);
    }
  });

  it('writes once, shortly after a pause, for a burst of edits', async () => {
    const { starts, write } = recorder();
    const autosave = createAutosave({ write, delayMs: 400 });
    autosave.changed();
    autosave.changed();
    autosave.changed();
    await vi.advanceTimersByTimeAsync(399);
    expect(starts).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(starts).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(5000);
    expect(starts).toHaveLength(1);
    autosave.dispose();
  });

  it('never runs two writes at once, and writes what changed during a slow write', async () => {
    let active = 0;
    let most = 0;
    let writes = 0;
    const autosave = createAutosave({
      write: async () => {
        active++;
        writes++;
        most = Math.max(most, active);
        await new Promise((r) => setTimeout(r, 1500));
        active--;
      },
    });
    autosave.changed();
    await vi.advanceTimersByTimeAsync(500); // the write starts
    autosave.changed(); // during the write
    await vi.advanceTimersByTimeAsync(5000);
    expect(most).toBe(1);
    expect(writes).toBe(2);
    autosave.dispose();
  });

  it('reports a failing write, retries it, and clears the report when writing works again', async () => {
    let broken = true;
    const status: (string | null)[] = [];
    const autosave = createAutosave({
      write: async () => {
        if (broken) throw new Error('Cannot save /state/recovery.json: permission denied.');
      },
      onStatus: (s) => status.push(s),
      retryMs: 3000,
    });
    autosave.changed();
    await vi.advanceTimersByTimeAsync(1000);
    expect(status).toEqual(['Cannot save /state/recovery.json: permission denied.']);
    broken = false;
    // No new edit: the retry alone brings the file up to date.
    await vi.advanceTimersByTimeAsync(3000);
    expect(status).toEqual(['Cannot save /state/recovery.json: permission denied.', null]);
    autosave.dispose();
  });
});
