// The WebAssembly SIMD kernels (main/engine/wasm) against the JS loops they replace
// (main/engine/wasm/reference.ts, as fastEngine.ts has them) and, for the two dense
// products, against tfjs matMul on its WASM/XNNPACK backend (with the copies the engine
// makes). One thread, this process; the shapes are one thread's half of the SHD example's
// batch (700 - 200 recurrent - 20, T = 100, 128 samples, 5% input density) unless
// --hidden/--batch/--inputs say otherwise. Each case runs --reps times after one warm-up;
// the table gives median wall ms and median CPU ms (this process), and the ratio
// wasm / JS of the medians. The machine's load (os.loadavg) is printed before and after.
//
//   npx tsx bench/wasm-kernels.ts [--reps 15] [--hidden 200] [--batch 128] [--inputs 700] [--only name,...]
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../main/engine/backend';
import { addMatMulTransposed } from '../main/engine/fast/products';
import { trainingSurrogate } from '../main/engine/surrogate';
import { KernelMemory, panelLength, surrogateKind, ZERO_RESET } from '../main/engine/wasm/kernels';
import {
  accumulateWeightGradJs,
  addSpikeRowsJs,
  adjointRowJs,
  adjointSampleJs,
  lifForwardJs,
  randomF32 as randomF32From,
  randomSpikes,
  recurrentProductJs,
} from '../main/engine/wasm/reference';
import { Random } from '../main/util/random';
import { arg, median } from './common';

const reps = Number(arg('reps', '15'));
const H = Number(arg('hidden', '200'));
const B = Number(arg('batch', '128'));
const IN = Number(arg('inputs', '700'));
const only = arg('only', '')
  .split(',')
  .filter((x) => x);
const T = 100;
const rng = new Random(0);

const randomF32 = (n: number, mean = 0, std = 1) => randomF32From(rng, n, mean, std);
const spikes = (rows: number, units: number, rate: number) => randomSpikes(rng, rows, units, rate);

function time(fn: () => void): { ms: number; cpu: number } {
  fn();
  const ms: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    fn();
    ms.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { ms: median(ms), cpu: median(cpu) };
}

const rows: { kernel: string; side: string; ms: number; cpu: number }[] = [];
function run(kernel: string, sides: Record<string, () => void>) {
  if (only.length && !only.includes(kernel)) return;
  for (const [side, fn] of Object.entries(sides)) {
    const r = time(fn);
    rows.push({ kernel, side, ...r });
    process.stderr.write(`${kernel} ${side}: ${r.ms.toFixed(2)} ms (CPU ${r.cpu.toFixed(2)})\n`);
  }
}

async function main() {
  const backend = await initBackend();
  const load0 = loadavg();
  const input = spikes(B * T, IN, 0.05);
  const W = randomF32(IN * H, 0, 0.2 / Math.sqrt(IN));
  const V = randomF32(H * H, 0, 0.2 / Math.sqrt(H));
  const mem = new KernelMemory();
  const inUnits = mem.put(input.units);
  const inOffsets = mem.put(input.offsets);
  const Wp = mem.put(W);
  const Vp = mem.put(V);
  const driveP = mem.alloc(T * H * 4);
  const drive = new Float32Array(T * H);

  // 1. The forward drive: one row of W per input spike, all samples.
  run('input row adds', {
    js: () => {
      for (let b = 0; b < B; b++) {
        drive.fill(0);
        addSpikeRowsJs(drive, W, H, T, b, input.units, input.offsets);
      }
    },
    wasm: () => {
      const d = mem.f32(driveP, T * H);
      for (let b = 0; b < B; b++) {
        d.fill(0);
        mem.k.addSpikeRows(driveP, Wp, H, T, inUnits, inOffsets + b * T * 4);
      }
    },
  });

  // 2. The LIF forward of a recurrent population (state update, spike detection, recurrent
  // row adds), all samples, on a drive that makes it spike at a few percent.
  const driveR = randomF32(T * H, 0.08, 0.3);
  const js = {
    U: new Float32Array(H),
    I: new Float32Array(H),
    drive: new Float32Array(T * H),
    rec: V,
    spiked: new Uint8Array(B * T * H),
    units: new Int32Array(B * T * H),
    offsets: new Int32Array(B * T + 1),
    sg: new Float32Array(B * T * H),
    mem: null,
    pre: null,
  };
  const Up = mem.alloc(H * 4);
  const Ip = mem.alloc(H * 4);
  const spP = mem.alloc(B * T * H);
  const unP = mem.alloc(B * T * H * 4);
  const ofP = mem.alloc((B * T + 1) * 4);
  const sgP = mem.alloc(B * T * H * 4);
  const alpha = Math.exp(-1 / 5);
  const beta = Math.exp(-1 / 10);
  let spikeCount = 0;
  run('LIF forward (recurrent)', {
    js: () => {
      let cursor = 0;
      for (let b = 0; b < B; b++) {
        js.drive.set(driveR);
        cursor = lifForwardJs(js, H, T, b, cursor, alpha, beta, 1, 1, true);
      }
      spikeCount = cursor;
    },
    wasm: () => {
      let cursor = 0;
      const d = mem.f32(driveP, T * H);
      for (let b = 0; b < B; b++) {
        d.set(driveR);
        cursor = mem.k.lifForward(
          Up,
          Ip,
          H,
          T,
          driveP,
          Vp,
          spP + b * T * H,
          unP,
          cursor,
          ofP + (b * T + 1) * 4,
          alpha,
          beta,
          1,
          1,
          true,
          sgP + b * T * H * 4,
          0,
          0,
          false,
          0,
          0,
          0,
          0,
        );
      }
    },
  });
  process.stderr.write(`  hidden spike density ${(spikeCount / (B * T * H)).toFixed(4)}\n`);

  // 3. The recurrent adjoint step over all samples and steps (fast sigmoid 100, detached zero
  // reset), recG given.
  const cells = B * T * H;
  const gS = randomF32(cells, 0, 0.01);
  const um = randomF32(cells, 0.9, 0.3);
  const spiked = new Uint8Array(cells);
  for (let i = 0; i < cells; i++) spiked[i] = rng.uniform() < 0.03 ? 1 : 0;
  const recG = randomF32(B * H, 0, 0.01);
  const gD = new Float32Array(cells);
  const sg = trainingSurrogate({ surrogate: 'fast-sigmoid', surrogateScale: 100 });
  const k = { theta: 1, alpha, beta, c: 1, zero: true, differentiated: false, sg };
  const arrays = { gD, gS, gCount: null, pre: null, um, spiked };
  const LU = new Float32Array(B * H);
  const LI = new Float32Array(B * H);
  const gSp = mem.put(gS);
  const umP = mem.put(um);
  const spkP = mem.put(spiked);
  const rgP = mem.put(recG);
  const gDp = mem.alloc(cells * 4);
  const LUp = mem.alloc(B * H * 4);
  const LIp = mem.alloc(B * H * 4);
  const lastOf = mem.put(new Int32Array(B).fill(T - 1));
  const kind = surrogateKind('fast-sigmoid') as number;
  run('adjoint (recurrent, all samples)', {
    js: () => {
      for (let n = T - 1; n >= 0; n--)
        for (let b = 0; b < B; b++) adjointRowJs(LU, LI, b * H, arrays, (b * T + n) * H, b * H, recG, H, k);
    },
    wasm: () => {
      for (let n = T - 1; n >= 0; n--)
        mem.k.adjointStepBatch(
          LUp,
          LIp,
          rgP,
          H,
          T,
          B,
          n,
          lastOf,
          gDp,
          gSp,
          0,
          0,
          umP,
          spkP,
          1,
          alpha,
          beta,
          1,
          ZERO_RESET,
          kind,
          100,
          Math.PI * 100,
          0,
          T,
          n,
        );
    },
  });

  // 4. The feed-forward adjoint (Fashion-MNIST's hidden layer: the common fast path).
  const lu = new Float32Array(H);
  const li = new Float32Array(H);
  run('adjoint (feed-forward, per sample)', {
    js: () => {
      for (let b = 0; b < B; b++) adjointSampleJs(lu, li, arrays, b, T - 1, T, H, k);
    },
    wasm: () => {
      for (let b = 0; b < B; b++) {
        const o = b * T * H;
        mem.k.adjointSample(
          LUp,
          LIp,
          H,
          T - 1,
          gDp + o * 4,
          gSp + o * 4,
          0,
          0,
          umP + o * 4,
          spkP + o,
          1,
          alpha,
          beta,
          1,
          ZERO_RESET,
          kind,
          100,
          Math.PI * 100,
          0,
        );
      }
    },
  });

  // 5. The input weights' gradient: one row of gD per input spike.
  const dW = new Float32Array(IN * H);
  const dWp = mem.alloc(IN * H * 4);
  const lastActive = new Int32Array(B).fill(T - 1);
  const laP = mem.put(lastActive);
  run('weight gradient (input)', {
    js: () => {
      dW.fill(0);
      accumulateWeightGradJs(dW, gS, input.units, input.offsets, lastActive, B, T, H);
    },
    wasm: () => {
      mem.f32(dWp, IN * H).fill(0);
      mem.k.accumulateWeightGrad(dWp, gSp, H, T, B, inUnits, inOffsets, laP);
    },
  });

  // 6. The recurrent product V li over all samples, one per step (T of them).
  const Vt = new Float32Array(H * H);
  for (let j = 0; j < H; j++) for (let q = 0; q < H; q++) Vt[q * H + j] = V[j * H + q] as number;
  const VkP = mem.put(V);
  const VpanelsP = mem.alloc(panelLength(H, H) * 4);
  const liB = randomF32(B * H, 0, 0.01);
  const liP = mem.put(liB);
  const outP = mem.alloc(B * H * 4);
  const outJs = new Float32Array(B * H);
  const VtT = tf.tensor2d(Vt, [H, H]);
  run('recurrent product (T steps)', {
    js: () => {
      for (let n = 0; n < T; n++) recurrentProductJs(outJs, liB, Vt, B, H);
    },
    tfjs: () => {
      for (let n = 0; n < T; n++) {
        const p = tf.tidy(() => tf.matMul(tf.tensor2d(liB, [B, H]), VtT));
        p.dataSync();
        p.dispose();
      }
    },
    wasm: () => {
      // As the engine: V^T packed once per batch, then one gemm per step.
      mem.k.packPanels(VpanelsP, VkP, H, H);
      for (let n = 0; n < T; n++) mem.k.gemm(outP, liP, VpanelsP, B, H, H, false);
    },
  });

  // 7. The gradient to a spiking source: the readout's gD [B T, 20] times W2 [H, 20]^T.
  const K = 20;
  const W2 = randomF32(H * K, 0, 0.1);
  const g = randomF32(B * T * K, 0, 0.01);
  const gSrc = new Float32Array(B * T * H);
  const W2t = new Float32Array(K * H);
  const W2p = mem.put(W2);
  const W2panelsP = mem.alloc(panelLength(H, K) * 4);
  const gP = mem.put(g);
  const srcP = mem.alloc(B * T * H * 4);
  run('gradient to source', {
    js: () => {
      gSrc.fill(0);
      addMatMulTransposed(gSrc, g, W2, B * T, K, H);
    },
    tfjs: () => {
      for (let i = 0; i < H; i++) for (let j = 0; j < K; j++) W2t[j * H + i] = W2[i * K + j] as number;
      const p = tf.tidy(() => tf.matMul(tf.tensor2d(g, [B * T, K]), tf.tensor2d(W2t, [K, H])));
      gSrc.set(p.dataSync() as Float32Array);
      p.dispose();
    },
    wasm: () => {
      mem.k.packPanels(W2panelsP, W2p, H, K);
      mem.k.gemm(srcP, gP, W2panelsP, B * T, K, H, false);
    },
  });

  const load1 = loadavg();
  process.stdout.write(
    `WebAssembly kernels vs JS, one thread, ${B} samples, T=${T}, ${IN} inputs, hidden ${H}; median of ${reps} (tfjs backend: ${backend})\n`,
  );
  process.stdout.write(
    `load average before ${load0.map((x) => x.toFixed(2)).join(' ')}, after ${load1.map((x) => x.toFixed(2)).join(' ')}\n`,
  );
  process.stdout.write(
    `| kernel | JS ms | tfjs ms | wasm ms | wasm CPU ms | wasm / JS | wasm / tfjs |\n|---|---:|---:|---:|---:|---:|---:|\n`,
  );
  const kernels = [...new Set(rows.map((r) => r.kernel))];
  for (const kn of kernels) {
    const of = (side: string) => rows.find((r) => r.kernel === kn && r.side === side);
    const js = of('js');
    const tfr = of('tfjs');
    const w = of('wasm');
    if (!js || !w) continue;
    process.stdout.write(
      `| ${kn} | ${js.ms.toFixed(2)} | ${tfr ? tfr.ms.toFixed(2) : '-'} | ${w.ms.toFixed(2)} | ${w.cpu.toFixed(2)} | ${(w.ms / js.ms).toFixed(3)} | ${tfr ? (w.ms / tfr.ms).toFixed(3) : '-'} |\n`,
    );
  }
  process.stdout.write(`${JSON.stringify({ rows, load0, load1 })}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
