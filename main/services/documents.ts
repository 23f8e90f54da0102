// Reading and writing documents on the backend's disk. Writes are atomic (temporary file,
// then rename) so a crash mid-save never leaves a half-written document.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { ApiError } from '../../shared/api/contract';

const MAX_DOCUMENT_BYTES = 512 * 1024 * 1024;

export async function readDocument(path: string): Promise<{ text: string; path: string; name: string }> {
  const full = resolve(path);
  let size: number;
  try {
    const info = await stat(full);
    if (!info.isFile()) throw new ApiError(`${full} is not a file.`);
    size = info.size;
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw new ApiError(`Cannot open ${full}: ${describeFsError(error)}.`);
  }
  if (size > MAX_DOCUMENT_BYTES)
    throw new ApiError(`${full} is too large to be a Spikewright document (${size} bytes).`);
  const text = await readFile(full, 'utf8');
  return { text, path: full, name: basename(full) };
}

export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<string> {
  const full = resolve(path);
  const temp = `${full}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await mkdir(dirname(full), { recursive: true });
    await writeFile(temp, data);
    await rename(temp, full);
  } catch (error) {
    await rm(temp, { force: true });
    throw new ApiError(`Cannot save ${full}: ${describeFsError(error)}.`);
  }
  return full;
}

export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a folder';
    case 'ENOSPC':
      return 'the disk is full';
    default:
      return (error as Error)?.message ?? String(error);
  }
}
