// The confusion matrix of a trained network: predictions from `evaluateBatch` on the test set
// (else the validation set), at most `maxSamples` samples. Rows are the true class, columns the
// predicted one. Used by the training worker and by sweep tasks alike.
import type { SpikeDataset } from '../data/types';
import type { Trainer } from './trainer';

export const CONFUSION_MAX_SAMPLES = 2048;

export async function confusionMatrix(
  trainer: Pick<Trainer, 'evaluateBatch'>,
  dataset: SpikeDataset,
  options: { maxSamples?: number; betweenBatches?: () => Promise<void> } = {},
): Promise<{ matrix: number[][]; samples: number } | null> {
  const split = dataset.size('test') > 0 ? 'test' : 'validation';
  if (dataset.size(split) === 0) return null;
  const maxSamples = options.maxSamples ?? CONFUSION_MAX_SAMPLES;
  const matrix = Array.from({ length: dataset.classes }, () => new Array<number>(dataset.classes).fill(0));
  let samples = 0;
  for (const batch of dataset.batches(split, { batchSize: 256 })) {
    if (samples >= maxSamples) break;
    const { predictions } = await trainer.evaluateBatch(batch);
    predictions.forEach((predicted, i) => {
      const row = matrix[batch.labels[i] as number];
      if (row) row[predicted] = (row[predicted] ?? 0) + 1;
    });
    samples += predictions.length;
    await options.betweenBatches?.();
  }
  return { matrix, samples };
}
