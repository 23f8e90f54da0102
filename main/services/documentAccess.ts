// Which paths the API may read and write. The API's caller is a page: in web mode anyone who
// holds the session token, in Electron the renderer (which a bug could hand to a hostile
// document). Neither may name an arbitrary path. Web mode confines documents to one workspace
// folder (symbolic links that lead out of it are refused too); Electron accepts only paths
// the user chose: a native dialog, the recent-files list, or a file opened from outside (file
// manager, command line, macOS open-file). Both accept only Spikewright documents and NIR files.
import { lstat, realpath } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { ApiError } from '../../shared/api/contract';
import { type DocumentKind, documentKind } from '../../shared/api/documentPaths';
import { FILE_EXTENSION } from '../../shared/file/snnFile';
import { describeFsError } from './documents';

export type { DocumentKind };

export interface DocumentAccess {
  /** The folder documents are confined to (web mode), or null (Electron: granted paths). */
  readonly workspace: string | null;
  /** The absolute path to read, or an ApiError saying why this path may not be read. */
  forRead(path: string): Promise<{ path: string; kind: DocumentKind }>;
  /** The absolute path to write a document to, or an ApiError saying why not. */
  forWrite(path: string): Promise<string>;
  /** Lets the UI use a path the user chose outside the page (Electron); no-op in web mode. */
  grant(path: string): void;
}

function checkName(path: string): string {
  if (path.includes('\0')) throw new ApiError('A file path cannot contain a NUL character.');
  return path;
}

function refuseKind(path: string, write: boolean): never {
  throw new ApiError(
    write
      ? `Cannot save ${path}: Spikewright saves documents only as ${FILE_EXTENSION} files.`
      : `Cannot open ${path}: Spikewright opens only ${FILE_EXTENSION} documents and .nir files.`,
  );
}

function inside(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/**
 * Web mode: documents live in `folder` (relative paths are taken from it). A path is refused
 * when it names a place outside, or when it, or the folder it would be written into, is a
 * symbolic link that resolves outside. Missing folders inside the workspace are created on save.
 */
export async function workspaceAccess(folder: string): Promise<DocumentAccess> {
  const root = resolve(folder);
  let real: string;
  try {
    real = await realpath(root);
    if (!(await lstat(real)).isDirectory()) throw new Error('not a folder');
  } catch (error) {
    throw new Error(`the workspace folder ${root} cannot be used: ${describeFsError(error)}`);
  }
  const outside = (path: string) =>
    new ApiError(
      `${path} is outside the workspace folder ${root}. Web mode opens and saves documents only inside it ` +
        '(start the server with --workspace DIR to use another folder).',
    );
  const leadsOut = (path: string) =>
    new ApiError(`${path} is a symbolic link that leads outside the workspace folder ${root}; it is not followed.`);
  const resolveInside = (path: string) => {
    const full = resolve(root, checkName(path));
    if (!inside(root, full) && !inside(real, full)) throw outside(path);
    return full;
  };

  return {
    workspace: root,
    async forRead(path) {
      const full = resolveInside(path);
      const kind = documentKind(full);
      if (!kind) refuseKind(full, false);
      let target: string;
      try {
        target = await realpath(full);
      } catch (error) {
        throw new ApiError(`Cannot open ${full}: ${describeFsError(error)}.`);
      }
      if (!inside(real, target)) throw leadsOut(full);
      if (!documentKind(target)) refuseKind(full, false);
      return { path: full, kind };
    },
    async forWrite(path) {
      const full = resolveInside(path);
      if (documentKind(full) !== 'document') refuseKind(full, true);
      // The file itself, when it exists (it may be a link), else the nearest folder that exists.
      let existing = full;
      for (;;) {
        const info = await lstat(existing).catch(() => null);
        if (info) break;
        const up = dirname(existing);
        if (up === existing) throw outside(path);
        existing = up;
      }
      const target = await realpath(existing).catch((error) => {
        throw new ApiError(`Cannot save ${full}: ${describeFsError(error)}.`);
      });
      if (!inside(real, target)) throw leadsOut(existing === full ? full : existing);
      if (existing === full && !documentKind(target)) refuseKind(full, true);
      return full;
    },
    grant() {},
  };
}

/**
 * Electron: only paths the user chose through the shell. The paths granted so far are kept for
 * the session; the recent list is granted at start.
 */
export function grantedAccess(initial: Iterable<string> = []): DocumentAccess {
  const granted = new Set<string>();
  const grant = (path: string) => {
    if (!path.includes('\0')) granted.add(resolve(path));
  };
  for (const path of initial) grant(path);
  const check = (path: string) => {
    const full = resolve(checkName(path));
    if (!granted.has(full))
      throw new ApiError(
        `${full} was not chosen in a file dialog, the recent files or the file manager; choose it with File › Open.`,
      );
    return full;
  };
  return {
    workspace: null,
    async forRead(path) {
      const full = check(path);
      const kind = documentKind(full);
      if (!kind) refuseKind(full, false);
      return { path: full, kind };
    },
    async forWrite(path) {
      const full = check(path);
      if (documentKind(full) !== 'document') refuseKind(full, true);
      return full;
    },
    grant,
  };
}
