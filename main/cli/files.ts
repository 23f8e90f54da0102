// What the commands share: paths as the user typed them, files read with a sentence for
// each way they can be wrong, the graph's dataset opened from the cache folder.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadSnnFile, type SnnFile } from '../../shared/file/snnFile';
import { validateGraph } from '../../shared/graph/validate';
import { UsageError } from './command';

/** npm run changes directory to the package root; user paths are relative to where they typed. */
export function userPath(p: string): string {
  return path.resolve(process.env.INIT_CWD ?? process.cwd(), p);
}

export async function readText(p: string, what: string): Promise<string> {
  try {
    return await readFile(userPath(p), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(
      code === 'ENOENT' ? `${what} '${p}' does not exist.` : `Cannot read ${what} '${p}' (${(e as Error).message}).`,
    );
  }
}

/** A graph file that loads and validates without errors; warnings go to stderr. */
export async function loadGraphFile(p: string): Promise<SnnFile> {
  const loaded = loadSnnFile(await readText(p, 'The graph file'), path.basename(p));
  if (!loaded.ok) throw new UsageError(loaded.error);
  for (const w of loaded.warnings) process.stderr.write(`warning: ${w}\n`);
  const errors = validateGraph(loaded.file.graph).filter((x) => x.severity === 'error');
  if (errors.length)
    throw new UsageError(`${path.basename(p)} cannot be trained:\n  ${errors.map((e) => e.message).join('\n  ')}`);
  return loaded.file;
}

/** The graph's dataset, from `cacheDir` or the folder `data download` fills and the app's worker reads. */
export async function openGraphDataset(file: SnnFile, cacheDir: string | undefined) {
  const { defaultCacheDir, openDataset } = await import('../data/index');
  const node = file.graph.nodes.find((n) => n.kind === 'dataset');
  if (node?.kind !== 'dataset') throw new UsageError('The graph has no dataset.');
  try {
    return await openDataset(node.params, { cacheDir: cacheDir ?? defaultCacheDir() });
  } catch (e) {
    throw new UsageError(`Cannot open the dataset: ${(e as Error).message}`);
  }
}

export const engineOption = {
  type: 'choice',
  choices: ['fast', 'reference'],
  help: 'the batched engine (default) or the plain per-sample one it is checked against',
} as const;
