// The memory a training run may use on this machine, for the budgets in shared/graph/budgets.ts:
// half of the machine's memory (the app, the OS and the user's other programs need the rest),
// or what the user sets with SPIKEWRIGHT_MEMORY_LIMIT (e.g. "6GB", "512MB", bytes) or the
// CLI's --memory-limit.
import { totalmem } from 'node:os';
import { GB, KB, MB, setDefaultMemoryLimit } from '../../shared/graph/budgets';

export const MEMORY_LIMIT_VARIABLE = 'SPIKEWRIGHT_MEMORY_LIMIT';

/** Parses "6GB", "6 G", "512mb", "1.5GiB" or a plain number of bytes; null when it is none of these. */
export function parseMemorySize(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib|t|tb|tib)?\s*$/i.exec(text);
  if (!m) return null;
  const unit = (m[2] ?? 'b').toLowerCase()[0] as 'b' | 'k' | 'm' | 'g' | 't';
  const scale = { b: 1, k: KB, m: MB, g: GB, t: GB * 1024 }[unit];
  const bytes = Number(m[1]) * scale;
  return bytes > 0 && Number.isFinite(bytes) ? Math.floor(bytes) : null;
}

/** The limit from the environment, else half the machine's memory. Throws on an unreadable setting. */
export function machineMemoryLimit(env: NodeJS.ProcessEnv = process.env): number {
  const set = env[MEMORY_LIMIT_VARIABLE];
  if (set !== undefined && set.trim() !== '') {
    const bytes = parseMemorySize(set);
    if (bytes === null)
      throw new RangeError(`${MEMORY_LIMIT_VARIABLE}=${JSON.stringify(set)} is not a size (write e.g. 6GB or 512MB).`);
    return bytes;
  }
  return Math.floor(totalmem() / 2);
}

/** Makes the machine's limit the default of every budget check in this process; returns it. */
export function applyMachineMemoryLimit(bytes = machineMemoryLimit()): number {
  setDefaultMemoryLimit(bytes);
  return bytes;
}

/**
 * For a process's entry point (server, desktop main, training worker): applies the machine's
 * limit, or, when SPIKEWRIGHT_MEMORY_LIMIT cannot be read, says so once and keeps the default.
 */
export function applyMachineMemoryLimitAtStart(warn: (message: string) => void = console.error): void {
  try {
    applyMachineMemoryLimit();
  } catch (error) {
    warn(`spikewright: ${(error as Error).message} The default memory limit is used.`);
  }
}
