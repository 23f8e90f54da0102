// Finds a dataset's files: the user's folder first, then the app data cache, then system folders.
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { CatalogEntry, RemoteFile } from './catalog';
import { DatasetError } from './datasetError';

/** The folders searched for `entry`, in order, without duplicates. */
export function searchFolders(entry: CatalogEntry, userPath: string, cacheDir: string | undefined): string[] {
  const folders: string[] = [];
  if (userPath) folders.push(isFile(userPath) ? dirname(userPath) : userPath);
  if (cacheDir) folders.push(join(cacheDir, entry.cacheFolder), cacheDir);
  folders.push(...entry.systemFolders);
  return [...new Set(folders)];
}

/** Path of each of `entry`'s files, all from the first folder that holds every one of them. */
export function locateFiles(entry: CatalogEntry, userPath: string, cacheDir: string | undefined): Map<string, string> {
  const folders = searchFolders(entry, userPath, cacheDir);
  for (const folder of folders) {
    const found = new Map<string, string>();
    for (const file of entry.files) {
      const path = findIn(folder, file);
      if (path) found.set(file.name, path);
    }
    if (found.size === entry.files.length) return found;
  }
  throw new DatasetError(
    entry.title,
    `files not found (${entry.files.map((f) => f.name).join(', ')}). Searched: ${folders.join(', ')}. ` +
      `Download them with \`npm run cli -- data download ${entry.name}\` or pick the folder that holds them.`,
  );
}

function findIn(folder: string, file: RemoteFile): string | undefined {
  for (const name of [file.name, ...(file.aliases ?? [])]) {
    const path = join(folder, name);
    if (isFile(path)) return path;
  }
  return undefined;
}

function isFile(path: string): boolean {
  try {
    return existsSync(path) && statSync(path).isFile();
  } catch {
    return false;
  }
}
