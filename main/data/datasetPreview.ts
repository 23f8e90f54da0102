// A few samples as event lists plus per-split class balance: what the inspector draws rasters from.
import { EventDataset } from './eventDataset';
import type { SpikeDataset, Split } from './types';

export interface PreviewSample {
  split: Split;
  /** Position in the split (unshuffled order). */
  index: number;
  label: number;
  /** Time step of each event, non-decreasing; units[i] fired at times[i]. */
  times: number[];
  units: number[];
}

export interface SplitSummary {
  size: number;
  /** Samples per class, index = label. */
  classCounts: number[];
  /** Mean events per sample. */
  meanEvents: number;
}

export interface DatasetPreview {
  name: string;
  inputUnits: number;
  classes: number;
  timeSteps: number;
  classNames?: readonly string[];
  splits: Record<Split, SplitSummary>;
  samples: PreviewSample[];
}

const SPLITS: Split[] = ['train', 'validation', 'test'];

/** Summarises a dataset and returns the first `samples` samples of `split` (default train). */
export function datasetPreview(
  dataset: SpikeDataset,
  options: { samples?: number; split?: Split } = {},
): DatasetPreview {
  const split = options.split ?? 'train';
  const wanted = Math.min(options.samples ?? 8, dataset.size(split));
  const summaries = {} as Record<Split, SplitSummary>;
  for (const s of SPLITS) summaries[s] = summarise(dataset, s);
  const samples: PreviewSample[] = [];
  if (wanted > 0) {
    const [batch] = dataset.batches(split, { batchSize: wanted });
    if (batch) {
      const T = batch.timeSteps;
      for (let b = 0; b < batch.batchSize; b++) {
        const times: number[] = [];
        const units: number[] = [];
        for (let t = 0; t < T; t++) {
          for (let e = batch.offsets[b * T + t]!; e < batch.offsets[b * T + t + 1]!; e++) {
            times.push(t);
            units.push(batch.units[e]!);
          }
        }
        samples.push({ split, index: b, label: batch.labels[b]!, times, units });
      }
    }
  }
  return {
    name: dataset.name,
    inputUnits: dataset.inputUnits,
    classes: dataset.classes,
    timeSteps: dataset.timeSteps,
    ...(dataset instanceof EventDataset && dataset.classNames ? { classNames: dataset.classNames } : {}),
    splits: summaries,
    samples,
  };
}

function summarise(dataset: SpikeDataset, split: Split): SplitSummary {
  const size = dataset.size(split);
  if (dataset instanceof EventDataset) {
    return {
      size,
      classCounts: Array.from(dataset.classCounts(split)),
      meanEvents: size ? dataset.eventCount(split) / size : 0,
    };
  }
  // Any other SpikeDataset: one pass over its batches.
  const classCounts = new Array<number>(dataset.classes).fill(0);
  let events = 0;
  for (const batch of dataset.batches(split, { batchSize: 1024 })) {
    for (const label of batch.labels) classCounts[label] = (classCounts[label] ?? 0) + 1;
    events += batch.units.length;
  }
  return { size, classCounts, meanEvents: size ? events / size : 0 };
}
