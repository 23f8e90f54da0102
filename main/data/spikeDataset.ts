// SHD, SSC and custom spike datasets: recordings read from files, binned once into event tables.
import { createReadStream, createWriteStream, existsSync, statSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { CATALOG } from './catalog';
import { readCsvSpikes } from './csvSpikeFile';
import { DatasetError } from './datasetError';
import { allRows, EventDataset, type SplitRows, splitsFromTrainTest } from './eventDataset';
import { readHdf5Spikes } from './hdf5SpikeFile';
import { locateFiles } from './locateFiles';
import { binRecording, recordingExtent, type SpikeRecording } from './spikeFile';
import type { Split } from './types';

export interface SpikeDatasetParams {
  dataset: 'shd' | 'ssc' | 'custom';
  path: string;
  timeSteps: number;
  /** Spikes in [0, duration) ms are binned into the time steps (HDF5 recordings, in seconds). */
  duration: number;
  validationFraction: number;
  dataSeed: number;
}

/** Input channels of the Heidelberg recordings (cochlea model). */
export const HEIDELBERG_CHANNELS = 700;
const HEIDELBERG_CLASSES = { shd: 20, ssc: 35 } as const;

export async function openHeidelberg(
  params: SpikeDatasetParams & { dataset: 'shd' | 'ssc' },
  cacheDir?: string,
): Promise<EventDataset> {
  const entry = CATALOG[params.dataset];
  const files = locateFiles(entry, params.path, cacheDir);
  const prefix = params.dataset;
  const recordings = await Promise.all(
    entry.files.map(
      async (file) => [file.name, await readHdf5Spikes(await decompressed(files.get(file.name)!))] as const,
    ),
  );
  const byName = new Map(recordings);
  const bin = (name: string) =>
    binRecording(byName.get(name)!, {
      timeSteps: params.timeSteps,
      stepsPerTimeUnit: (1000 * params.timeSteps) / params.duration,
      inputUnits: HEIDELBERG_CHANNELS,
      classes: HEIDELBERG_CLASSES[params.dataset],
    });
  const train = bin(`${prefix}_train.h5`);
  const test = bin(`${prefix}_test.h5`);
  // SSC ships an official validation file; SHD does not, so its validation is held out of train.
  let splits: Record<Split, SplitRows>;
  if (params.dataset === 'ssc') {
    const validation = bin('ssc_valid.h5');
    splits = {
      train: { table: train, rows: allRows(train) },
      validation: { table: validation, rows: allRows(validation) },
      test: { table: test, rows: allRows(test) },
    };
  } else {
    splits = splitsFromTrainTest(train, test, params.validationFraction, params.dataSeed);
  }
  return new EventDataset({
    name: params.dataset === 'shd' ? 'Spiking Heidelberg Digits' : 'Spiking Speech Commands',
    classes: HEIDELBERG_CLASSES[params.dataset],
    splits,
  });
}

/**
 * A custom dataset: a folder holding train and test files (and optionally validation) as
 * HDF5 with the SHD layout (train.h5, test.h5, validation.h5; times in seconds) or as CSV
 * (train.csv + train-labels.csv, ...; times in steps). See docs/datasets.md.
 */
export async function openCustom(params: SpikeDatasetParams): Promise<EventDataset> {
  let folder = params.path;
  // "Data folder or file": a picked train.csv or train.h5 stands for its folder.
  if (folder && existsSync(folder) && statSync(folder).isFile()) folder = dirname(folder);
  if (!folder)
    throw new DatasetError(
      'Custom dataset',
      'no folder chosen: set "Data folder or file" to a folder holding train and test files',
    );
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new DatasetError(folder, 'is not a folder');
  const has = (name: string) => existsSync(join(folder, name));
  const format = has('train.h5') ? 'h5' : has('train.csv') ? 'csv' : undefined;
  if (!format)
    throw new DatasetError(
      folder,
      'holds neither train.h5 nor train.csv (see docs/datasets.md for the custom formats)',
    );
  const read = (split: string): Promise<SpikeRecording> =>
    format === 'h5'
      ? readHdf5Spikes(join(folder, `${split}.h5`))
      : readCsvSpikes(join(folder, `${split}.csv`), join(folder, `${split}-labels.csv`));
  for (const split of ['test']) {
    if (!has(`${split}.${format}`)) throw new DatasetError(folder, `has train.${format} but no ${split}.${format}`);
  }
  const hasValidation = has(`validation.${format}`);
  const recordings = await Promise.all([read('train'), read('test'), ...(hasValidation ? [read('validation')] : [])]);
  const { inputUnits, classes } = recordingExtent(recordings);
  if (inputUnits < 1) throw new DatasetError(folder, 'the training data holds no spikes');
  const bin = (r: SpikeRecording) =>
    binRecording(r, {
      timeSteps: params.timeSteps,
      stepsPerTimeUnit: format === 'h5' ? (1000 * params.timeSteps) / params.duration : 1,
      inputUnits,
      classes: Math.max(classes, 2),
    });
  const [train, test, validation] = recordings.map(bin) as [
    ReturnType<typeof bin>,
    ReturnType<typeof bin>,
    ReturnType<typeof bin>?,
  ];
  const splits: Record<Split, SplitRows> = validation
    ? {
        train: { table: train, rows: allRows(train) },
        validation: { table: validation, rows: allRows(validation) },
        test: { table: test, rows: allRows(test) },
      }
    : splitsFromTrainTest(train, test, params.validationFraction, params.dataSeed);
  return new EventDataset({ name: `Custom (${folder})`, classes: Math.max(classes, 2), splits });
}

/**
 * h5wasm needs a plain HDF5 file. A `.h5.gz` (as published) is decompressed next to itself once,
 * so later opens find the `.h5`; where that folder is read-only, into the temp folder.
 */
async function decompressed(path: string): Promise<string> {
  if (!path.endsWith('.gz')) return path;
  const target = path.slice(0, -3);
  for (const out of [target, join(tmpdir(), `spikewright-${process.pid}-${basename(target)}`)]) {
    if (existsSync(out)) return out;
    try {
      await pipeline(createReadStream(path), createGunzip(), createWriteStream(`${out}.tmp`));
      await rename(`${out}.tmp`, out);
      return out;
    } catch (error) {
      await rm(`${out}.tmp`, { force: true });
      if ((error as NodeJS.ErrnoException).code !== 'EACCES' && (error as NodeJS.ErrnoException).code !== 'EROFS') {
        throw new DatasetError(path, `cannot decompress: ${(error as Error).message}`, { cause: error });
      }
    }
  }
  throw new DatasetError(path, 'cannot decompress: no writable folder');
}
