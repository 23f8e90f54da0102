// Liveness of a worker process, apart from what the worker computes, so a single run and a
// pool of workers use it alike. The worker sends a heartbeat every second (any message counts
// as one); a worker silent for longer than `silentAfterMs` (SIGSTOP, a hang, a machine
// swapping to death) is reported stalled, and reported alive again if it wakes up. Ending a
// worker asks politely first (SIGTERM) and insists after a grace period (SIGKILL), which also
// ends a stopped process.

/** A worker silent this long is reported stalled (SPIKEWRIGHT_WORKER_SILENT_S overrides it). */
export const DEFAULT_SILENT_AFTER_MS = 10_000;
/** Between SIGTERM and SIGKILL. */
export const DEFAULT_KILL_GRACE_MS = 2000;

export function silentAfterMsFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const seconds = Number(env.SPIKEWRIGHT_WORKER_SILENT_S);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : DEFAULT_SILENT_AFTER_MS;
}

export interface Liveness {
  /** The worker showed a sign of life. */
  beat(): void;
  isStalled(): boolean;
  /** Milliseconds since the last sign of life. */
  silentMs(): number;
  dispose(): void;
}

export function watchLiveness(options: {
  silentAfterMs: number;
  onStalled: (silentMs: number) => void;
  onAlive: () => void;
  /**
   * The allowance before the first sign of life: a process starting on a busy machine loads its
   * libraries before it can beat (default three times the limit).
   */
  startupMs?: number;
  /** How often silence is checked; defaults to a tenth of the limit, at most a second. */
  checkEveryMs?: number;
}): Liveness {
  let last = Date.now();
  let started = false;
  let stalled = false;
  const check = () => {
    const silent = Date.now() - last;
    const limit = started ? options.silentAfterMs : (options.startupMs ?? 3 * options.silentAfterMs);
    if (!stalled && silent > limit) {
      stalled = true;
      options.onStalled(silent);
    }
  };
  const timer = setInterval(check, options.checkEveryMs ?? Math.min(1000, options.silentAfterMs / 10));
  timer.unref?.();
  return {
    beat() {
      last = Date.now();
      started = true;
      if (stalled) {
        stalled = false;
        options.onAlive();
      }
    },
    isStalled: () => stalled,
    silentMs: () => Date.now() - last,
    dispose: () => clearInterval(timer),
  };
}

export interface Killable {
  kill(signal: 'SIGTERM' | 'SIGKILL'): void;
  onExit(listener: () => void): void;
}

/**
 * Ends a process: SIGTERM, then SIGKILL if it has not exited after `graceMs`. Resolves with
 * the signal that ended it ('exited' when it was already gone or left on its own meanwhile).
 */
export function endProcess(
  child: Killable & { exited(): boolean },
  graceMs = DEFAULT_KILL_GRACE_MS,
): Promise<'exited' | 'terminated' | 'killed'> {
  if (child.exited()) return Promise.resolve('exited');
  return new Promise((resolve) => {
    let how: 'terminated' | 'killed' = 'terminated';
    let timer: ReturnType<typeof setTimeout> | null = null;
    child.onExit(() => {
      if (timer) clearTimeout(timer);
      resolve(how);
    });
    child.kill('SIGTERM');
    timer = setTimeout(() => {
      how = 'killed';
      child.kill('SIGKILL');
    }, graceMs);
  });
}
