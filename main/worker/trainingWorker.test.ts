// The training worker as the backend runs it (a child process), on what issue 17 found:
// a run whose initial weights overflow must not hand back a document with non-finite weights.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { TrainingEvent } from '../../shared/api/contract';
import { loadSnnFile, serializeSnnFile } from '../../shared/file/snnFile';
import { createTrainingService, forkWorker } from '../services/training';

const workerPath = fileURLToPath(new URL('./trainingWorker.ts', import.meta.url));
const example = readFileSync(fileURLToPath(new URL('../../examples/randman.snn.json', import.meta.url)), 'utf8');

function runToEnd(document: string): Promise<TrainingEvent[]> {
  return new Promise((resolve) => {
    const events: TrainingEvent[] = [];
    const service = createTrainingService({
      spawn: () => forkWorker(workerPath),
      emit: (e) => {
        events.push(e);
        if (e.type === 'done' || e.type === 'failed') resolve(events);
      },
    });
    void service.start({ document, engine: 'fast', resumeWeights: false });
  });
}

describe('training worker', () => {
  it('with a connection scale of 1e45 fails at once and hands back no document', async () => {
    const loaded = loadSnnFile(example, 'example');
    if (!loaded.ok) throw new Error(loaded.error);
    const file = loaded.file;
    for (const edge of file.graph.edges) if (edge.kind === 'connection') edge.params.scale = 1e45;
    const events = await runToEnd(serializeSnnFile(file));
    const failed = events.at(-1);
    expect(failed?.type).toBe('failed');
    if (failed?.type !== 'failed') return;
    expect(failed.message).toMatch(/initial weights of connection '.+' are NaN or infinite/);
    expect(failed.message).toMatch(/weights are left unchanged/);
    expect(failed.hadGoodWeights).toBe(false);
    // No document: the UI keeps the user's own, whose weights stay what they were.
    expect(failed.document).toBeUndefined();
    expect(events.some((e) => e.type === 'batch')).toBe(false);
  }, 60_000);
});
