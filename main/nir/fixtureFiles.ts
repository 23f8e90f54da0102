// Reading the golden NIR fixtures (main/nir/fixtures/README.md) in tests: the files' bytes, the
// recorded third-party runs, and the fixed input as a SpikeBatch.
import { readFileSync } from 'node:fs';
import type { SpikeBatch } from '../data/types';

const dir = new URL('./fixtures/', import.meta.url);

export interface FixtureLayer {
  spikes?: [number, number, number][];
  membrane?: number[][][];
  membrane_pre_reset?: number[][][];
}

export interface FixtureInput {
  /** [batch, steps, units] */
  shape: [number, number, number];
  /** One [sample, step, unit] triple per spike. */
  spikes: [number, number, number][];
}

export interface Fixture {
  dt: number;
  input: FixtureInput;
  runs: Record<string, { status: string; layers?: Record<string, FixtureLayer> }>;
}

/** The bytes of `fixtures/<name>.nir`. */
export function fixtureNir(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`${name}.nir`, dir)));
}

/** `fixtures/<name>.json`: the input and the runs recorded from it. */
export function fixtureRuns(name: string): Fixture {
  return JSON.parse(readFileSync(new URL(`${name}.json`, dir), 'utf8')) as Fixture;
}

/** A fixture's input as the engine's and the simulator's SpikeBatch (units sorted per step). */
export function fixtureBatch(input: FixtureInput): SpikeBatch {
  const [B, T, N] = input.shape;
  const rows: number[][] = Array.from({ length: B * T }, () => []);
  for (const [b, t, u] of input.spikes) rows[b * T + t]?.push(u);
  const offsets = new Int32Array(B * T + 1);
  const units: number[] = [];
  rows.forEach((r, k) => {
    units.push(...r.sort((a, b) => a - b));
    offsets[k + 1] = units.length;
  });
  return {
    batchSize: B,
    timeSteps: T,
    inputUnits: N,
    offsets,
    units: Int32Array.from(units),
    labels: new Int32Array(B),
  };
}
