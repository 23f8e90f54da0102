// The file names the API reads and writes: Spikewright documents (.snn.json) and NIR files.
// The backend refuses every other name; the UI uses the same rule to name what it saves.
import { FILE_EXTENSION } from '../file/snnFile';

export type DocumentKind = 'document' | 'nir';

/** `.snn.json` or `.nir` (case-insensitive), or null for anything else. */
export function documentKind(path: string): DocumentKind | null {
  const lower = path.toLowerCase();
  if (lower.endsWith(FILE_EXTENSION)) return 'document';
  if (lower.endsWith('.nir')) return 'nir';
  return null;
}

/** The path a document is saved to: `.snn.json` added, or put in place of a plain `.json`. */
export function withDocumentExtension(path: string): string {
  if (path.toLowerCase().endsWith(FILE_EXTENSION)) return path;
  return /\.json$/i.test(path) ? path.replace(/\.json$/i, FILE_EXTENSION) : `${path}${FILE_EXTENSION}`;
}
