// `export` and `import`: trained graphs out to NIR (for the tool the file is for, with the
// agreement measured before writing) and NIR files in as Spikewright documents.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadSnnFile, type SnnFile, serializeSnnFile } from '../../shared/file/snnFile';
import { datasetShape } from '../../shared/graph/shapes';
import { validateGraph } from '../../shared/graph/validate';
import type { SpikeBatch } from '../data/types';
import { type ExportAgreement, measureAgreement } from '../nir/agreement';
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

/** Samples the export's agreement check runs by default. */
export const AGREEMENT_SAMPLES = 256;

/**
 * A batch of the graph's own test data (the first `samples`), or, when the dataset cannot be
 * opened here, random spikes of its shape; `data` says which.
 */
export async function agreementBatch(
  file: SnnFile,
  samples: number,
  cacheDir?: string,
): Promise<{ batch: SpikeBatch; data: string }> {
  const node = file.graph.nodes.find((n) => n.kind === 'dataset');
  if (node?.kind !== 'dataset') throw new ExchangeError('The graph has no dataset.');
  try {
    const { defaultCacheDir, openDataset } = await import('../data/index');
    const data = await openDataset(node.params, { cacheDir: cacheDir ?? defaultCacheDir() });
    const split = data.size('test') > 0 ? 'test' : 'train';
    for (const batch of data.batches(split, { batchSize: samples, dropLast: false }))
      return { batch, data: `${data.name} (${split} split)` };
  } catch {
    // fall through to random spikes
  }
  const { Random } = await import('../util/random');
  const rng = new Random(1);
  const shape = datasetShape(node.params);
  const T = node.params.timeSteps;
  const offsets = new Int32Array(samples * T + 1);
  const units: number[] = [];
  for (let row = 0; row < samples * T; row++) {
    for (let u = 0; u < shape.units; u++) if (rng.uniform() < 0.05) units.push(u);
    offsets[row + 1] = units.length;
  }
  const labels = Int32Array.from({ length: samples }, (_, b) => b % shape.classes);
  const batch: SpikeBatch = {
    batchSize: samples,
    timeSteps: T,
    inputUnits: shape.units,
    offsets,
    units: Int32Array.from(units),
    labels,
  };
  return { batch, data: 'random input spikes (5% density; the dataset could not be opened here)' };
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
