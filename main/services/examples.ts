// The example gallery: documents shipped in examples/, listed with their metadata.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiError } from '../../shared/api/contract';
import { FILE_EXTENSION, loadSnnFile } from '../../shared/file/snnFile';

export interface ExampleInfo {
  id: string;
  name: string;
  description: string;
}

/** Examples in gallery order: Randman first, since the app opens with it. */
const ORDER = ['randman', 'fashion-mnist', 'shd'];

export async function listExamples(dir: string): Promise<ExampleInfo[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith(FILE_EXTENSION));
  const infos: ExampleInfo[] = [];
  for (const file of files) {
    const id = file.slice(0, -FILE_EXTENSION.length);
    const loaded = loadSnnFile(await readFile(join(dir, file), 'utf8'), file);
    if (loaded.ok) infos.push({ id, name: loaded.file.metadata.name, description: loaded.file.metadata.description });
  }
  const rank = (id: string) => (ORDER.includes(id) ? ORDER.indexOf(id) : ORDER.length);
  return infos.sort((a, b) => rank(a.id) - rank(b.id) || a.name.localeCompare(b.name));
}

export async function readExample(dir: string, id: string): Promise<{ text: string; path: null; name: string }> {
  if (!/^[a-z0-9-]+$/.test(id)) throw new ApiError(`There is no example called '${id}'.`);
  try {
    const text = await readFile(join(dir, `${id}${FILE_EXTENSION}`), 'utf8');
    return { text, path: null, name: `${id}${FILE_EXTENSION}` };
  } catch {
    throw new ApiError(`There is no example called '${id}'.`);
  }
}
