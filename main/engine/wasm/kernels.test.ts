// Each WebAssembly kernel against the plain-JS loop it replaces (reference.ts, as
// fastEngine.ts has it) on random inputs: bit for bit (signed zeros included) for the row
// adds, the LIF and readout forward and the adjoint recursion; to float32 rounding for the
// dense products. And the committed module is the one its source builds.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { Random } from '../../util/random';
import { neuronAdjointBatch, neuronForwardSample, neuronState, neuronTrace } from '../fast/neurons';
import { addMatMulTransposed } from '../fast/products';
import { type NeuronArrays, neuronGrads } from '../neuronParams';
import type { PopulationPlan } from '../plan';
import { trainingSurrogate } from '../surrogate';
import {
  DIFFERENTIATED,
  KernelMemory,
  NIR,
  panelLength,
  SPARSE,
  surrogateKind,
  wasmKernelsAvailable,
  ZERO_RESET,
} from './kernels';
import {
  accumulateWeightGradJs,
  addSpikeRowsJs,
  adjointRowJs,
  adjointSampleJs,
  lifForwardJs,
  randomF32,
  randomSpikes,
  readoutForwardJs,
  recurrentProductJs,
} from './reference';

type Arr = Float32Array | Float64Array | Int32Array | Uint8Array;

/** Index and values of the first element where a and b differ (Object.is: -0 is not 0), or null. */
function firstDifference(a: Arr, b: Arr): string | null {
  if (a.length !== b.length) return `lengths ${a.length} and ${b.length}`;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return `at ${i}: wasm ${a[i]}, JS ${b[i]}`;
  return null;
}

function expectSame(what: string, wasm: Arr, js: Arr) {
  expect(firstDifference(wasm, js), what).toBeNull();
}

const sizes = [1, 2, 3, 4, 5, 7, 8, 16, 17, 20, 31, 100, 203];

/**
 * The sparse backward's kept membranes of `rows` rows of N (the forward's keepActive, in
 * JS): per row, the units j with |um - theta_j| < window in float64, in j order.
 */
function keptLists(um: Float32Array, rows: number, N: number, theta: number | Float64Array, window: number) {
  const offsets = new Int32Array(rows + 1);
  const units: number[] = [];
  const values: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < N; j++) {
      const u = um[r * N + j] as number;
      const x = u - (typeof theta === 'number' ? theta : (theta[j] as number));
      if (x < window && x > -window) {
        units.push(j);
        values.push(u);
      }
    }
    offsets[r + 1] = units.length;
  }
  return { offsets, units: Int32Array.from(units), values: Float32Array.from(values) };
}

/** Room in `mem` for the kept lists of `rows` rows of N; offsets[0] = 0. */
function keptRoom(mem: KernelMemory, rows: number, N: number) {
  const offsets = mem.alloc((rows + 1) * 4);
  mem.i32(offsets, 1)[0] = 0;
  return { offsets, units: mem.alloc(rows * N * 4), values: mem.alloc(rows * N * 4) };
}

/** The kept lists the kernels wrote at `room` against keptLists' (bit for bit). */
function expectKept(
  what: string,
  mem: KernelMemory,
  room: ReturnType<typeof keptRoom>,
  want: ReturnType<typeof keptLists>,
) {
  const rows = want.offsets.length - 1;
  expectSame(`${what} kept offsets`, mem.i32(room.offsets, rows + 1), want.offsets);
  const count = want.units.length;
  expectSame(`${what} kept units`, mem.i32(room.units, count), want.units);
  expectSame(`${what} kept membranes`, mem.f32(room.values, count), want.values);
}

describe('WebAssembly SIMD kernels against the JS loops', () => {
  it('compile and instantiate in this runtime', () => {
    expect(wasmKernelsAvailable()).toBe(true);
  });

  it('addSpikeRows adds one weight row per presynaptic spike, as the JS row adds', () => {
    const rng = new Random(1);
    for (const N of sizes) {
      const T = 9;
      const B = 3;
      const rows = 37;
      const w = randomF32(rng, rows * N);
      const spikes = randomSpikes(rng, B * T, rows, 0.2);
      const mem = new KernelMemory();
      const wp = mem.put(w);
      const up = mem.put(spikes.units.length ? spikes.units : new Int32Array(1));
      const op = mem.put(spikes.offsets);
      const dp = mem.alloc(T * N * 4);
      for (let b = 0; b < B; b++) {
        const start = randomF32(rng, T * N);
        mem.f32(dp, T * N).set(start);
        mem.k.addSpikeRows(dp, wp, N, T, up, op + b * T * 4);
        const js = start.slice();
        addSpikeRowsJs(js, w, N, T, b, spikes.units, spikes.offsets);
        expectSame(`N=${N} b=${b}`, mem.f32(dp, T * N), js);
      }
    }
  });

  it('accumulateWeightGrad sums the drive gradient over presynaptic spikes up to each last active step', () => {
    const rng = new Random(2);
    for (const N of sizes) {
      const T = 11;
      const B = 4;
      const M = 29;
      const gD = randomF32(rng, B * T * N, 0, 1, 0.1);
      const spikes = randomSpikes(rng, B * T, M, 0.15);
      const lastActive = Int32Array.from({ length: B }, () => rng.int(T + 1) - 1);
      const dW = randomF32(rng, M * N);
      const mem = new KernelMemory();
      const dWp = mem.put(dW);
      const gp = mem.put(gD);
      const up = mem.put(spikes.units.length ? spikes.units : new Int32Array(1));
      const op = mem.put(spikes.offsets);
      const lp = mem.put(lastActive);
      mem.k.accumulateWeightGrad(dWp, gp, N, T, B, up, op, lp);
      const js = dW.slice();
      accumulateWeightGradJs(js, gD, spikes.units, spikes.offsets, lastActive, B, T, N);
      expectSame(`N=${N}`, mem.f32(dWp, M * N), js);
    }
  });

  const lifCases = [
    { zero: true, rec: false, keep: true, theta: 1, scaleInput: false },
    { zero: true, rec: true, keep: true, theta: 1, scaleInput: false },
    { zero: false, rec: false, keep: true, theta: 0.7, scaleInput: true },
    { zero: false, rec: true, keep: false, theta: 0.7, scaleInput: false },
    { zero: true, rec: true, keep: false, theta: 0.3, scaleInput: true },
    { zero: true, rec: false, keep: true, theta: 1, scaleInput: false, nir: true },
    { zero: true, rec: true, keep: true, theta: 1, scaleInput: true, nir: true },
    { zero: false, rec: true, keep: true, theta: 0.7, scaleInput: false, nir: true },
  ];
  for (const cs of lifCases)
    it(`lifForward gives the JS LIF step's spikes, membranes and state (${'nir' in cs ? "NIR's step, " : ''}${cs.zero ? 'zero' : 'subtract'} reset${cs.rec ? ', recurrent' : ''}, theta ${cs.theta}${cs.keep ? ', keeping sg/mem/pre' : ''})`, () => {
      const rng = new Random(3);
      for (const N of sizes) {
        const T = 40;
        const B = 2;
        const alpha = Math.exp(-1 / 5);
        const beta = Math.exp(-1 / 10);
        const c = cs.scaleInput ? 1 - beta : 1;
        const rec = cs.rec ? randomF32(rng, N * N, 0, 0.3) : null;
        const mem = new KernelMemory();
        const Up = mem.alloc(N * 4);
        const Ip = mem.alloc(N * 4);
        const dp = mem.alloc(T * N * 4);
        const rp = rec ? mem.put(rec) : 0;
        const spp = mem.alloc(B * T * N);
        const unp = mem.alloc(B * T * N * 4 + 4);
        const ofp = mem.alloc((B * T + 1) * 4);
        const sgp = cs.keep ? mem.alloc(B * T * N * 4) : 0;
        const mmp = cs.keep ? mem.alloc(B * T * N * 4) : 0;
        const prp = cs.keep ? mem.alloc(B * T * N * 4) : 0;
        const window = 0.3 * cs.theta;
        const kept = cs.keep ? keptRoom(mem, B * T, N) : null;
        const js = {
          U: new Float32Array(N),
          I: new Float32Array(N),
          drive: new Float32Array(T * N),
          rec,
          spiked: new Uint8Array(B * T * N),
          units: new Int32Array(B * T * N),
          offsets: new Int32Array(B * T + 1),
          sg: cs.keep ? new Float32Array(B * T * N) : null,
          mem: cs.keep ? new Float32Array(B * T * N) : null,
          pre: cs.keep ? new Float32Array(B * T * N) : null,
        };
        mem.i32(ofp, 1)[0] = 0;
        let cursorW = 0;
        let cursorJ = 0;
        for (let b = 0; b < B; b++) {
          const drive = randomF32(rng, T * N, 0.25 * cs.theta, 0.6 * cs.theta);
          mem.f32(dp, T * N).set(drive);
          js.drive.set(drive);
          const base = b * T * N;
          cursorW = mem.k.lifForward(
            Up,
            Ip,
            N,
            T,
            dp,
            rp,
            spp + base,
            unp,
            cursorW,
            ofp + (b * T + 1) * 4,
            alpha,
            beta,
            c,
            cs.theta,
            cs.zero,
            sgp ? sgp + base * 4 : 0,
            mmp ? mmp + base * 4 : 0,
            prp ? prp + base * 4 : 0,
            'nir' in cs,
            kept ? kept.offsets + b * T * 4 : 0,
            kept ? kept.units : 0,
            kept ? kept.values : 0,
            window,
          );
          cursorJ = lifForwardJs(js, N, T, b, cursorJ, alpha, beta, c, cs.theta, cs.zero, 'nir' in cs);
          expectSame(`N=${N} b=${b} drive (recurrent rows added)`, mem.f32(dp, T * N), js.drive);
          expectSame(`N=${N} b=${b} U`, mem.f32(Up, N), js.U);
          expectSame(`N=${N} b=${b} I`, mem.f32(Ip, N), js.I);
        }
        expect(cursorW).toBe(cursorJ);
        expect(cursorJ, 'some spikes, not all').toBeGreaterThan(0);
        expect(cursorJ).toBeLessThan(B * T * N);
        expectSame(`N=${N} spiked`, mem.u8(spp, B * T * N), js.spiked);
        expectSame(`N=${N} units`, mem.i32(unp, cursorJ), js.units.subarray(0, cursorJ));
        expectSame(`N=${N} offsets`, mem.i32(ofp, B * T + 1), js.offsets);
        if (cs.keep) {
          expectSame(`N=${N} sg`, mem.f32(sgp, B * T * N), js.sg as Float32Array);
          expectSame(`N=${N} mem`, mem.f32(mmp, B * T * N), js.mem as Float32Array);
          expectSame(`N=${N} pre`, mem.f32(prp, B * T * N), js.pre as Float32Array);
          // The sparse backward's lists: exactly the membranes inside the window, no others.
          const want = keptLists(js.sg as Float32Array, B * T, N, cs.theta, window);
          expectKept(`N=${N}`, mem, kept as ReturnType<typeof keptRoom>, want);
          expect(N < 20 || (want.units.length > 0 && want.units.length < B * T * N), 'some kept, not all').toBe(true);
        }
      }
    });

  it("readoutForward gives the JS readout's membrane trace", () => {
    const rng = new Random(4);
    for (const N of sizes) {
      const T = 30;
      const B = 2;
      const alpha = Math.exp(-1 / 5);
      const beta = Math.exp(-1 / 10);
      for (const c of [1, 1 - beta]) {
        const mem = new KernelMemory();
        const Up = mem.alloc(N * 4);
        const Ip = mem.alloc(N * 4);
        const dp = mem.alloc(T * N * 4);
        const yp = mem.alloc(B * (T + 1) * N * 4);
        const jsU = new Float32Array(N);
        const jsI = new Float32Array(N);
        const jsY = new Float32Array(B * (T + 1) * N);
        for (let b = 0; b < B; b++) {
          const drive = randomF32(rng, T * N);
          mem.f32(dp, T * N).set(drive);
          mem.k.readoutForward(Up, Ip, N, T, dp, yp + b * (T + 1) * N * 4, alpha, beta, c);
          readoutForwardJs(jsU, jsI, N, T, b, drive, jsY, alpha, beta, c);
        }
        expectSame(`N=${N} c=${c} y`, mem.f32(yp, B * (T + 1) * N), jsY);
        expectSame(`N=${N} U`, mem.f32(Up, N), jsU);
      }
    }
  });

  const surrogates = ['fast-sigmoid', 'piecewise-linear', 'arctan'] as const;
  const adjointCases = [
    { zero: true, differentiated: false, counts: false, sparse: false }, // the common case
    { zero: true, differentiated: false, counts: false, sparse: true },
    { zero: true, differentiated: true, counts: false, sparse: false },
    { zero: true, differentiated: false, counts: true, sparse: false },
    { zero: false, differentiated: false, counts: true, sparse: true },
    { zero: false, differentiated: true, counts: true, sparse: false },
    { zero: true, differentiated: false, counts: false, sparse: false, nir: true }, // NIR's common case
    { zero: true, differentiated: true, counts: true, sparse: false, nir: true },
    { zero: false, differentiated: true, counts: false, sparse: true, nir: true },
  ];

  function adjointInputs(rng: Random, B: number, T: number, N: number, theta: number) {
    const cells = B * T * N;
    const spiked = new Uint8Array(cells);
    for (let i = 0; i < cells; i++) spiked[i] = rng.uniform() < 0.2 ? 1 : 0;
    const gCount = new Float64Array(B * N);
    for (let i = 0; i < B * N; i++) gCount[i] = rng.normal(0, 0.01);
    return {
      gD: new Float32Array(cells),
      gS: randomF32(rng, cells, 0, 0.05, 0.3),
      gCount,
      pre: randomF32(rng, cells, theta, 0.5),
      um: randomF32(rng, cells, theta, 0.3),
      spiked,
    };
  }

  for (const cs of adjointCases)
    it(`adjointSample gives the JS adjoint recursion (${'nir' in cs ? 'NIR, ' : ''}${cs.zero ? 'zero' : 'subtract'} reset${cs.differentiated ? ' differentiated' : ''}${cs.counts ? ', count gradients' : ''}${cs.sparse ? ', sparse window' : ''}; every surrogate it takes, scales 1-100)`, () => {
      const rng = new Random(5);
      for (const name of surrogates)
        for (const scale of [1, 5, 20, 100])
          for (const N of [1, 3, 4, 7, 20, 100, 203]) {
            const T = 25;
            const B = 2;
            const theta = 0.8;
            const a = adjointInputs(rng, B, T, N, theta);
            const k = {
              theta,
              alpha: Math.exp(-1 / 5),
              beta: Math.exp(-1 / 10),
              c: 1,
              zero: cs.zero,
              differentiated: cs.differentiated,
              nir: 'nir' in cs,
              sg: trainingSurrogate({
                surrogate: name,
                surrogateScale: scale,
                sparseBackward: cs.sparse,
                sparseWindow: 0.05,
              }),
            };
            const mem = new KernelMemory();
            const cells = B * T * N;
            const lup = mem.alloc(N * 4);
            const lip = mem.alloc(N * 4);
            const gDp = mem.alloc(cells * 4);
            const gSp = mem.put(a.gS);
            const gcp = mem.put(a.gCount);
            const prp = mem.put(a.pre);
            const ump = mem.put(a.um);
            const spp = mem.put(a.spiked);
            const flags =
              (cs.zero ? ZERO_RESET : 0) |
              (cs.differentiated ? DIFFERENTIATED : 0) |
              (cs.sparse ? SPARSE : 0) |
              ('nir' in cs ? NIR : 0);
            const lu = new Float32Array(N);
            const li = new Float32Array(N);
            const js = { ...a, gCount: cs.counts ? a.gCount : null, pre: cs.differentiated && cs.zero ? a.pre : null };
            for (let b = 0; b < B; b++) {
              const last = b === 0 ? T - 1 : rng.int(T);
              const base = b * T * N;
              mem.k.adjointSample(
                lup,
                lip,
                N,
                last,
                gDp + base * 4,
                gSp + base * 4,
                cs.counts ? gcp + b * N * 8 : 0,
                js.pre ? prp + base * 4 : 0,
                ump + base * 4,
                spp + base,
                theta,
                k.alpha,
                k.beta,
                k.c,
                flags,
                surrogateKind(name) as number,
                scale,
                Math.PI * scale,
                0.05,
              );
              adjointSampleJs(lu, li, js, b, last, T, N, k);
              const what = `${name} ${scale} N=${N} b=${b}`;
              expectSame(`${what} lu`, mem.f32(lup, N), lu);
              expectSame(`${what} li`, mem.f32(lip, N), li);
            }
            expectSame(`${name} N=${N} gD`, mem.f32(gDp, cells), js.gD);
            expect(N < 20 || js.gD.some((x) => x !== 0), `${name} ${scale} N=${N}: a gradient reaches the drive`).toBe(
              true,
            );
          }
    });

  it('adjointStepBatch gives the JS time-major recurrent adjoint step over all samples', () => {
    const rng = new Random(6);
    for (const cs of adjointCases)
      for (const name of surrogates)
        for (const N of [1, 5, 20, 64]) {
          const T = 12;
          const B = 5;
          const theta = 1;
          const a = adjointInputs(rng, B, T, N, theta);
          const sg = trainingSurrogate({
            surrogate: name,
            surrogateScale: 20,
            sparseBackward: cs.sparse,
            sparseWindow: 0.1,
          });
          const k = {
            theta,
            alpha: 0.8,
            beta: 0.9,
            c: 0.1,
            zero: cs.zero,
            differentiated: cs.differentiated,
            sg,
            nir: 'nir' in cs,
          };
          const lastOf = Int32Array.from({ length: B }, () => rng.int(T + 1) - 1);
          const mem = new KernelMemory();
          const LUp = mem.alloc(B * N * 4);
          const LIp = mem.alloc(B * N * 4);
          const rgp = mem.alloc(B * N * 4);
          const gDp = mem.alloc(B * T * N * 4);
          const gSp = mem.put(a.gS);
          const gcp = mem.put(a.gCount);
          const prp = mem.put(a.pre);
          const ump = mem.put(a.um);
          const spp = mem.put(a.spiked);
          const lop = mem.put(lastOf);
          const LU = new Float32Array(B * N);
          const LI = new Float32Array(B * N);
          const js = { ...a, gCount: cs.counts ? a.gCount : null, pre: cs.differentiated && cs.zero ? a.pre : null };
          const flags =
            (cs.zero ? ZERO_RESET : 0) |
            (cs.differentiated ? DIFFERENTIATED : 0) |
            (cs.sparse ? SPARSE : 0) |
            ('nir' in cs ? NIR : 0);
          for (let n = T - 1; n >= 0; n--) {
            const recG = randomF32(rng, B * N, 0, 0.02, 0.2);
            mem.f32(rgp, B * N).set(recG);
            mem.k.adjointStepBatch(
              LUp,
              LIp,
              rgp,
              N,
              T,
              B,
              n,
              lop,
              gDp,
              gSp,
              cs.counts ? gcp : 0,
              js.pre ? prp : 0,
              ump,
              spp,
              theta,
              k.alpha,
              k.beta,
              k.c,
              flags,
              surrogateKind(name) as number,
              20,
              Math.PI * 20,
              0.1,
              T,
              n,
            );
            for (let b = 0; b < B; b++)
              if (n <= (lastOf[b] as number)) adjointRowJs(LU, LI, b * N, js, (b * T + n) * N, b * N, recG, N, k);
          }
          const what = `${name} N=${N} ${JSON.stringify(cs)}`;
          expectSame(`${what} LU`, mem.f32(LUp, B * N), LU);
          expectSame(`${what} LI`, mem.f32(LIp, B * N), LI);
          expectSame(`${what} gD`, mem.f32(gDp, B * T * N), js.gD);
        }
  });

  /** A LIF population's per-neuron constants, as neuronParams.ts makes them (f64, no adaptation). */
  function lifArrays(rng: Random, N: number, scaleInput: boolean, theta: number): NeuronArrays {
    const decay = (tau: number) => Float64Array.from({ length: N }, () => Math.exp(-1 / (tau * (0.5 + rng.uniform()))));
    const alpha = decay(5);
    const beta = decay(10);
    const c = Float64Array.from(beta, (b) => (scaleInput ? 1 - b : 1));
    const th = Float64Array.from({ length: N }, () => theta * (0.6 + 0.8 * rng.uniform()));
    const z = () => new Float64Array(N);
    return { alpha, beta, c, theta: th, gamma: z(), a: z(), b: z(), k: z(), q: 0, scaleInput };
  }

  /** The consts block of lifForwardNeurons / adjointStepBatchNeurons: alpha, beta, c, theta. */
  function putConsts(mem: KernelMemory, k: NeuronArrays): number {
    const N = k.alpha.length;
    const all = new Float64Array(4 * N);
    all.set(k.alpha, 0);
    all.set(k.beta, N);
    all.set(k.c, 2 * N);
    all.set(k.theta, 3 * N);
    return mem.put(all);
  }

  const lifPlan = (N: number, zero: boolean, detach: boolean) =>
    ({
      size: N,
      adaptation: null,
      reset: zero ? 'zero' : 'subtract',
      detachReset: detach,
    }) as unknown as PopulationPlan;

  for (const cs of lifCases)
    it(`lifForwardNeurons gives neurons.ts's per-neuron LIF forward and current trace (${'nir' in cs ? "NIR's step, " : ''}${cs.zero ? 'zero' : 'subtract'} reset${cs.rec ? ', recurrent' : ''})`, () => {
      const rng = new Random(13);
      for (const N of sizes) {
        const T = 30;
        const B = 2;
        const nir = 'nir' in cs;
        const k = lifArrays(rng, N, cs.scaleInput, cs.theta);
        const p = lifPlan(N, cs.zero, true);
        const rec = cs.rec ? randomF32(rng, N * N, 0, 0.3) : null;
        const mem = new KernelMemory();
        const Up = mem.alloc(N * 4);
        const Ip = mem.alloc(N * 4);
        const dp = mem.alloc(T * N * 4);
        const rp = rec ? mem.put(rec) : 0;
        const cp = putConsts(mem, k);
        const spp = mem.alloc(B * T * N);
        const unp = mem.alloc(B * T * N * 4 + 4);
        const ofp = mem.alloc((B * T + 1) * 4);
        const sgp = mem.alloc(B * T * N * 4);
        const mmp = mem.alloc(B * T * N * 4);
        const prp = mem.alloc(B * T * N * 4);
        const tip = mem.alloc(B * T * N * 4);
        const window = 0.3 * cs.theta;
        const kept = keptRoom(mem, B * T, N);
        const js = {
          st: neuronState(Float32Array, N),
          drive: new Float32Array(T * N),
          spiked: new Uint8Array(B * T * N),
          units: new Int32Array(B * T * N),
          offsets: new Int32Array(B * T + 1),
          sg: new Float32Array(B * T * N),
          mem: new Float32Array(B * T * N),
          pre: new Float32Array(B * T * N),
          trace: neuronTrace(Float32Array, B * T * N),
        };
        mem.i32(ofp, 1)[0] = 0;
        let cursorW = 0;
        let cursorJ = 0;
        for (let b = 0; b < B; b++) {
          const drive = randomF32(rng, T * N, 0.25 * cs.theta, 0.6 * cs.theta);
          mem.f32(dp, T * N).set(drive);
          js.drive.set(drive);
          const base = b * T * N;
          cursorW = mem.k.lifForwardNeurons(
            Up,
            Ip,
            N,
            T,
            dp,
            rp,
            spp + base,
            unp,
            cursorW,
            ofp + (b * T + 1) * 4,
            cp,
            cs.zero,
            sgp + base * 4,
            mmp + base * 4,
            prp + base * 4,
            nir,
            tip + base * 4,
            kept.offsets + b * T * 4,
            kept.units,
            kept.values,
            window,
          );
          cursorJ = neuronForwardSample(
            p,
            k,
            nir,
            js.st,
            js.drive,
            rec,
            b,
            T,
            js.spiked,
            js.offsets,
            js.units,
            cursorJ,
            js.sg,
            js.pre,
            js.mem,
            js.trace,
          );
          expectSame(`N=${N} b=${b} drive (recurrent rows added)`, mem.f32(dp, T * N), js.drive);
          expectSame(`N=${N} b=${b} U`, mem.f32(Up, N), js.st.U as Float32Array);
          expectSame(`N=${N} b=${b} I`, mem.f32(Ip, N), js.st.I as Float32Array);
        }
        expect(cursorW).toBe(cursorJ);
        expect(cursorJ, 'some spikes, not all').toBeGreaterThan(0);
        expect(cursorJ).toBeLessThan(B * T * N);
        expectSame(`N=${N} spiked`, mem.u8(spp, B * T * N), js.spiked);
        expectSame(`N=${N} units`, mem.i32(unp, cursorJ), js.units.subarray(0, cursorJ));
        expectSame(`N=${N} offsets`, mem.i32(ofp, B * T + 1), js.offsets);
        expectSame(`N=${N} sg`, mem.f32(sgp, B * T * N), js.sg);
        expectSame(`N=${N} mem`, mem.f32(mmp, B * T * N), js.mem);
        // pre is the zero reset's -dU/dS: the JS loop writes it only where it is kept.
        if (cs.zero || nir) expectSame(`N=${N} pre`, mem.f32(prp, B * T * N), js.pre);
        expectSame(`N=${N} trace I`, mem.f32(tip, B * T * N), js.trace.I as Float32Array);
        expectKept(`N=${N}`, mem, kept, keptLists(js.sg, B * T, N, k.theta, window));
      }
    });

  it("adjointStepBatchNeurons gives neurons.ts's per-neuron LIF adjoint and the constants' gradients", () => {
    const rng = new Random(16);
    const nonzero = { alpha: 0, beta: 0, c: 0, theta: 0 };
    let cases = 0;
    for (const cs of adjointCases)
      for (const name of surrogates)
        for (const [N, recurrent] of [
          [1, true],
          [5, false],
          [20, true],
          [64, true],
          [33, false],
        ] as const) {
          const T = 12;
          const B = 5;
          const nir = 'nir' in cs;
          const a = adjointInputs(rng, B, T, N, 1);
          const k = lifArrays(rng, N, rng.uniform() < 0.5, 1);
          const p = lifPlan(N, cs.zero, !cs.differentiated);
          const sg = trainingSurrogate({
            surrogate: name,
            surrogateScale: 20,
            sparseBackward: cs.sparse,
            sparseWindow: 0.1,
          });
          const lastOf = Int32Array.from({ length: B }, () => rng.int(T + 1) - 1);
          const recGs = Array.from({ length: T }, () => randomF32(rng, B * N, 0, 0.02, 0.2));
          const traceI = randomF32(rng, B * T * N, 0.3, 0.5);
          const mem = new KernelMemory();
          const LUp = mem.alloc(B * N * 4);
          const LIp = mem.alloc(B * N * 4);
          const rgp = mem.alloc(B * N * 4);
          const gDp = mem.alloc(B * T * N * 4);
          const gSp = mem.put(a.gS);
          const gcp = mem.put(a.gCount);
          const prp = mem.put(a.pre);
          const ump = mem.put(a.um);
          const spp = mem.put(a.spiked);
          const lop = mem.put(lastOf);
          const cp = putConsts(mem, k);
          const tip = mem.put(traceI);
          const grp = mem.put(new Float64Array(4 * N));
          const flags =
            (cs.zero ? ZERO_RESET : 0) |
            (cs.differentiated ? DIFFERENTIATED : 0) |
            (cs.sparse ? SPARSE : 0) |
            (nir ? NIR : 0);
          const pre = cs.differentiated && cs.zero ? a.pre : null;
          let top = -1;
          for (const l of lastOf) top = Math.max(top, l);
          for (let n = top; n >= 0; n--) {
            if (recurrent) mem.f32(rgp, B * N).set(recGs[n] as Float32Array);
            mem.k.adjointStepBatchNeurons(
              LUp,
              LIp,
              recurrent ? rgp : 0,
              N,
              T,
              B,
              n,
              lop,
              gDp,
              gSp,
              cs.counts ? gcp : 0,
              pre ? prp : 0,
              ump,
              spp,
              cp,
              flags,
              surrogateKind(name) as number,
              20,
              Math.PI * 20,
              0.1,
              tip,
              grp,
              T,
              n,
            );
          }
          const g = neuronGrads(N);
          const trace = { I: traceI, W: new Float32Array(0), Q: new Float32Array(0) };
          neuronAdjointBatch(
            p,
            k,
            nir,
            sg,
            Float32Array,
            recurrent ? (n) => recGs[n] as Float32Array : null,
            B,
            T,
            lastOf,
            a.gD,
            a.gS,
            cs.counts ? a.gCount : null,
            a.um,
            a.spiked,
            pre,
            trace,
            g,
          );
          const what = `${name} N=${N}${recurrent ? ' recurrent' : ''} ${JSON.stringify(cs)}`;
          expectSame(`${what} gD`, mem.f32(gDp, B * T * N), a.gD);
          const grads = mem.f64(grp, 4 * N);
          (['alpha', 'beta', 'c', 'theta'] as const).forEach((c, i) => {
            expectSame(`${what} d${c}`, grads.subarray(i * N, (i + 1) * N), g[c]);
            if (g[c].some((v) => v !== 0)) nonzero[c] += 1;
          });
          cases += 1;
        }
    // (A small population under a narrow sparse window may have no active entry.)
    for (const [c, count] of Object.entries(nonzero))
      expect(count, `cases with a nonzero d${c}`).toBeGreaterThan(0.8 * cases);
  });

  it('packPanels lays out w^T as panels of 8 columns, zero past the last column', () => {
    const rng = new Random(9);
    for (const [rows, cols] of [
      [1, 1],
      [8, 3],
      [13, 7],
      [200, 200],
    ] as const) {
      const w = randomF32(rng, rows * cols);
      const mem = new KernelMemory();
      const wp = mem.put(w);
      const n = panelLength(rows, cols);
      const dp = mem.put(new Float32Array(n).fill(Number.NaN));
      mem.k.packPanels(dp, wp, rows, cols);
      const want = new Float32Array(n);
      for (let p = 0; p < Math.ceil(rows / 8); p++)
        for (let k = 0; k < cols; k++)
          for (let j = 0; j < 8; j++) {
            const i = 8 * p + j;
            want[(p * cols + k) * 8 + j] = i < rows ? (w[i * cols + k] as number) : 0;
          }
      expectSame(`packPanels ${rows}x${cols}`, mem.f32(dp, n), want);
    }
  });

  it('gemm computes out (+)= a b as a float32 loop over k does, bit for bit, and within float32 rounding of the exact product', () => {
    const rng = new Random(7);
    const u = 2 ** -24;
    for (const [R, K, M] of [
      [1, 1, 1],
      [4, 8, 8],
      [5, 3, 9],
      [6, 5, 3],
      [13, 20, 200],
      [37, 21, 45],
      [128, 200, 200],
    ] as const)
      for (const accumulate of [false, true]) {
        const a = randomF32(rng, R * K, 0, 1, 0.3);
        // Whole blocks of zero rows (samples whose adjoint has not started), which gemm skips.
        if (R >= 12) a.fill(0, 4 * K, 12 * K);
        // gemm takes b = W^T in panel form; W is [M, K] as the engine's weights are.
        const W = randomF32(rng, M * K);
        const out0 = randomF32(rng, R * M);
        const mem = new KernelMemory();
        const op = mem.put(out0);
        const ap = mem.put(a);
        const wp = mem.put(W);
        const bp = mem.alloc(panelLength(M, K) * 4);
        mem.k.packPanels(bp, wp, M, K);
        mem.k.gemm(op, ap, bp, R, K, M, accumulate);
        const got = mem.f32(op, R * M);
        // A scalar float32 loop: each product rounded, then each sum, in k order.
        const loop = new Float32Array(R * M);
        for (let r = 0; r < R; r++)
          for (let i = 0; i < M; i++) {
            let acc = accumulate ? (out0[r * M + i] as number) : 0;
            for (let k = 0; k < K; k++)
              acc = Math.fround(acc + Math.fround((a[r * K + k] as number) * (W[i * K + k] as number)));
            loop[r * M + i] = acc;
          }
        expectSame(`R=${R} K=${K} M=${M} accumulate=${accumulate}`, got, loop);
        // And the JS product the engine uses without the kernels is as close to the exact one.
        const js = accumulate ? out0.slice() : new Float32Array(R * M);
        addMatMulTransposed(js, a, W, R, K, M);
        for (let r = 0; r < R; r++)
          for (let i = 0; i < M; i++) {
            let exact = accumulate ? (out0[r * M + i] as number) : 0;
            let mag = Math.abs(exact);
            for (let k = 0; k < K; k++) {
              const p = (a[r * K + k] as number) * (W[i * K + k] as number);
              exact += p;
              mag += Math.abs(p);
            }
            // Each of the K + 1 float32 roundings of a sum of products errs by at most u of
            // the running magnitude (Higham's gamma_n bound, with margin for the store).
            const bound = (2 * K + 2) * u * mag + 1e-30;
            expect(
              Math.abs((got[r * M + i] as number) - exact),
              `R=${R} K=${K} M=${M} [${r},${i}]`,
            ).toBeLessThanOrEqual(bound);
            expect(Math.abs((js[r * M + i] as number) - exact)).toBeLessThanOrEqual(bound);
          }
      }
  });

  it('gemm as the recurrent product V li agrees with the JS RecurrentProduct to float32 rounding', () => {
    const rng = new Random(8);
    const B = 16;
    const N = 50;
    const Vt = randomF32(rng, N * N, 0, 0.1);
    const li = randomF32(rng, B * N, 0, 1, 0.4);
    const mem = new KernelMemory();
    const op = mem.alloc(B * N * 4);
    const lp = mem.put(li);
    const V = new Float32Array(N * N);
    for (let j = 0; j < N; j++) for (let k = 0; k < N; k++) V[j * N + k] = Vt[k * N + j] as number;
    const wp = mem.put(V);
    const vp = mem.alloc(panelLength(N, N) * 4);
    mem.k.packPanels(vp, wp, N, N);
    mem.k.gemm(op, lp, vp, B, N, N, false);
    const js = new Float32Array(B * N);
    recurrentProductJs(js, li, Vt, B, N);
    const got = mem.f32(op, B * N);
    for (let i = 0; i < B * N; i++) {
      let mag = 0;
      const b = Math.floor(i / N);
      for (let k = 0; k < N; k++) mag += Math.abs((li[b * N + k] as number) * (Vt[k * N + (i % N)] as number));
      expect(Math.abs((got[i] as number) - (js[i] as number))).toBeLessThanOrEqual(4 * N * 2 ** -24 * mag + 1e-30);
    }
  });

  it('sparseRecurrentGrad computes V li only inside the surrogate window, zero elsewhere, to float32 rounding; on the kept lists, the same floats', () => {
    const rng = new Random(10);
    for (const N of [1, 3, 4, 5, 7, 17, 200]) {
      const B = 9;
      const T = 4;
      const n = 2;
      const window = 0.3;
      const V = randomF32(rng, N * N, 0, 0.1);
      const li = randomF32(rng, B * N, 0, 1, 0.2);
      li.fill(0, 3 * N, 4 * N); // a sample whose adjoint has not started
      const um = randomF32(rng, B * T * N, 0.8, 0.5);
      const lastOf = new Int32Array(B).fill(T - 1);
      lastOf[5] = 1; // past its last step: its row of recG stays as it was
      const perNeuron = N % 2 === 1;
      const thetas = new Float64Array(N).map(() => 0.8 + 0.2 * rng.uniform());
      const mem = new KernelMemory();
      const before = randomF32(rng, B * N);
      const op = mem.put(before);
      const lp = mem.put(li);
      const vp = mem.put(V);
      const mp = mem.put(um);
      const lop = mem.put(lastOf);
      const tp = mem.put(thetas);
      const ap = mem.alloc(N * 4);
      const computed = mem.k.sparseRecurrentGrad(op, lp, vp, N, T, B, n, lop, mp, 0.8, perNeuron ? tp : 0, window, ap);
      const got = mem.f32(op, B * N);
      // The same on the kept membranes' lists (the forward's, when it keeps only those): the same floats.
      const lists = keptLists(um, B * T, N, perNeuron ? thetas : 0.8, window);
      const fromLists = mem.put(before);
      const keptCount = mem.k.sparseRecurrentGradKept(
        fromLists,
        lp,
        vp,
        N,
        T,
        B,
        n,
        lop,
        mem.put(lists.offsets),
        mem.put(lists.units),
      );
      expect(keptCount).toBe(computed);
      expectSame(`N=${N} recG from the kept lists`, mem.f32(fromLists, B * N), mem.f32(op, B * N));
      let active = 0;
      for (let b = 0; b < B; b++)
        for (let j = 0; j < N; j++) {
          const i = b * N + j;
          if (b === 5) {
            expect(Object.is(got[i], before[i]), `untouched row, N=${N} [${b},${j}]`).toBe(true);
            continue;
          }
          const x = (um[(b * T + n) * N + j] as number) - (perNeuron ? (thetas[j] as number) : 0.8);
          const inside = x < window && x > -window;
          let exact = 0;
          let mag = 0;
          for (let k = 0; k < N; k++) {
            const p = (li[b * N + k] as number) * (V[j * N + k] as number);
            exact += p;
            mag += Math.abs(p);
          }
          if (inside && li.subarray(b * N, (b + 1) * N).some((v) => v !== 0)) active++;
          if (!inside) expect(got[i], `outside the window, N=${N} [${b},${j}]`).toBe(0);
          else expect(Math.abs((got[i] as number) - exact)).toBeLessThanOrEqual(2 * (N + 1) * 2 ** -24 * mag + 1e-30);
        }
      // Rows of zero LI are not visited: the count is of the dot products actually taken.
      expect(computed).toBe(active);
      expect(active).toBeGreaterThan(0);
    }
  });

  it('sparseSourceGrad adds gD W^T only at the source entries inside the window, leaving or zeroing the rest; on the kept lists, the same floats', () => {
    const rng = new Random(11);
    for (const [R, K, M] of [
      [6, 5, 7],
      [20, 20, 100],
      [9, 3, 1],
    ] as const)
      for (const accumulate of [false, true]) {
        const window = 0.4;
        const W = randomF32(rng, M * K, 0, 0.2);
        const gD = randomF32(rng, R * K, 0, 1, 0.3);
        const um = randomF32(rng, R * M, 0.7, 0.5);
        const before = randomF32(rng, R * M);
        const mem = new KernelMemory();
        const op = mem.put(before);
        const gp = mem.put(gD);
        const wp = mem.put(W);
        const mp = mem.put(um);
        const ap = mem.alloc(M * 4);
        mem.k.sparseSourceGrad(op, gp, wp, R, K, M, mp, 0.7, 0, window, ap, accumulate);
        const got = mem.f32(op, R * M);
        // On the kept lists: dL/dS in list order, one entry per kept (row, unit), starting
        // from the same values where accumulating.
        const lists = keptLists(um, R, M, 0.7, window);
        const rowOf = (e: number) => {
          let r = 0;
          while ((lists.offsets[r + 1] as number) <= e) r++;
          return r;
        };
        const at = (e: number) => rowOf(e) * M + (lists.units[e] as number);
        const fromLists = mem.put(Float32Array.from(lists.units, (_, e) => before[at(e)] as number));
        mem.k.sparseSourceGradKept(
          fromLists,
          gp,
          wp,
          R,
          K,
          M,
          mem.put(lists.offsets),
          mem.put(lists.units),
          accumulate,
        );
        expectSame(
          `R=${R} K=${K} M=${M} from the kept lists`,
          mem.f32(fromLists, lists.units.length),
          Float32Array.from(lists.units, (_, e) => got[at(e)] as number),
        );
        for (let r = 0; r < R; r++)
          for (let j = 0; j < M; j++) {
            const i = r * M + j;
            const x = (um[i] as number) - 0.7;
            const base = accumulate ? (before[i] as number) : 0;
            if (!(x < window && x > -window)) {
              expect(Object.is(got[i], accumulate ? before[i] : 0), `outside [${r},${j}]`).toBe(true);
              continue;
            }
            let exact = base;
            let mag = Math.abs(base);
            for (let k = 0; k < K; k++) {
              const p = (gD[r * K + k] as number) * (W[j * K + k] as number);
              exact += p;
              mag += Math.abs(p);
            }
            expect(Math.abs((got[i] as number) - exact), `R=${R} K=${K} M=${M} [${r},${j}]`).toBeLessThanOrEqual(
              2 * (K + 2) * 2 ** -24 * mag + 1e-30,
            );
          }
      }
  });

  it('scatterKept writes the kept values of strided rows into dense rows, and clear puts back the value it is given', () => {
    const rng = new Random(14);
    const B = 5;
    const T = 6;
    const N = 11;
    const um = randomF32(rng, B * T * N, 1, 0.5);
    const lists = keptLists(um, B * T, N, 1, 0.25);
    expect(lists.units.length).toBeGreaterThan(0);
    const mem = new KernelMemory();
    const op = mem.put(lists.offsets);
    const up = mem.put(lists.units);
    const vp = mem.put(lists.values);
    const rows = mem.alloc(Math.max(B, T) * N * 4);
    const dense = mem.f32(rows, Math.max(B, T) * N);
    dense.fill(Number.POSITIVE_INFINITY);
    const infinite = new Float32Array(dense.length).fill(Number.POSITIVE_INFINITY);
    // Step n of every sample (rows n, n + T, ...), then sample b's T steps (rows b T ...).
    for (const [first, count, stride] of [
      [2, B, T],
      [3 * T, T, 1],
    ] as const) {
      mem.k.scatterKept(rows, op, up, vp, first, count, stride, N, false, 0);
      const want = new Float32Array(infinite);
      for (let i = 0; i < count; i++) {
        const r = first + i * stride;
        for (let j = 0; j < N; j++) {
          const x = (um[r * N + j] as number) - 1;
          if (x < 0.25 && x > -0.25) want[i * N + j] = um[r * N + j] as number;
        }
      }
      expectSame(`rows from ${first}, stride ${stride}`, mem.f32(rows, dense.length), want);
      mem.k.scatterKept(rows, op, up, vp, first, count, stride, N, true, Number.POSITIVE_INFINITY);
      expectSame(`cleared, rows from ${first}`, mem.f32(rows, dense.length), infinite);
    }
  });

  it('lastNonzeroRow finds the last row with a nonzero, taking -0 as zero and NaN as not', () => {
    for (const N of [1, 3, 4, 9, 200]) {
      const T = 7;
      const mem = new KernelMemory();
      const a = new Float32Array(T * N);
      const p = mem.put(a);
      const view = () => mem.f32(p, T * N);
      expect(mem.k.lastNonzeroRow(p, T, N)).toBe(-1);
      view()[2 * N + N - 1] = 1e-30;
      expect(mem.k.lastNonzeroRow(p, T, N)).toBe(2);
      view()[5 * N] = -0;
      expect(mem.k.lastNonzeroRow(p, T, N)).toBe(2);
      view()[4 * N + (N >> 1)] = Number.NaN;
      expect(mem.k.lastNonzeroRow(p, T, N)).toBe(4);
      view()[6 * N + N - 1] = -2;
      expect(mem.k.lastNonzeroRow(p, T, N)).toBe(6);
    }
  });

  it("KernelMemory.layout makes disjoint, aligned views of the kernels' memory, the same arrays twice", () => {
    const mem = new KernelMemory();
    let calls = 0;
    const arrays = mem.layout((make) => {
      calls++;
      return [make.f32(7), make.f64(3), make.i32(1000), make.u8(5), make.f32(0), make.f32(70000)];
    });
    expect(calls).toBe(2);
    expect(arrays.map((a) => a.length)).toEqual([7, 3, 1000, 5, 0, 70000]);
    const spans = arrays.map((a) => [a.byteOffset, a.byteOffset + a.byteLength] as const);
    for (const [i, [s0, e0]] of spans.entries()) {
      expect(mem.holds(arrays[i] as Float32Array)).toBe(true);
      expect(s0 % 64).toBe(0);
      for (const [s1, e1] of spans.slice(i + 1)) expect(e0 <= s1 || e1 <= s0).toBe(true);
    }
    expect(mem.holds(new Float32Array(4))).toBe(false);
  });

  it('KernelMemory refuses more than wasm32 can address, with a message saying so', () => {
    const mem = new KernelMemory();
    expect(() => mem.alloc(5 * 2 ** 30)).toThrow(/more than wasm32's 4 GiB/);
  });

  it('the committed module (kernels.wasm.ts) is what its AssemblyScript source builds', () => {
    const r = spawnSync(process.execPath, ['scripts/build-wasm.mjs', '--check'], { encoding: 'utf8' });
    expect(r.stderr + r.stdout).toMatch(/matches its source/);
    expect(r.status).toBe(0);
  });
});
