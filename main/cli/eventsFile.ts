// The events file `run --input` reads: recorded input spikes for one or more samples.
//   {"timeSteps": T, "units": N, "events": [[step, unit], ...], "label"?: k}
//   {"timeSteps": T, "units": N, "samples": [{"events": [[step, unit], ...], "label"?: k}, ...]}
// Steps are integers in [0, T), units in [0, N); the order of events does not matter.
import type { SpikeBatch } from '../data/types';

export type EventsFileResult = { ok: true; batch: SpikeBatch } | { ok: false; error: string };

export function parseEventsFile(json: unknown, timeSteps: number, units: number): EventsFileResult {
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    return { ok: false, error: 'expected a JSON object with timeSteps, units and events' };
  const doc = json as Record<string, unknown>;
  if (doc.timeSteps !== timeSteps)
    return { ok: false, error: `timeSteps is ${String(doc.timeSteps)}; the network expects ${timeSteps}` };
  if (doc.units !== units) return { ok: false, error: `units is ${String(doc.units)}; the network expects ${units}` };
  const samples: unknown[] = Array.isArray(doc.samples) ? doc.samples : [doc];
  if (samples.length === 0) return { ok: false, error: 'samples is empty' };
  const offsets = new Int32Array(samples.length * timeSteps + 1);
  const all: number[] = [];
  const labels = new Int32Array(samples.length);
  for (let b = 0; b < samples.length; b++) {
    const sample = samples[b] as Record<string, unknown> | null;
    const where = samples.length > 1 ? `samples[${b}]` : 'the file';
    if (typeof sample !== 'object' || sample === null || !Array.isArray(sample.events))
      return { ok: false, error: `${where} has no events array` };
    const label = sample.label ?? 0;
    if (typeof label !== 'number' || !Number.isInteger(label) || label < 0)
      return { ok: false, error: `${where}: label must be a whole number` };
    labels[b] = label;
    const perStep: number[][] = Array.from({ length: timeSteps }, () => []);
    for (const [i, e] of (sample.events as unknown[]).entries()) {
      if (!Array.isArray(e) || e.length !== 2)
        return { ok: false, error: `${where}: events[${i}] is not [step, unit]` };
      const [t, u] = e as [unknown, unknown];
      if (typeof t !== 'number' || !Number.isInteger(t) || t < 0 || t >= timeSteps)
        return { ok: false, error: `${where}: events[${i}] has step ${String(t)}, outside 0..${timeSteps - 1}` };
      if (typeof u !== 'number' || !Number.isInteger(u) || u < 0 || u >= units)
        return { ok: false, error: `${where}: events[${i}] has unit ${String(u)}, outside 0..${units - 1}` };
      (perStep[t] as number[]).push(u);
    }
    for (let t = 0; t < timeSteps; t++) {
      // One spike per unit per step: duplicates in a file mean the same event.
      const unique = [...new Set(perStep[t])].sort((a, c) => a - c);
      all.push(...unique);
      offsets[b * timeSteps + t + 1] = all.length;
    }
  }
  return {
    ok: true,
    batch: {
      batchSize: samples.length,
      timeSteps,
      inputUnits: units,
      offsets,
      units: Int32Array.from(all),
      labels,
    },
  };
}
