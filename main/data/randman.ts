// Randman: the synthetic spike-timing task of Zenke & Vogels (2021), generated from a seed.
import { mixSeeds, Random } from '../util/random';
import { EventDataset, holdOut } from './eventDataset';
import { type EventTable, EventTableBuilder } from './eventTable';

export interface RandmanParams {
  classes: number;
  /** Embedding dimension M: one input unit per manifold coordinate. */
  inputs: number;
  /** Manifold dimension D. */
  manifoldDim: number;
  /** Spectral fall-off alpha: larger is smoother. */
  smoothness: number;
  samplesPerClass: number;
  timeSteps: number;
  /** Spikes fall in the first stepFrac * timeSteps steps. */
  stepFrac: number;
  dataSeed: number;
  /** Share of the non-test samples held out for validation. */
  validationFraction: number;
}

/** Share of all samples kept for the test split, as in the paper's 80/10/10 protocol. */
export const RANDMAN_TEST_FRACTION = 0.1;

const PRECISION = 1e-3;
const MAX_FOURIER_TERMS = 1000;
// Randman subtracts min and divides by (max - min + eps): values land in [0, 1).
const STANDARDISE_EPS = 1e-7;
const SPLIT_STREAM = 0x7e57;

/** F = min(ceil(prec^(-1/alpha)), 1000), the reference's frequency cut-off. */
export function fourierTerms(alpha: number): number {
  return Math.min(Math.ceil(PRECISION ** (-1 / alpha)), MAX_FOURIER_TERMS);
}

/**
 * Values of one class's random manifold at `samples` random points, standardised per unit:
 * row-major [samples, inputs], each column in [0, 1). Draw order from `rng` (part of the
 * determinism contract): theta as (M, D, 3, F) in row-major order, then x as (N, D).
 */
export function randmanManifoldValues(
  rng: Random,
  inputs: number,
  manifoldDim: number,
  alpha: number,
  samples: number,
): Float64Array {
  const F = fourierTerms(alpha);
  const M = inputs;
  const D = manifoldDim;
  const theta = rng.fillUniform(new Float64Array(M * D * 3 * F));
  // The reference (randman, use_bias=False) zeroes the amplitude of the constant i = 0 term.
  for (let md = 0; md < M * D; md++) theta[md * 3 * F] = 0;
  const x = rng.fillUniform(new Float64Array(samples * D));
  const spectrum = new Float64Array(F);
  for (let i = 0; i < F; i++) spectrum[i] = 1 / ((i + 1) ** alpha + 1);

  const table = SIN_TABLE;
  const amplitude = new Float64Array(F);
  const frequency = new Float64Array(F);
  const phase = new Float64Array(F);
  const y = new Float64Array(samples * M);
  const g = new Float64Array(samples);
  const xd = new Float64Array(samples);
  for (let m = 0; m < M; m++) {
    const product = new Float64Array(samples).fill(1);
    for (let d = 0; d < D; d++) {
      const p = (m * D + d) * 3 * F;
      for (let n = 0; n < samples; n++) xd[n] = x[n * D + d]!;
      for (let i = 0; i < F; i++) {
        amplitude[i] = theta[p + i]! * spectrum[i]!;
        frequency[i] = i * theta[p + F + i]!;
        phase[i] = theta[p + 2 * F + i]!;
      }
      sumOfSines(amplitude, frequency, phase, xd, g, table);
      for (let n = 0; n < samples; n++) product[n]! *= g[n]!;
    }
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (let n = 0; n < samples; n++) {
      const v = product[n]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const scale = 1 / (hi - lo + STANDARDISE_EPS);
    for (let n = 0; n < samples; n++) y[n * M + m] = (product[n]! - lo) * scale;
  }
  return y;
}

/** Builds the Randman event table: sample k * samplesPerClass + n is sample n of class k. */
export function randmanTable(params: RandmanParams): EventTable {
  const { classes, inputs, samplesPerClass: N, timeSteps: T, stepFrac } = params;
  const builder = new EventTableBuilder({
    samples: classes * N,
    timeSteps: T,
    inputUnits: inputs,
    classes,
    source: 'Randman',
    expectedEvents: classes * N * inputs,
  });
  const steps = new Int32Array(inputs);
  const units = new Int32Array(inputs);
  for (let m = 0; m < inputs; m++) units[m] = m;
  const window = T * stepFrac;
  for (let k = 0; k < classes; k++) {
    // One independent stream per class, so adding classes leaves the earlier ones unchanged.
    const rng = new Random(mixSeeds(params.dataSeed, k));
    const y = randmanManifoldValues(rng, inputs, params.manifoldDim, params.smoothness, N);
    for (let n = 0; n < N; n++) {
      for (let m = 0; m < inputs; m++) steps[m] = Math.min(T - 1, Math.floor(window * y[n * inputs + m]!));
      builder.addSample(k, steps, units);
    }
  }
  return builder.build();
}

/**
 * The Randman dataset: 10% of all samples (drawn with the data seed) form the test split;
 * `validationFraction` of the rest is held out for validation; the remainder trains.
 */
export function openRandman(params: RandmanParams): EventDataset {
  const table = randmanTable(params);
  const all = new Int32Array(table.samples);
  for (let i = 0; i < all.length; i++) all[i] = i;
  const { kept: pool, held: test } = holdOut(all, RANDMAN_TEST_FRACTION, mixSeeds(params.dataSeed, SPLIT_STREAM));
  const { kept: train, held: validation } = holdOut(pool, params.validationFraction, params.dataSeed);
  return new EventDataset({
    name: `Randman (${params.classes} classes, ${params.inputs} inputs, D=${params.manifoldDim})`,
    classes: params.classes,
    splits: {
      train: { table, rows: train },
      validation: { table, rows: validation },
      test: { table, rows: test },
    },
  });
}

// sin(2 pi u) from a table with linear interpolation: the reference sums up to 1000 terms
// per unit and sample, and Math.sin on large arguments dominated generation time. Worst-case
// error 2 pi^2 / SIN_TABLE_SIZE^2 ~ 3e-7, below the float32 rounding of the reference code.
const SIN_TABLE_SIZE = 8192;
const SIN_TABLE = (() => {
  const table = new Float64Array(SIN_TABLE_SIZE + 1);
  for (let i = 0; i <= SIN_TABLE_SIZE; i++) table[i] = Math.sin((2 * Math.PI * i) / SIN_TABLE_SIZE);
  return table;
})();

const SIN_SCALE = SIN_TABLE_SIZE;

/**
 * out[n] = sum_i amplitude[i] * sin(2 pi (frequency[i] * x[n] + phase[i])), the hot loop
 * (N * M * D * F = 2e8 terms in the paper's setting). sinTurns is inlined by hand, and four
 * samples share each term's loads: together about 1.5x faster than the plain double loop.
 * Arguments are non-negative, so truncation (| 0) is the floor.
 */
function sumOfSines(
  amplitude: Float64Array,
  frequency: Float64Array,
  phase: Float64Array,
  x: Float64Array,
  out: Float64Array,
  table: Float64Array,
): void {
  const F = amplitude.length;
  const N = x.length;
  const S = SIN_SCALE;
  let n = 0;
  for (; n + 3 < N; n += 4) {
    const x0 = x[n]!;
    const x1 = x[n + 1]!;
    const x2 = x[n + 2]!;
    const x3 = x[n + 3]!;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let i = 0; i < F; i++) {
      const f = frequency[i]!;
      const p = phase[i]!;
      const a = amplitude[i]!;
      const w0 = f * x0 + p;
      const v0 = (w0 - (w0 | 0)) * S;
      const j0 = v0 | 0;
      const l0 = table[j0]!;
      s0 += a * (l0 + (table[j0 + 1]! - l0) * (v0 - j0));
      const w1 = f * x1 + p;
      const v1 = (w1 - (w1 | 0)) * S;
      const j1 = v1 | 0;
      const l1 = table[j1]!;
      s1 += a * (l1 + (table[j1 + 1]! - l1) * (v1 - j1));
      const w2 = f * x2 + p;
      const v2 = (w2 - (w2 | 0)) * S;
      const j2 = v2 | 0;
      const l2 = table[j2]!;
      s2 += a * (l2 + (table[j2 + 1]! - l2) * (v2 - j2));
      const w3 = f * x3 + p;
      const v3 = (w3 - (w3 | 0)) * S;
      const j3 = v3 | 0;
      const l3 = table[j3]!;
      s3 += a * (l3 + (table[j3 + 1]! - l3) * (v3 - j3));
    }
    out[n] = s0;
    out[n + 1] = s1;
    out[n + 2] = s2;
    out[n + 3] = s3;
  }
  for (; n < N; n++) {
    let sum = 0;
    for (let i = 0; i < F; i++) sum += amplitude[i]! * sinTurns(frequency[i]! * x[n]! + phase[i]!);
    out[n] = sum;
  }
}

/** sin(2 pi u) for u >= 0 (u < 2^31), as used by the generator. */
export function sinTurns(u: number): number {
  const f = (u - (u | 0)) * SIN_TABLE_SIZE;
  const i = f | 0;
  const a = SIN_TABLE[i]!;
  return a + (SIN_TABLE[i + 1]! - a) * (f - i);
}
