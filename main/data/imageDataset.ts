// Fashion-MNIST and MNIST: IDX images latency-coded once into event tables.
import { FASHION_MNIST_CLASSES } from '../../shared/graph/datasetClasses';
import { CATALOG } from './catalog';
import { DatasetError } from './datasetError';
import { EventDataset, splitsFromTrainTest } from './eventDataset';
import { type EventTable, EventTableBuilder } from './eventTable';
import { type IdxArray, readIdxFile } from './idxFile';
import { type LatencyCodeParams, latencyTable } from './latencyCode';
import { locateFiles } from './locateFiles';

export interface ImageDatasetParams extends LatencyCodeParams {
  dataset: 'fashion-mnist' | 'mnist';
  /** Folder (or a file in it) the user picked; empty to search the cache and system folders. */
  path: string;
  validationFraction: number;
  dataSeed: number;
}

const IMAGE_CLASSES = 10;

export async function openImageDataset(params: ImageDatasetParams, cacheDir?: string): Promise<EventDataset> {
  const entry = CATALOG[params.dataset];
  const files = locateFiles(entry, params.path, cacheDir);
  const path = (name: string) => files.get(name)!;
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all(
    [
      'train-images-idx3-ubyte.gz',
      'train-labels-idx1-ubyte.gz',
      't10k-images-idx3-ubyte.gz',
      't10k-labels-idx1-ubyte.gz',
    ].map((name) => readIdxFile(path(name))),
  );
  const train = encodeImages(
    trainImages!,
    trainLabels!,
    params,
    path('train-images-idx3-ubyte.gz'),
    path('train-labels-idx1-ubyte.gz'),
  );
  const test = encodeImages(
    testImages!,
    testLabels!,
    params,
    path('t10k-images-idx3-ubyte.gz'),
    path('t10k-labels-idx1-ubyte.gz'),
  );
  return new EventDataset({
    name: `${params.dataset === 'mnist' ? 'MNIST' : 'Fashion-MNIST'} (latency code)`,
    classes: IMAGE_CLASSES,
    splits: splitsFromTrainTest(train, test, params.validationFraction, params.dataSeed),
    ...(params.dataset === 'fashion-mnist' ? { classNames: FASHION_MNIST_CLASSES } : {}),
  });
}

/** Latency-codes every image once: one spike per pixel at most, at step floor(t). */
export function encodeImages(
  images: IdxArray,
  labels: IdxArray,
  code: LatencyCodeParams,
  imageSource: string,
  labelSource: string,
): EventTable {
  if (images.shape.length !== 3) {
    throw new DatasetError(
      imageSource,
      `expected images of shape [count, rows, columns], got [${images.shape.join(', ')}]`,
    );
  }
  if (labels.shape.length !== 1) {
    throw new DatasetError(labelSource, `expected labels of shape [count], got [${labels.shape.join(', ')}]`);
  }
  const [count, rows, columns] = images.shape as [number, number, number];
  if (labels.shape[0] !== count) {
    throw new DatasetError(labelSource, `has ${labels.shape[0]} labels but ${imageSource} has ${count} images`);
  }
  const pixels = rows * columns;
  const lut = latencyTable(code);
  const builder = new EventTableBuilder({
    samples: count,
    timeSteps: code.timeSteps,
    inputUnits: pixels,
    classes: IMAGE_CLASSES,
    source: labelSource,
    expectedEvents: count * Math.ceil(pixels / 2),
  });
  const steps = new Int32Array(pixels);
  const units = new Int32Array(pixels);
  const data = images.data;
  for (let s = 0; s < count; s++) {
    let n = 0;
    const base = s * pixels;
    for (let p = 0; p < pixels; p++) {
      const step = lut[data[base + p]!]!;
      if (step >= 0) {
        steps[n] = step;
        units[n++] = p;
      }
    }
    builder.addSample(labels.data[s]!, steps, units, n);
  }
  return builder.build();
}
