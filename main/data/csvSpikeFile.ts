// Reader for the custom CSV spike format: events "sample,step,unit" plus labels "sample,label".
import { readFile } from 'node:fs/promises';
import { DatasetError } from './datasetError';
import type { SpikeRecording } from './spikeFile';

/**
 * Reads `eventsPath` (rows `sample,step,unit`) and `labelsPath` (rows `sample,label`, one per
 * sample, samples numbered 0..N-1). A first line that is not numeric is taken as a header;
 * empty lines and lines starting with # are skipped. Steps are whole time steps.
 */
export async function readCsvSpikes(eventsPath: string, labelsPath: string): Promise<SpikeRecording> {
  const labelRows = parseCsvInts(await readText(labelsPath), labelsPath, 2);
  const samples = labelRows.length / 2;
  const labels = new Int32Array(samples).fill(-1);
  for (let r = 0; r < samples; r++) {
    const s = labelRows[2 * r]!;
    const label = labelRows[2 * r + 1]!;
    if (s < 0 || s >= samples)
      throw new DatasetError(labelsPath, `sample ${s} is outside 0..${samples - 1} (one row per sample)`);
    if (labels[s] !== -1) throw new DatasetError(labelsPath, `sample ${s} is labelled twice`);
    if (label < 0) throw new DatasetError(labelsPath, `sample ${s} has a negative label ${label}`);
    labels[s] = label;
  }
  const events = parseCsvInts(await readText(eventsPath), eventsPath, 3);
  const counts = new Int32Array(samples);
  for (let e = 0; e < events.length; e += 3) {
    const s = events[e]!;
    if (s < 0 || s >= samples) {
      throw new DatasetError(eventsPath, `event for sample ${s}, but ${labelsPath} labels samples 0..${samples - 1}`);
    }
    if (events[e + 2]! < 0) throw new DatasetError(eventsPath, `negative unit id ${events[e + 2]} for sample ${s}`);
    counts[s]!++;
  }
  const times = Array.from(counts, (n) => new Int32Array(n));
  const units = Array.from(counts, (n) => new Int32Array(n));
  counts.fill(0);
  for (let e = 0; e < events.length; e += 3) {
    const s = events[e]!;
    const k = counts[s]!++;
    times[s]![k] = events[e + 1]!;
    units[s]![k] = events[e + 2]!;
  }
  return { source: eventsPath, samples, times, units, labels };
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new DatasetError(path, `cannot read: ${(error as Error).message}`, { cause: error });
  }
}

/** All integers of a CSV with `columns` columns, row after row. */
function parseCsvInts(text: string, path: string, columns: number): Int32Array {
  const lines = text.split(/\r?\n/);
  const out = new Int32Array(lines.length * columns);
  let n = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(',');
    const values = fields.map((f) => Number(f.trim()));
    if (values.some((v) => !Number.isFinite(v))) {
      if (n === 0 && i === firstContentLine(lines)) continue; // header
      throw new DatasetError(path, `line ${i + 1}: expected ${columns} numbers separated by commas, got "${line}"`);
    }
    if (fields.length !== columns) {
      throw new DatasetError(path, `line ${i + 1}: expected ${columns} columns, got ${fields.length}`);
    }
    for (const v of values) {
      if (!Number.isInteger(v)) throw new DatasetError(path, `line ${i + 1}: ${v} is not a whole number`);
      out[n++] = v;
    }
  }
  return out.slice(0, n);
}

function firstContentLine(lines: string[]): number {
  return lines.findIndex((l) => l.trim() !== '' && !l.trim().startsWith('#'));
}
