// `export` and `import`: trained graphs out to NIR and NIR files in as Spikewright documents.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadSnnFile, serializeSnnFile } from '../../shared/file/snnFile';
import { validateGraph } from '../../shared/graph/validate';
import { exportNir, importNir, NirExportError, NirImportError } from '../nir/index';
import { writeFileAtomic } from '../services/documents';

export class ExchangeError extends Error {}

async function readBytes(file: string, what: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(file));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ExchangeError(code === 'ENOENT' ? `${what} '${file}' does not exist.` : `Cannot read ${what} '${file}'.`);
  }
}

/** export <trained.snn.json> --format nir -o model.nir */
export async function exportCommand(
  input: string,
  format: string,
  output: string,
  appVersion: string,
): Promise<string> {
  if (format !== 'nir') throw new ExchangeError(`--format must be nir (the only export format), not '${format}'.`);
  const text = new TextDecoder().decode(await readBytes(input, 'The graph file'));
  const loaded = loadSnnFile(text, path.basename(input));
  if (!loaded.ok) throw new ExchangeError(loaded.error);
  // Judged like a graph about to be trained (sizes, budgets) before anything is allocated.
  const errors = validateGraph(loaded.file.graph).filter((p) => p.severity === 'error');
  if (errors.length)
    throw new ExchangeError(
      `${path.basename(input)} cannot be exported:\n  ${errors
        .slice(0, 10)
        .map((e) => e.message)
        .join('\n  ')}`,
    );
  let bytes: Uint8Array;
  try {
    bytes = await exportNir(loaded.file, { appVersion });
  } catch (e) {
    if (e instanceof NirExportError)
      throw new ExchangeError(`${path.basename(input)} cannot be exported: ${e.message}`);
    throw e;
  }
  try {
    return await writeFileAtomic(output, bytes);
  } catch (e) {
    throw new ExchangeError((e as Error).message);
  }
}

/** import <model.nir> -o graph.snn.json; returns the path written and what could not be mapped. */
export async function importCommand(
  input: string,
  output: string,
  appVersion: string,
  options: { dtSeconds?: number | undefined } = {},
): Promise<{ path: string; unmapped: string[]; notes: string[]; problems: string[]; dtSeconds: number }> {
  const bytes = await readBytes(input, 'The NIR file');
  try {
    const result = await importNir(bytes, {
      appVersion,
      name: path.basename(input).replace(/\.(nir|h5|hdf5)$/i, ''),
      ...(options.dtSeconds !== undefined ? { dtSeconds: options.dtSeconds } : {}),
    });
    const written = await writeFileAtomic(output, serializeSnnFile(result.file));
    return {
      path: written,
      unmapped: result.unmapped,
      notes: result.notes,
      problems: result.problems,
      dtSeconds: result.dtSeconds,
    };
  } catch (e) {
    if (e instanceof NirImportError) throw new ExchangeError(`${path.basename(input)}: ${e.message}`);
    throw e;
  }
}
