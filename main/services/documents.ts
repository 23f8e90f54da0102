// Reading and writing files on the backend's disk. Writes are atomic and durable: the data
// goes to a temporary file in the same folder, is fsync'd, renamed over the target, and the
// folder is fsync'd so the rename itself survives a power cut. A crash mid-save never leaves a
// half-written document, and a save that returned is on the disk.
import { mkdir, open, readFile, realpath, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import writeFileAtomicLib from 'write-file-atomic';
import { ApiError } from '../../shared/api/contract';

const MAX_DOCUMENT_BYTES = 512 * 1024 * 1024;

/** A file's bytes, refusing folders and files too large to be a document. */
export async function readBytes(full: string): Promise<Buffer> {
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
  try {
    return await readFile(full);
  } catch (error) {
    throw new ApiError(`Cannot open ${full}: ${describeFsError(error)}.`);
  }
}

/**
 * Writes `data` to `path` atomically and durably (see the top of this file), creating missing
 * folders. Callers that take paths from the UI check them first (documentAccess.ts).
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<string> {
  const full = resolve(path);
  try {
    await mkdir(dirname(full), { recursive: true });
    await writeFileAtomicLib(full, typeof data === 'string' ? data : Buffer.from(data), { fsync: true });
    await fsyncFolder(dirname(await realpath(full).catch(() => full)));
  } catch (error) {
    throw new ApiError(`Cannot save ${full}: ${describeFsError(error)}.`);
  }
  return full;
}

/** Makes a rename in `folder` durable. Windows cannot open folders for fsync; NTFS journals renames. */
async function fsyncFolder(folder: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
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
    case 'ENOTDIR':
    case 'EEXIST':
      return 'a part of the path is a file, not a folder';
    case 'ENOSPC':
      return 'the disk is full';
    case 'EROFS':
      return 'the file system is read-only';
    default:
      return (error as Error)?.message ?? String(error);
  }
}
