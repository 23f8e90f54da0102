// `export` and `import`: trained graphs out to NIR (for the tool the file is for, with the
// agreement measured before writing) and NIR files in as Spikewright documents.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadSnnFile, serializeSnnFile } from '../../shared/file/snnFile';
import { validateGraph } from '../../shared/graph/validate';
import { type ExportAgreement, measureAgreement } from '../nir/agreement';
import { AGREEMENT_SAMPLES, agreementBatch } from '../nir/agreementBatch';
import { exportNir, importNir, NirExportError, NirImportError } from '../nir/index';
import { EXPORT_TARGETS, type ExportTarget, isExportTarget } from '../nir/targets';
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

/** export <trained.snn.json> --target nir|snntorch|norse -o model.nir */
export async function exportCommand(
  input: string,
  output: string,
  appVersion: string,
  options: { target?: string; samples?: number; cacheDir?: string } = {},
): Promise<{ path: string; agreement: ExportAgreement }> {
  const target = options.target ?? 'nir';
  if (!isExportTarget(target))
    throw new ExchangeError(`--target must be one of ${Object.keys(EXPORT_TARGETS).join(', ')}, not '${target}'.`);
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
  let agreement: ExportAgreement;
  try {
    bytes = await exportNir(loaded.file, { appVersion, target: target as ExportTarget });
    const { batch, data } = await agreementBatch(loaded.file, options.samples ?? AGREEMENT_SAMPLES, options.cacheDir);
    agreement = measureAgreement(loaded.file, target as ExportTarget, batch, data, { appVersion });
  } catch (e) {
    if (e instanceof NirExportError)
      throw new ExchangeError(`${path.basename(input)} cannot be exported: ${e.message}`);
    throw e;
  }
  try {
    return { path: await writeFileAtomic(output, bytes), agreement };
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
