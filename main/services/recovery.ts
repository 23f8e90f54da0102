// Hot exit: the unsaved document is written to a recovery file (atomically and durably:
// temporary file, fsync, rename, fsync of the folder; see documents.ts) while the user edits,
// so a crash of the app, the server or the machine loses at most the last second of work; the
// next start offers to restore it.
import { readFile, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from './documents';

/** Where the app keeps its state outside documents (recovery file, recent files). */
export function defaultStateDir(): string {
  if (process.env.SPIKEWRIGHT_STATE_DIR) return process.env.SPIKEWRIGHT_STATE_DIR;
  return join(process.env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'spikewright');
}

export function createRecoveryStore(stateDir: string) {
  const file = join(stateDir, 'recovery.json');
  return {
    async read(): Promise<{ text: string; name: string; path: string | null; savedAt: number } | null> {
      try {
        const [raw, info] = await Promise.all([readFile(file, 'utf8'), stat(file)]);
        const parsed = JSON.parse(raw) as { text?: unknown; name?: unknown; path?: unknown };
        if (typeof parsed.text !== 'string' || typeof parsed.name !== 'string') return null;
        const path = typeof parsed.path === 'string' ? parsed.path : null;
        return { text: parsed.text, name: parsed.name, path, savedAt: info.mtimeMs };
      } catch {
        // No recovery file, or one damaged mid-write by an older version: nothing to offer.
        return null;
      }
    },
    async write(text: string, name: string, path: string | null = null): Promise<void> {
      await writeFileAtomic(file, JSON.stringify({ name, path, text }));
    },
    async clear(): Promise<void> {
      await rm(file, { force: true });
    },
  };
}

export function createRecentFiles(stateDir: string, limit = 10) {
  const file = join(stateDir, 'recent.json');
  const read = async (): Promise<string[]> => {
    try {
      const list = JSON.parse(await readFile(file, 'utf8'));
      return Array.isArray(list) ? list.filter((p): p is string => typeof p === 'string').slice(0, limit) : [];
    } catch {
      return [];
    }
  };
  return {
    list: read,
    async add(path: string): Promise<string[]> {
      const list = [path, ...(await read()).filter((p) => p !== path)].slice(0, limit);
      await writeFileAtomic(file, JSON.stringify(list)).catch(() => {});
      return list;
    },
  };
}
