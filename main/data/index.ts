// Entry point of the data layer: open any dataset named by a dataset node's parameters.
import { fieldProblem } from '../../shared/graph/fields';
import { type DatasetParams, datasetFields } from '../../shared/graph/kinds';
import { CATALOG, isDownloadable } from './catalog';
import { DatasetError } from './datasetError';
import { type DownloadProgress, downloadDataset } from './download';
import type { EventDataset } from './eventDataset';
import { openImageDataset } from './imageDataset';
import { openRandman } from './randman';
import { openCustom, openHeidelberg } from './spikeDataset';

export { defaultCacheDir } from './cacheFolder';
export { DatasetError } from './datasetError';
export { type DatasetPreview, datasetPreview, type PreviewSample, type SplitSummary } from './datasetPreview';
export type { DownloadProgress } from './download';
export type { EventDataset, SampleEvents } from './eventDataset';
export type { BatchOptions, SpikeBatch, SpikeDataset, Split } from './types';

export interface OpenDatasetOptions {
  /** The app data cache folder: searched for files, and where downloads go. */
  cacheDir?: string;
  /** Download missing files of a downloadable dataset into cacheDir (default false). */
  download?: boolean;
  onProgress?: (progress: DownloadProgress) => void;
  signal?: AbortSignal;
}

/**
 * Opens the dataset a dataset node describes: generated (Randman) or read from files, encoded
 * once into spike events. Throws DatasetError with a message fit for the user.
 */
export async function openDataset(params: DatasetParams, options: OpenDatasetOptions = {}): Promise<EventDataset> {
  checkParams(params);
  const open = () => openOnce(params, options.cacheDir);
  try {
    return await open();
  } catch (error) {
    const missing = error instanceof DatasetError && /files not found/.test(error.message);
    if (!missing || !options.download || !options.cacheDir || !isDownloadable(params.dataset)) throw error;
    await downloadDataset(CATALOG[params.dataset], options.cacheDir, {
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return open();
  }
}

async function openOnce(params: DatasetParams, cacheDir: string | undefined): Promise<EventDataset> {
  switch (params.dataset) {
    case 'randman':
      return openRandman(params);
    case 'fashion-mnist':
    case 'mnist':
      return openImageDataset(
        {
          dataset: params.dataset,
          path: params.path,
          tau: params.latencyTau,
          theta: params.latencyTheta,
          timeSteps: params.timeSteps,
          validationFraction: params.validationFraction,
          dataSeed: params.dataSeed,
        },
        cacheDir,
      );
    case 'shd':
    case 'ssc':
      return openHeidelberg({ ...params, dataset: params.dataset }, cacheDir);
    case 'custom':
      return openCustom({ ...params, dataset: 'custom' });
    default: {
      const unknown: never = params.dataset;
      throw new DatasetError(String(unknown), 'unknown dataset');
    }
  }
}

/** Callers other than the inspector (CLI, files edited by hand) may pass values the fields forbid. */
function checkParams(params: DatasetParams): void {
  for (const [key, field] of Object.entries(datasetFields)) {
    const problem = fieldProblem(field, (params as Record<string, unknown>)[key]);
    if (problem) throw new DatasetError('Dataset settings', `${field.label} (${key}) ${problem}`);
  }
}
