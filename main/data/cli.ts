// `spikewright data ...`: list, download and preview datasets from the command line.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultsOf } from '../../shared/graph/fields';
import { DATASETS, type DatasetName, type DatasetParams, datasetFields } from '../../shared/graph/kinds';
import { describeParseArgsError } from '../util/parseArgsError';
import { defaultCacheDir } from './cacheFolder';
import { CATALOG, isDownloadable } from './catalog';
import { DatasetError } from './datasetError';
import { datasetPreview, type PreviewSample } from './datasetPreview';
import { type DownloadProgress, downloadDataset } from './download';
import { openDataset } from './index';
import { locateFiles, searchFolders } from './locateFiles';

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

const defaultIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

const USAGE = [
  'Usage: data <command>',
  '  data list [--dir D]                      datasets, and where their files were found',
  '  data download <name> [--dir D]           fetch a dataset into D (default: the cache folder)',
  '  data preview <name> [--dir D] [--path P] [--samples N]',
  '                                           sizes, class balance and a raster of the first sample',
  `Names: ${DATASETS.join(', ')}`,
];

/** Runs `data ...` (argv without the leading "data", which is tolerated); returns the exit code. */
export async function runDataCommand(argv: string[], io: CliIo = defaultIo): Promise<number> {
  const args = argv[0] === 'data' ? argv.slice(1) : argv;
  let parsed: ReturnType<typeof parseDataArgs>;
  try {
    parsed = parseDataArgs(args);
  } catch (error) {
    io.err((error as Error).message);
    return 2;
  }
  const { command, positional, flags } = parsed;
  const cacheDir = flags.dir ?? defaultCacheDir();
  try {
    switch (command) {
      case 'list':
        listDatasets(cacheDir, io);
        return 0;
      case 'download':
        return await download(positional[0], cacheDir, io);
      case 'preview':
        return await preview(positional[0], cacheDir, flags, io);
      case undefined:
      case 'help':
      case '--help':
        for (const line of USAGE) io.out(line);
        return command === undefined ? 2 : 0;
      default:
        io.err(`Unknown data command "${command}".`);
        for (const line of USAGE) io.err(line);
        return 2;
    }
  } catch (error) {
    // Users see a sentence, never a stack trace.
    if (error instanceof DatasetError) io.err(`Error: ${error.message}`);
    else io.err(`Error: ${(error as Error)?.message ?? String(error)}`);
    return 1;
  }
}

function parseDataArgs(args: string[]): {
  command: string | undefined;
  positional: string[];
  flags: { dir?: string; path?: string; samples?: string };
} {
  // `--help` anywhere is the help command; the rest is parsed strictly.
  const rest = args.filter((a) => a !== '--help');
  if (rest.length !== args.length) return { command: '--help', positional: [], flags: {} };
  try {
    const { values, positionals } = parseArgs({
      args: rest,
      options: { dir: { type: 'string' }, path: { type: 'string' }, samples: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
    return { command: positionals[0], positional: positionals.slice(1), flags: values };
  } catch (error) {
    throw new Error(describeParseArgsError(error, 'data'));
  }
}

function checkName(name: string | undefined, io: CliIo): DatasetName | undefined {
  if (name && (DATASETS as readonly string[]).includes(name)) return name as DatasetName;
  io.err(
    name ? `Unknown dataset "${name}". Known: ${DATASETS.join(', ')}.` : `Name a dataset: ${DATASETS.join(', ')}.`,
  );
  return undefined;
}

function listDatasets(cacheDir: string, io: CliIo): void {
  io.out(`Cache folder: ${cacheDir}`);
  io.out(
    'randman        Randman (synthetic)                              generated from its seed, nothing to download',
  );
  for (const entry of Object.values(CATALOG)) {
    let where: string;
    try {
      const files = locateFiles(entry, '', cacheDir);
      where = `found in ${[...files.values()][0]!.replace(/[\\/][^\\/]+$/, '')}`;
    } catch {
      where = `missing (~${entry.downloadMegabytes} MB: data download ${entry.name})`;
    }
    io.out(`${entry.name.padEnd(14)} ${entry.title.padEnd(48)} ${where}`);
  }
  io.out('custom         Custom spike data                                a folder you choose (see docs/datasets.md)');
}

async function download(nameArg: string | undefined, cacheDir: string, io: CliIo): Promise<number> {
  const name = checkName(nameArg, io);
  if (!name) return 2;
  if (!isDownloadable(name)) {
    io.err(`"${name}" has nothing to download (${name === 'randman' ? 'it is generated' : 'you provide its files'}).`);
    return 2;
  }
  const entry = CATALOG[name];
  try {
    const files = locateFiles(entry, '', cacheDir);
    io.out(`${entry.title} is already present (${[...files.values()].join(', ')}).`);
    return 0;
  } catch {
    // not present: download below
  }
  io.out(`Downloading ${entry.title} into ${join(cacheDir, entry.cacheFolder)}`);
  let lastLine = 0;
  const onProgress = (p: DownloadProgress) => {
    const now = Date.now();
    if (p.phase === 'download' && now - lastLine < 1000 && p.receivedBytes !== p.totalBytes) return;
    lastLine = now;
    const mb = (n: number) => (n / 1e6).toFixed(1);
    const of = p.totalBytes
      ? ` of ${mb(p.totalBytes)} MB (${Math.floor((100 * p.receivedBytes) / p.totalBytes)}%)`
      : ' MB';
    io.err(`  ${p.file}: ${p.phase === 'download' ? `${mb(p.receivedBytes)}${of}` : p.phase}`);
  };
  const folder = await downloadDataset(entry, cacheDir, { onProgress });
  io.out(`Done: ${folder}`);
  return 0;
}

async function preview(
  nameArg: string | undefined,
  cacheDir: string,
  flags: Record<string, string>,
  io: CliIo,
): Promise<number> {
  const name = checkName(nameArg, io);
  if (!name) return 2;
  const params: DatasetParams = { ...defaultsOf(datasetFields), dataset: name, path: flags.path ?? '' };
  const samples = flags.samples === undefined ? 3 : Number(flags.samples);
  if (!Number.isInteger(samples) || samples < 0) {
    io.err('--samples needs a whole number.');
    return 2;
  }
  if (isDownloadable(name) && !params.path) {
    io.out(`Searching: ${searchFolders(CATALOG[name], '', cacheDir).join(', ')}`);
  }
  const t0 = performance.now();
  const dataset = await openDataset(params, { cacheDir });
  const seconds = (performance.now() - t0) / 1000;
  const p = datasetPreview(dataset, { samples });
  io.out(
    `${p.name}: ${p.inputUnits} inputs, ${p.classes} classes, ${p.timeSteps} steps (opened in ${seconds.toFixed(2)} s)`,
  );
  for (const [split, s] of Object.entries(p.splits)) {
    io.out(
      `  ${split.padEnd(10)} ${String(s.size).padStart(7)} samples, ${s.meanEvents.toFixed(1)} events/sample, per class: ${s.classCounts.join(' ')}`,
    );
  }
  for (const sample of p.samples) {
    const label = p.classNames?.[sample.label]
      ? `${sample.label} (${p.classNames[sample.label]})`
      : String(sample.label);
    io.out(`Sample ${sample.index} of train: label ${label}, ${sample.times.length} events`);
    for (const line of raster(sample, p.inputUnits, p.timeSteps)) io.out(`  ${line}`);
  }
  return 0;
}

/** A coarse text raster: rows are groups of units, columns groups of steps, '#' where any spike fell. */
function raster(sample: PreviewSample, inputUnits: number, timeSteps: number): string[] {
  const rows = Math.min(16, inputUnits);
  const columns = Math.min(80, timeSteps);
  const grid = Array.from({ length: rows }, () => new Array<string>(columns).fill('.'));
  for (let e = 0; e < sample.times.length; e++) {
    const r = Math.floor((sample.units[e]! * rows) / inputUnits);
    const c = Math.floor((sample.times[e]! * columns) / timeSteps);
    grid[r]![c] = '#';
  }
  return grid.map((row) => row.join(''));
}
