// A private temporary folder for the backend process. Libraries that need files on disk (h5wasm
// reads and writes NIR files through the file system) take it from os.tmpdir(), which then
// points here; the folder goes when the process exits, and folders left by a process that was
// killed (kill -9, a power cut) are removed by the next start, with the loose files of older
// versions.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PREFIX = 'spikewright-server-';
const LOOSE_FILE = /^(spikewright|spikeforge)-[0-9a-f-]{36}\.nir$/;
const LOOSE_FILE_AGE_MS = 60 * 60 * 1000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes what killed backends left in `base`; returns the names removed. */
export function sweepTempLeftovers(base: string, now = Date.now()): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(base);
  } catch {
    return removed;
  }
  for (const name of names) {
    const owner = name.startsWith(PREFIX) ? Number(name.slice(PREFIX.length).split('-')[0]) : null;
    const stale =
      (owner !== null && Number.isInteger(owner) && owner > 0 && owner !== process.pid && !alive(owner)) ||
      (LOOSE_FILE.test(name) &&
        now - (statSync(join(base, name), { throwIfNoEntry: false })?.mtimeMs ?? now) > LOOSE_FILE_AGE_MS);
    if (!stale) continue;
    try {
      rmSync(join(base, name), { recursive: true, force: true });
      removed.push(name);
    } catch {
      // Another user's, or already gone.
    }
  }
  return removed;
}

/** Points os.tmpdir() at a fresh private folder, removed when this process exits. */
export function adoptPrivateTempFolder(base = tmpdir()): string {
  sweepTempLeftovers(base);
  const folder = mkdtempSync(join(base, `${PREFIX}${process.pid}-`));
  process.env.TMPDIR = folder;
  if (process.platform === 'win32') {
    process.env.TMP = folder;
    process.env.TEMP = folder;
  }
  process.on('exit', () => rmSync(folder, { recursive: true, force: true }));
  return folder;
}
