// Reads a NIR file (HDF5) into a Spikewright document: the way snnTorch, Norse and Spikewright
// itself write them. The stages, one file each:
//   1. importRead.ts    the HDF5 tree as one flat graph with its shapes (nested graphs flattened);
//   2. importWriters.ts the writer's conventions: the step dt, and our own extras block;
//   3. importMap.ts     populations and connections, checked against the memory budget first;
//   4. importLayout.ts  loss, training settings, order and canvas positions;
// and here, the report: the document, what could not be mapped, how it was read, what is wrong.
// docs/nir-mapping.md explains the mapping.
import { readFile } from 'node:fs/promises';
import { newSnnFile, type SnnFile, serializeSnnFile } from '../../shared/file/snnFile';
import { defaultMemoryLimit } from '../../shared/graph/budgets';
import { validateGraph } from '../../shared/graph/validate';
import { type H5Group, H5LimitError, readH5 } from './h5';
import { layOut } from './importLayout';
import { mapNetwork } from './importMap';
import { type FlatGraph, NirImportError, readNirGraph } from './importRead';
import { readWriterConventions } from './importWriters';

export { NirImportError } from './importRead';

export interface NirImportOptions {
  /** Step (seconds) at which to read the NIR equations; default: the file's metadata, else inferred. */
  dtSeconds?: number;
  /** Version written into the document's `app` field. */
  appVersion?: string;
  /** Document name; default: the one the file carries, else 'Imported NIR graph'. */
  name?: string;
  /** Bytes the file's values and the network's weights may take (default: the process limit, budgets.ts). */
  memoryLimitBytes?: number;
}

export interface NirImportResult {
  file: SnnFile;
  /** What the document could not keep, one sentence each, naming the NIR node. */
  unmapped: string[];
  /** How the file was read (the dt chosen, gains folded into weights, defaults added). */
  notes: string[];
  /** Validation errors of the imported graph, if it cannot be trained as is. */
  problems: string[];
  dtSeconds: number;
}

/** Reads a NIR file's bytes. Throws NirImportError naming what is broken. */
export async function importNir(bytes: Uint8Array, options: NirImportOptions = {}): Promise<NirImportResult> {
  return importNirTree(await readTree(bytes, 'This', options), options);
}

export async function importNirFromPath(path: string, options: NirImportOptions = {}): Promise<NirImportResult> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (error) {
    throw new NirImportError(`Cannot read ${path}: ${(error as Error).message}`);
  }
  return importNirTree(await readTree(bytes, path, options), options);
}

/**
 * For the backend and the CLI: NIR bytes in, canonical `.snn.json` text out, with what could
 * not be mapped (show it to the user) and how the file was read.
 */
export async function importNirDocument(
  bytes: Uint8Array,
  options: NirImportOptions = {},
): Promise<{ text: string } & Omit<NirImportResult, 'file'>> {
  const { file, ...rest } = await importNir(bytes, options);
  return { text: serializeSnnFile(file), ...rest };
}

async function readTree(bytes: Uint8Array, what: string, options: NirImportOptions): Promise<H5Group> {
  try {
    return await readH5(bytes, { maxBytes: options.memoryLimitBytes ?? defaultMemoryLimit() });
  } catch (error) {
    if (error instanceof H5LimitError)
      throw new NirImportError(`${what === 'This' ? 'This NIR file' : what} cannot be read: ${error.message}.`);
    throw new NirImportError(`${what} is not a NIR file: ${(error as Error).message}.`);
  }
}

/**
 * Node types Spikewright cannot run: convolutions, pooling, and neurons or operators it has
 * no counterpart for. A file that holds any is refused as a whole (naming the types), rather
 * than imported as the fragment that is left, or as an empty graph.
 */
export const UNRUNNABLE_TYPES: ReadonlySet<string> = new Set([
  'Conv1d',
  'Conv2d',
  'SumPool2d',
  'AvgPool2d',
  'Threshold',
  'Scale',
  'I',
  'IF',
]);

function refuseUnrunnable(flat: FlatGraph) {
  const found = new Map<string, string[]>();
  for (const node of flat.nodes.values())
    if (UNRUNNABLE_TYPES.has(node.type)) {
      const list = found.get(node.type);
      if (list) list.push(node.name);
      else found.set(node.type, [node.name]);
    }
  if (found.size === 0) return;
  const parts = [...found].map(([type, names]) => {
    const shown = names.slice(0, 3).map((n) => `'${n}'`);
    return `${type} (${names.length === 1 ? 'node' : `${names.length} nodes:`} ${shown.join(', ')}${names.length > 3 ? ', ...' : ''})`;
  });
  throw new NirImportError(
    `This network uses node types Spikewright cannot run: ${parts.join('; ')}. Spikewright runs Input, Linear, Affine, LIF, LI, CubaLIF, CubaLI and Output nodes (and Flatten between them); nothing was imported.`,
  );
}

/** The import, from an HDF5 tree already in memory. */
export function importNirTree(root: H5Group, options: NirImportOptions = {}): NirImportResult {
  const unmapped: string[] = [];
  const notes: string[] = [];
  const limit = options.memoryLimitBytes ?? defaultMemoryLimit();
  const flat = readNirGraph(root, unmapped);
  refuseUnrunnable(flat);
  const reading = readWriterConventions(options.dtSeconds, flat.metadata, flat.nodes, notes, unmapped);
  const mapped = mapNetwork(flat, reading, limit, notes, unmapped);
  const { graph, positions } = layOut(mapped, reading.extras, notes, reading.discretisation);

  // The report.
  const { extras, dtSeconds } = reading;
  const problems = validateGraph(graph, { memoryLimitBytes: limit })
    .filter((p) => p.severity === 'error')
    .map((p) => p.message);
  const name = options.name ?? extras?.metadata.name ?? 'Imported NIR graph';
  const file = newSnnFile(
    graph,
    { positions },
    {
      name,
      description:
        extras?.metadata.description ?? `Imported from NIR (read with forward Euler at dt = ${dtSeconds} s).`,
      ...(extras?.metadata.training ? { training: extras.metadata.training } : {}),
    },
    options.appVersion ?? '0.0.0',
  );
  file.weights = mapped.weights;
  if (Object.keys(mapped.biases).length) file.biases = mapped.biases;
  if (Object.keys(mapped.delays).length) file.delays = mapped.delays;
  return { file, unmapped, notes, problems, dtSeconds };
}
