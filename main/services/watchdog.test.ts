import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { endProcess, silentAfterMsFromEnv, watchLiveness } from './watchdog';

describe('watchLiveness', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reports a silent worker once, and again as alive when it beats', () => {
    const events: string[] = [];
    const liveness = watchLiveness({
      silentAfterMs: 10_000,
      onStalled: (ms) => events.push(`stalled ${Math.round(ms / 1000)}`),
      onAlive: () => events.push('alive'),
    });
    liveness.beat();
    for (let i = 0; i < 9; i++) {
      vi.advanceTimersByTime(1000);
      liveness.beat();
    }
    expect(events).toEqual([]);
    vi.advanceTimersByTime(11_000);
    expect(events).toEqual(['stalled 11']);
    expect(liveness.isStalled()).toBe(true);
    vi.advanceTimersByTime(30_000);
    expect(events).toEqual(['stalled 11']);
    liveness.beat();
    expect(events).toEqual(['stalled 11', 'alive']);
    expect(liveness.isStalled()).toBe(false);
    liveness.dispose();
  });

  it('gives a starting process longer before its first beat', () => {
    const events: string[] = [];
    const liveness = watchLiveness({
      silentAfterMs: 10_000,
      onStalled: () => events.push('stalled'),
      onAlive: () => events.push('alive'),
    });
    vi.advanceTimersByTime(25_000);
    expect(events).toEqual([]);
    vi.advanceTimersByTime(6000);
    expect(events).toEqual(['stalled']);
    liveness.dispose();
  });

  it('takes the limit from SPIKEWRIGHT_WORKER_SILENT_S', () => {
    expect(silentAfterMsFromEnv({ SPIKEWRIGHT_WORKER_SILENT_S: '4' })).toBe(4000);
    expect(silentAfterMsFromEnv({ SPIKEWRIGHT_WORKER_SILENT_S: 'soon' })).toBe(10_000);
    expect(silentAfterMsFromEnv({})).toBe(10_000);
  });
});

describe('endProcess', () => {
  function fakeChild(diesOn: 'SIGTERM' | 'SIGKILL') {
    const signals: string[] = [];
    let exitListener: (() => void) | null = null;
    let exited = false;
    return {
      signals,
      child: {
        kill(signal: 'SIGTERM' | 'SIGKILL') {
          signals.push(signal);
          if (signal === diesOn)
            setTimeout(() => {
              exited = true;
              exitListener?.();
            }, 10);
        },
        onExit(listener: () => void) {
          exitListener = listener;
        },
        exited: () => exited,
      },
    };
  }

  it('ends a process that honours SIGTERM without SIGKILL', async () => {
    const { child, signals } = fakeChild('SIGTERM');
    expect(await endProcess(child, 200)).toBe('terminated');
    expect(signals).toEqual(['SIGTERM']);
  });

  it('sends SIGKILL after the grace period to a process that ignores SIGTERM', async () => {
    const { child, signals } = fakeChild('SIGKILL');
    const started = Date.now();
    expect(await endProcess(child, 200)).toBe('killed');
    expect(signals).toEqual(['SIGTERM', 'SIGKILL']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });
});
