import { describe, expect, it } from 'vitest';
import { confusionMatrix } from './confusion';
import { memoryDataset } from './testing';

describe('confusionMatrix', () => {
  it('counts true class by predicted class on the test split, up to the sample limit', async () => {
    const dataset = memoryDataset(3, { train: 10, validation: 0, test: 600 }, 12, 3, 5);
    // A network that always answers "the true class + 1", so every count lands off the diagonal.
    const trainer = {
      evaluateBatch: async (batch: { labels: Int32Array }) => ({
        predictions: Int32Array.from(batch.labels, (l) => (l + 1) % 3),
      }),
    };
    let pauses = 0;
    const result = await confusionMatrix(trainer as never, dataset, {
      maxSamples: 300,
      betweenBatches: async () => {
        pauses++;
      },
    });
    expect(result).not.toBeNull();
    const { matrix, samples } = result!;
    // Batches of 256: the limit is checked between batches, so 512 samples are counted.
    expect(samples).toBe(512);
    expect(pauses).toBe(2);
    expect(matrix.flat().reduce((a, b) => a + b, 0)).toBe(512);
    for (let t = 0; t < 3; t++) {
      expect(matrix[t]![t]).toBe(0);
      expect(matrix[t]![(t + 1) % 3]).toBeGreaterThan(0);
    }
  });

  it('falls back to the validation split, and gives null when there is neither', async () => {
    const trainer = { evaluateBatch: async (b: { labels: Int32Array }) => ({ predictions: b.labels }) };
    const validationOnly = memoryDataset(1, { train: 4, validation: 20, test: 0 }, 6, 2, 3);
    const result = await confusionMatrix(trainer as never, validationOnly);
    expect(result?.samples).toBe(20);
    expect(result!.matrix[0]![0]! + result!.matrix[1]![1]!).toBe(20);
    const none = memoryDataset(1, { train: 4, validation: 0, test: 0 }, 6, 2, 3);
    expect(await confusionMatrix(trainer as never, none)).toBeNull();
  });
});
