// The fast engine: hand-derived BPTT on typed arrays, event-driven where spikes flow.
//
// Layout: every per-step array is [sample][step][unit], contiguous per sample, so one
// sample's history sits together in cache and a range of samples is a contiguous slice.
// Spikes are kept as CSR over (sample, step), the same format as the dataset's SpikeBatch,
// plus a dense byte per (sample, step, unit) for the backward pass's reset factor.
//
// Forward (plan.ts has both time conventions): a spike of source unit i at step n adds row i
// of W into the target's drive for step n (SpyTorch: it enters I[n+1]; NIR: I[n], which the
// membrane takes at n+1). A bias current initialises every step's drive. A recurrent spike at
// n joins the drive of step n (SpyTorch) or n+1 (NIR). The forward keeps what the backward
// reads: spikes, the membrane the spike was read from at every (sample, step, unit), and the
// reset's derivative term only when the zero reset is differentiated.
//
// Backward (adjoints lu = dL/dU[n+1], li = dL/d(the current U[n+1] reads), from n = T-1 to 0):
//   gDrive[n] = li
//   gS[n]     = dL/dS[n] from downstream + regularisers + recurrence (V gDrive[n], NIR: V gDrive[n+1])
//               - lu * pre[n]                 (zero reset, differentiated; pre = beta U[n] + c I[n],
//                                              NIR: beta U[n])
//               - lu * theta                  (subtractive reset, differentiated; NIR: beta theta)
//   lu'       = gS[n] * sg(U[n] - theta) + beta * keep * lu     keep = 1 - S[n] (zero reset) or 1
//   li'       = alpha * li + c * keep * lu    (SpyTorch: U[n+1] takes I[n])
//   li'       = alpha * li + c * lu'          (NIR: U[n] takes the current of the same index)
// dW[i,:] accumulates gDrive over the presynaptic spikes (b, n, i) only (the recurrent V under
// NIR: gDrive[n+1]); db = sum of gDrive over samples and steps; the gradient to a spiking
// source, gS_src[n] = W gDrive[n], is dense. A recurrent population's backward runs
// time-major over the samples, so its V li is one [B, N] x [N, N] product per step.
import type { SpikeBatch } from '../../data/types';
import { sliceBatch, spikeTriples } from '../batch';
import { delayKey } from '../delays';
import { type FloatArray, readoutLoss, regularizerPenalty, spikeCountLoss } from '../loss';
import { learnedGrads, type NeuronArrays, neuronArrays, neuronGrads } from '../neuronParams';
import type { Plan, PopulationPlan, WeightSet } from '../plan';
import { type SurrogateFn, trainingSurrogate } from '../surrogate';
import type { BatchResult, Engine, GradientResult, PopulationRecording, Recording, RecordOptions } from '../types';
import {
  type ArrayMaker,
  at,
  DIFFERENTIATED,
  jsArrays,
  type KernelExports,
  KernelMemory,
  NIR,
  panelLength,
  SPARSE,
  surrogateKind,
  wasmKernelsAvailable,
  ZERO_RESET,
} from '../wasm/kernels';
import { type DelayedConnection, delayedConnections } from './delays';
import { grownRoom, type KeptMembranes, keptCount, lastKept, makeKept, scatterKept } from './kept';
import {
  type NeuronTrace,
  neuronAdjointBatch,
  neuronForwardSample,
  neuronState,
  neuronTrace,
  readoutAdjointSample,
  readoutForwardSample,
} from './neurons';
import { addMatMulTransposed, addMatMulTransposedTf, RecurrentProduct, tfjsProductsAvailable } from './products';

export interface FastEngineOptions {
  /** float64 is for gradient checks; training uses float32. */
  precision?: 'float32' | 'float64';
  /**
   * Where the one dense product (the gradient sent back to a spiking source, W gDrive for
   * every sample and step at once) runs: tfjs matMul on the active backend (WASM/XNNPACK,
   * ~20x plain JS), or JS loops. Default: tfjs when its backend is wasm or tensorflow.
   */
  matmul?: 'tfjs' | 'js';
  /**
   * Where the float32 path's hot loops run: the WebAssembly SIMD kernels (main/engine/wasm;
   * bench/wasm-kernels.ts measures them 3-14x faster than these JS loops and 2-4x faster
   * than tfjs matMul for the dense products), or the JS loops below. Default: wasm where
   * the runtime has WebAssembly SIMD, unless SPIKEWRIGHT_KERNELS=js. float64 (the gradient
   * checks) always runs in JS.
   */
  kernels?: 'wasm' | 'js';
  /**
   * With the sparse backward on the kernels, the membranes the forward keeps for it: only
   * those inside the window ('window', the default; KeptMembranes), or all of them ('all',
   * as the exact path keeps them; the tests and benchmarks compare the two). The gradients
   * are the same floats either way.
   */
  keepMembranes?: 'window' | 'all';
}

type FloatCtor = Float32ArrayConstructor | Float64ArrayConstructor;

interface Spikes {
  offsets: Int32Array;
  units: Int32Array;
}

/** Per-population buffers for one batch size; reused across batches. */
interface Workspace {
  pop: PopulationPlan;
  spikes: Spikes;
  spiked: Uint8Array;
  /**
   * Membrane U[n] at each (sample, step, unit) (LIF in the loss); the backward pass takes the
   * surrogate derivative of it only at the steps it visits, which saves most of them.
   */
  sg: FloatArray | null;
  /** -dU[n+1]/dS[n] of the zero reset: beta U[n] + c I[n] (SpyTorch), beta U[n] (NIR); differentiated zero reset only. */
  pre: FloatArray | null;
  /** dL/dS from downstream connections. */
  gS: FloatArray | null;
  /** dL/dz per (sample, unit), z = spike count (losses on counts and regularisers). */
  gCount: Float64Array | null;
  /** dL/d drive[n]. */
  gD: FloatArray | null;
  /** Readout trace U[0..T] per sample, and its gradient. */
  y: FloatArray | null;
  gy: FloatArray | null;
  /** Membrane U[n] per (sample, step, unit), only while recording. */
  mem: FloatArray | null;
  /** Scratch in the kernels' memory (wasm path only). */
  k: KernelScratch | null;
  /** The sparse backward's membranes and dL/dS, only inside its window (fast/kept.ts; then sg and gS are null). */
  kept: KeptMembranes | null;
}

/** A population's per-batch scratch for the kernels, in their memory. */
interface KernelScratch {
  drive: Float32Array;
  U: Float32Array;
  I: Float32Array;
  /** Adjoint state: [N] per sample, or [B, N] time-major (recurrent), and V li. */
  LU: Float32Array;
  LI: Float32Array;
  /** NIR: LI of the previous (later) iteration. */
  LIlater: Float32Array;
  recG: Float32Array;
  /** V^T in gemm's panel form (recurrent; packPanels). */
  Vpanels: Float32Array;
  /** The sparse backward's list of active units in a row, [N]. */
  active: Int32Array;
  lastOf: Int32Array;
  lastActive: Int32Array;
  /** Drive rows of delayed inputs, T + delayRows (rows past T are scratch); empty without. */
  pad: Float32Array;
  /** LIF with per-neuron constants (kernelNeurons): alpha, beta, c, theta ([4, N]) and their gradients. */
  consts: Float64Array;
  constGrads: Float64Array;
  /** The current the constants' gradients need, [B, T, N] (neurons.ts's trace.I); empty unless learned. */
  traceI: Float32Array;
}

/** What the kernels need besides the workspaces: copies of the batch's input and the weights. */
interface KernelBatch {
  mem: KernelMemory;
  k: KernelExports;
  inputOffsets: Int32Array;
  inputUnits: Int32Array;
  /** Every connection's weights (recurrent included), copied in per batch. */
  weights: Record<string, Float32Array>;
  /** Trainable connections' gradients, copied out at the end of the backward pass. */
  grads: Record<string, Float32Array>;
  /** W^T in gemm's panel form (packPanels), for connections that send a gradient to their source. */
  panels: Record<string, Float32Array>;
  /**
   * Feed-forward per-synapse and learnable delayed connections: one weight matrix per delay
   * [K, M, N] (DelayedConnection.fillDelayMatrices), and their gradients when trainable.
   */
  delayMatrices: Record<string, Float32Array>;
  delayMatrixGrads: Record<string, Float32Array>;
}

/** The most bytes a connection's per-delay matrices (and their gradients) may take in the kernels' memory. */
const DELAY_MATRIX_BYTES = 256 * 1024 * 1024;

/** SPIKEWRIGHT_KERNELS=js in the environment turns the kernels off (benchmarks compare both). */
function defaultKernels(): 'wasm' | 'js' {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env?.SPIKEWRIGHT_KERNELS === 'js' ? 'js' : 'wasm';
}

export class FastEngine implements Engine {
  readonly name = 'fast' as const;
  private readonly F: FloatCtor;
  private readonly sg: SurrogateFn;
  private spaces: Workspace[] = [];
  private batchSize = -1;
  private recording = false;
  private readonly matmul: 'tfjs' | 'js';
  /** The kernels' memory (null: the JS loops). */
  private readonly kmem: KernelMemory | null;
  private kb: KernelBatch | null = null;
  /** Input spikes the kernels' layout has room for. */
  private inputCapacity = 0;
  /** Kept membranes (KeptMembranes) the layout has room for, by population id. */
  private readonly keptCapacity = new Map<string, number>();
  /** Populations whose kept lists would cost more than every membrane: they keep all. */
  private readonly keepingAll = new Set<string>();
  private readonly keepMembranes: 'window' | 'all';
  /** The surrogate's kernel code (null: sigmoid/exponential, JS adjoint loops). */
  private readonly sgKind: number | null;
  /** Connections with synaptic delays (fast/delays.ts), by id. */
  private readonly delayed: Map<string, DelayedConnection>;
  /** Per-neuron constants of the last forward pass's JS-loop populations (neurons.ts), by id. */
  private readonly arrays = new Map<string, NeuronArrays>();
  /** What the forward keeps for the gradients of learned per-neuron parameters, by population id. */
  private readonly traces = new Map<string, NeuronTrace>();

  constructor(
    readonly plan: Plan,
    options: FastEngineOptions = {},
  ) {
    this.F = options.precision === 'float64' ? Float64Array : Float32Array;
    this.sg = trainingSurrogate(plan.training);
    this.matmul = options.matmul ?? (tfjsProductsAvailable() && this.F === Float32Array ? 'tfjs' : 'js');
    const wasm = (options.kernels ?? defaultKernels()) === 'wasm' && this.F === Float32Array && wasmKernelsAvailable();
    this.kmem = wasm ? new KernelMemory() : null;
    this.sgKind = surrogateKind(plan.training.surrogate);
    this.keepMembranes = options.keepMembranes ?? 'window';
    this.delayed = delayedConnections(plan.connections, plan.discretisation === 'nir', this.F);
  }

  /**
   * Whether the forward keeps only p's membranes inside the sparse backward's window
   * (KeptMembranes): the sparse backward on, and p's adjoint in the kernels without the
   * membranes elsewhere (learned per-neuron constants need every membrane for their gradients).
   */
  private keepsWindowOnly(p: PopulationPlan): boolean {
    return (
      this.plan.training.sparseBackward === true &&
      this.keepMembranes === 'window' &&
      !this.keepingAll.has(p.id) &&
      p.kind === 'lif' &&
      p.inLoss &&
      this.sgKind !== null &&
      !p.adaptation &&
      !this.delayedRecurrence(p) &&
      !p.perNeuron?.learned.length &&
      // A delayed connection sends its gradient to every entry (fast/delays.ts).
      !this.plan.connections.some((c) => !c.recurrent && c.source === p.index && this.delayed.has(c.id))
    );
  }

  /** What the forward has kept, summed over populations with KeptMembranes: kept and all entries. */
  get keptMembranes(): { kept: number; entries: number } {
    const sum = { kept: 0, entries: 0 };
    for (const ws of this.spaces)
      if (ws.kept) {
        const c = keptCount(ws.kept, ws.pop.size);
        sum.kept += c.kept;
        sum.entries += c.entries;
      }
    return sum;
  }

  /** A delayed recurrence runs its population in the JS loops (the kernels step the recurrence themselves). */
  private delayedRecurrence(p: PopulationPlan): DelayedConnection | undefined {
    return p.recurrent ? this.delayed.get(p.recurrent.id) : undefined;
  }

  /**
   * Whether the kernels step p with its per-neuron constants (lifForwardNeurons and
   * adjointStepBatchNeurons): LIF with per-neuron parameters; adLIF runs the JS loops.
   */
  private kernelNeurons(p: PopulationPlan): boolean {
    return p.kind === 'lif' && !!p.perNeuron && !p.adaptation && !this.delayedRecurrence(p);
  }

  private traceOf(p: PopulationPlan, B: number): NeuronTrace {
    const size = B * this.plan.timeSteps * p.size;
    let t = this.traces.get(p.id);
    // (A trace of the kernels' (I only, in their memory) is replaced.)
    if (t?.I.length !== size || t.W.length !== size) {
      t = neuronTrace(this.F, size);
      this.traces.set(p.id, t);
    }
    return t;
  }

  /** Drive rows past the T steps that delayed inputs of p may write into (scratch). */
  private delayRows(p: PopulationPlan): number {
    let rows = 0;
    for (const c of p.recurrent ? [...p.incoming, p.recurrent] : p.incoming)
      rows = Math.max(rows, this.delayed.get(c.id)?.span ?? 0);
    return rows;
  }

  /** Whether the last layout put the arrays in the kernels' memory. */
  get usesKernels(): boolean {
    return this.kb !== null;
  }

  gradients(batch: SpikeBatch, weights: WeightSet<FloatArray>): GradientResult {
    this.forward(batch, weights, true);
    const result = this.lossAndSeed(batch);
    const grads = this.backward(batch, weights);
    return { ...result, grads };
  }

  evaluate(batch: SpikeBatch, weights: WeightSet<FloatArray>): BatchResult {
    this.forward(batch, weights, false);
    return this.lossAndSeed(batch);
  }

  record(batch: SpikeBatch, weights: WeightSet<FloatArray>, options: RecordOptions = {}): Recording {
    const samples = Math.min(options.samples ?? 4, batch.batchSize);
    const neurons = options.neurons ?? 16;
    const sub = sliceBatch(batch, 0, samples);
    this.recording = true;
    try {
      this.forward(sub, weights, false);
      const { predictions } = this.lossAndSeed(sub);
      const T = this.plan.timeSteps;
      const populations: PopulationRecording[] = this.spaces.map((ws) => {
        const p = ws.pop;
        const shown = Math.min(neurons, p.size);
        const { offsets, units } = this.spikesOf(ws, sub);
        const spikes = p.kind === 'readout' ? new Int32Array(0) : spikeTriples(offsets, units, T, samples);
        const trace = (b: number, j: number): FloatArray => {
          if (p.kind === 'lif' && ws.mem) {
            const out = new this.F(T);
            for (let n = 0; n < T; n++) out[n] = ws.mem[(b * T + n) * p.size + j] as number;
            return out;
          }
          const out = new this.F(T + 1);
          const y = ws.y as FloatArray;
          for (let n = 0; n <= T; n++) out[n] = y[(b * (T + 1) + n) * p.size + j] as number;
          return out;
        };
        const membranes = Array.from({ length: samples }, (_, b) =>
          p.kind === 'input' ? [] : Array.from({ length: shown }, (_, j) => trace(b, j)),
        );
        return { id: p.id, name: p.name, kind: p.kind, size: p.size, spikes, membranes };
      });
      return { timeSteps: T, samples, labels: sub.labels.slice(), predictions, populations };
    } finally {
      this.recording = false;
      this.batchSize = -1;
    }
  }

  private allocate(B: number, inputSpikes: number) {
    if (B === this.batchSize && !this.recording && (!this.kb || inputSpikes <= this.inputCapacity)) return;
    this.kb = null;
    if (this.kmem) {
      const mem = this.kmem;
      this.inputCapacity = Math.ceil(inputSpikes * 1.25) + 1024;
      try {
        const { spaces, kb } = mem.layout((make) => ({
          spaces: this.layoutSpaces(B, make, true),
          kb: this.layoutKernelBatch(B, make, mem),
        }));
        this.spaces = spaces;
        this.kb = kb;
        this.batchSize = B;
        return;
      } catch (e) {
        // More than wasm32 can address: this batch size runs in the JS loops.
        if (!(e instanceof RangeError)) throw e;
        mem.reset();
      }
    }
    this.spaces = this.layoutSpaces(B, this.F === Float32Array ? jsArrays : null, false);
    this.batchSize = B;
  }

  private layoutKernelBatch(B: number, make: ArrayMaker, mem: KernelMemory): KernelBatch {
    const T = this.plan.timeSteps;
    const weights: Record<string, Float32Array> = {};
    const grads: Record<string, Float32Array> = {};
    const panels: Record<string, Float32Array> = {};
    const delayMatrices: Record<string, Float32Array> = {};
    const delayMatrixGrads: Record<string, Float32Array> = {};
    for (const c of this.plan.connections) {
      const n = c.sourceUnits * c.targetUnits;
      weights[c.id] = make.f32(n);
      if (c.trainable) grads[c.id] = make.f32(n);
      if (c.gradToSource) panels[c.id] = make.f32(panelLength(c.sourceUnits, c.targetUnits));
      const K = c.delay.max + 1;
      const perDelay = !c.recurrent && (c.delay.mode === 'per-synapse' || c.delay.mode === 'learnable');
      if (perDelay && K * n * 4 * (c.trainable ? 2 : 1) <= DELAY_MATRIX_BYTES) {
        delayMatrices[c.id] = make.f32(K * n);
        if (c.trainable) delayMatrixGrads[c.id] = make.f32(K * n);
      }
    }
    return {
      mem,
      k: mem.k,
      inputOffsets: make.i32(B * T + 1),
      inputUnits: make.i32(this.inputCapacity),
      weights,
      grads,
      panels,
      delayMatrices,
      delayMatrixGrads,
    };
  }

  /** The workspaces, made by `make` (null: this.F's arrays); with `scratch`, the kernels' scratch too. */
  private layoutSpaces(B: number, make: ArrayMaker | null, scratch: boolean): Workspace[] {
    const F = this.F;
    const T = this.plan.timeSteps;
    const f = (n: number): FloatArray => (make ? make.f32(n) : new F(n));
    const f64 = (n: number) => (make ? make.f64(n) : new Float64Array(n));
    const i32 = (n: number) => (make ? make.i32(n) : new Int32Array(n));
    const u8 = (n: number) => (make ? make.u8(n) : new Uint8Array(n));
    return this.plan.populations.map((pop) => {
      const N = pop.size;
      const lif = pop.kind === 'lif';
      const grad = pop.inLoss;
      const counted =
        this.plan.regularizers.some((r) => r.population === pop.index) || this.plan.loss.population === pop.index;
      const m = make as ArrayMaker;
      const rec = !!pop.recurrent;
      // The per-neuron LIF's adjoint runs time-major over the batch, recurrent or not.
      const neurons = scratch && this.kernelNeurons(pop);
      const batchAdjoint = rec || neurons;
      const learns = neurons && grad && !!pop.perNeuron?.learned.length;
      const keep = scratch && this.keepsWindowOnly(pop);
      return {
        pop,
        spikes: { offsets: i32(lif ? B * T + 1 : 0), units: i32(lif ? B * T * N : 0) },
        spiked: u8(lif ? B * T * N : 0),
        sg: lif && grad && !keep ? f(B * T * N) : null,
        kept: keep ? makeKept(m, B, T, N, this.keptCapacity.get(pop.id)) : null,
        pre: lif && grad && pop.reset === 'zero' && !pop.detachReset ? f(B * T * N) : null,
        gS: lif && grad && !keep ? f(B * T * N) : null,
        gCount: lif && counted ? f64(B * N) : null,
        gD: grad && pop.kind !== 'input' ? f(B * T * N) : null,
        y: pop.kind === 'readout' ? f(B * (T + 1) * N) : null,
        gy: pop.kind === 'readout' && grad ? f(B * (T + 1) * N) : null,
        mem: lif && this.recording ? f(B * T * N) : null,
        k:
          scratch && pop.kind !== 'input'
            ? {
                drive: m.f32(T * N),
                U: m.f32(N),
                I: m.f32(N),
                LU: m.f32(batchAdjoint ? B * N : N),
                LI: m.f32(batchAdjoint ? B * N : N),
                LIlater: m.f32(rec && this.plan.discretisation === 'nir' ? B * N : 0),
                recG: m.f32(rec ? B * N : 0),
                Vpanels: m.f32(rec ? panelLength(N, N) : 0),
                active: m.i32(N),
                lastOf: m.i32(B),
                lastActive: m.i32(B),
                pad: m.f32(this.delayRows(pop) ? (T + this.delayRows(pop)) * N : 0),
                consts: m.f64(lif && (pop.perNeuron || pop.adaptation) ? 4 * N : 0),
                constGrads: m.f64(learns ? 4 * N : 0),
                traceI: m.f32(learns ? B * T * N : 0),
              }
            : null,
      };
    });
  }

  private spikesOf(ws: Workspace, batch: SpikeBatch): Spikes {
    return ws.pop.kind === 'input' ? { offsets: batch.offsets, units: batch.units } : ws.spikes;
  }

  private forward(batch: SpikeBatch, weights: WeightSet<FloatArray>, keepForBackward: boolean) {
    const B = batch.batchSize;
    const T = this.plan.timeSteps;
    if (batch.timeSteps !== T) throw new Error(`The batch has ${batch.timeSteps} time steps; the graph expects ${T}.`);
    this.allocate(B, batch.offsets[B * T] as number);
    const kb = this.kb;
    if (kb) {
      kb.inputOffsets.set(batch.offsets.subarray(0, B * T + 1));
      kb.inputUnits.set(batch.units.subarray(0, batch.offsets[B * T] as number));
      for (const c of this.plan.connections) kb.weights[c.id]?.set(weights[c.id] as FloatArray);
    }
    for (const dc of this.delayed.values()) {
      dc.prepare(weights);
      const dm = kb?.delayMatrices[dc.conn.id];
      if (dm) dc.fillDelayMatrices(dm);
    }
    for (const ws of this.spaces) {
      const p = ws.pop;
      if (p.kind === 'input') continue;
      // Per-neuron constants, resolved once per batch: adLIF in the JS loops (neurons.ts), LIF in the kernels where they run.
      const arrays = p.adaptation || p.perNeuron ? neuronArrays(p, weights) : null;
      if (arrays) this.arrays.set(p.id, arrays);
      // In the kernels' memory too: the per-neuron LIF's kernels step with them, and the
      // sparse backward's gradient to this population reads its thresholds.
      if (arrays && ws.k?.consts.length) {
        const N = p.size;
        ws.k.consts.set(arrays.alpha, 0);
        ws.k.consts.set(arrays.beta, N);
        ws.k.consts.set(arrays.c, 2 * N);
        ws.k.consts.set(arrays.theta, 3 * N);
      }
      const learns = keepForBackward && !!p.perNeuron?.learned.length;
      if (kb && ws.k && !this.delayedRecurrence(p) && (!arrays || this.kernelNeurons(p))) {
        if (this.forwardKernels(kb, ws, B, keepForBackward, weights, arrays, learns)) continue;
        // The kept lists outgrew their room: more room (or every entry), a new layout, the batch again.
        const room = grownRoom(ws.kept as KeptMembranes, B * T * p.size);
        if (room === null) this.keepingAll.add(p.id);
        else this.keptCapacity.set(p.id, room);
        this.batchSize = -1;
        this.forward(batch, weights, keepForBackward);
        return;
      }
      const trace = learns ? this.traceOf(p, B) : null;
      const N = p.size;
      const pad = this.delayRows(p);
      // Populations the kernels do not step still take their undelayed input rows from the
      // kernels' row adds, into the kernels' drive, when the arrays are there.
      const kernelRows = kb && ws.k && arrays && !pad ? this.kernelInputs(kb, p) : null;
      const drive = kernelRows && ws.k ? ws.k.drive : new this.F((T + pad) * N);
      const I = new this.F(N);
      const U = new this.F(N);
      const inputs = p.incoming.map((c) => ({
        w: weights[c.id] as FloatArray,
        spikes: this.spikesOf(this.spaces[c.source] as Workspace, batch),
        delayed: this.delayed.get(c.id),
      }));
      const rec = p.recurrent ? (weights[p.recurrent.id] as FloatArray) : null;
      const recDelayed = this.delayedRecurrence(p);
      const bias = p.bias ? (weights[p.id] as FloatArray) : null;
      if (p.bias && bias?.length !== N) throw new Error(`No bias currents for population '${p.id}'.`);
      const nir = this.plan.discretisation === 'nir';
      const { alpha, beta, inputScale: c, threshold: theta } = p;
      const zero = p.reset === 'zero';
      const sgOut = keepForBackward ? ws.sg : null;
      const pre = keepForBackward ? ws.pre : null;
      const mem = ws.mem;
      let cursor = 0;
      if (p.kind === 'lif') ws.spikes.offsets[0] = 0;
      const jsState = arrays && p.kind === 'lif' ? neuronState(this.F, N) : null;
      for (let b = 0; b < B; b++) {
        // The bias current joins every step's drive.
        if (bias) for (let n = 0; n < T; n++) drive.set(bias, n * N);
        else drive.fill(0);
        if (bias && pad) drive.fill(0, T * N);
        if (kernelRows && kb) {
          const at0 = at(drive);
          for (const i of kernelRows) kb.k.addSpikeRows(at0, i.w, N, T, i.units, i.offsets + b * T * 4);
        }
        // Event-driven input: one weight row per presynaptic spike (R rows, delayed: fast/delays.ts).
        for (const { w, spikes, delayed } of kernelRows ? [] : inputs) {
          if (delayed) {
            delayed.addSample(drive, spikes, b, T);
            continue;
          }
          const { offsets, units } = spikes;
          for (let n = 0; n < T; n++)
            addRows(drive, n * N, w, N, units, offsets[b * T + n] as number, offsets[b * T + n + 1] as number);
        }
        if (p.kind === 'readout') {
          if (arrays) readoutForwardSample(arrays, U, I, N, T, b, drive, ws.y as FloatArray, trace?.I ?? null);
          else readoutSample(U, I, N, T, b, drive, ws.y as FloatArray, alpha, beta, c);
          continue;
        }
        if (jsState && arrays) {
          const { offsets, units } = ws.spikes;
          cursor = neuronForwardSample(
            p,
            arrays,
            nir,
            jsState,
            drive,
            rec,
            b,
            T,
            ws.spiked,
            offsets,
            units,
            cursor,
            sgOut,
            pre,
            mem,
            trace,
            recDelayed ? (n, first, end) => recDelayed.addSpikes(drive, n, ws.spikes.units, first, end) : null,
          );
          continue;
        }
        I.fill(0);
        U.fill(0);
        const { offsets, units } = ws.spikes;
        const spiked = ws.spiked;
        for (let n = 0; n < T; n++) {
          const base = (b * T + n) * N;
          const d = n * N;
          if (nir) {
            // NIR: the spike of step n is read from the membrane P[n]; the recurrent spikes
            // of step n join the next step's drive (S[n-1] enters x[n]).
            const first = cursor;
            cursor = nirStep(
              U,
              I,
              N,
              drive,
              d,
              spiked,
              base,
              units,
              cursor,
              alpha,
              beta,
              c,
              theta,
              zero,
              sgOut,
              pre,
              mem,
            );
            if (recDelayed) recDelayed.addSpikes(drive, n, units, first, cursor);
            else if (rec && n + 1 < T) addRows(drive, d + N, rec, N, units, first, cursor);
          } else if (rec) {
            // Recurrent spikes at n join the drive into I[n+1], so all of step n's spikes
            // must be known before any I is updated: two passes.
            const first = cursor;
            cursor = detectSpikes(U, N, theta, spiked, base, units, cursor, sgOut, mem);
            if (recDelayed) recDelayed.addSpikes(drive, n, units, first, cursor);
            else addRows(drive, d, rec, N, units, first, cursor);
            updateState(U, I, N, drive, d, spiked, base, alpha, beta, c, theta, zero, pre);
          } else {
            cursor = lifStep(
              U,
              I,
              N,
              drive,
              d,
              spiked,
              base,
              units,
              cursor,
              alpha,
              beta,
              c,
              theta,
              zero,
              sgOut,
              pre,
              mem,
            );
          }
          offsets[b * T + n + 1] = cursor;
        }
      }
    }
  }

  /** Pointers to the weights and presynaptic spikes of p's (undelayed) inputs in the kernels' memory. */
  private kernelInputs(kb: KernelBatch, p: PopulationPlan) {
    return p.incoming.map((conn) => {
      const src = this.spaces[conn.source] as Workspace;
      const spikes = src.pop.kind === 'input' ? { offsets: kb.inputOffsets, units: kb.inputUnits } : src.spikes;
      return { w: at(kb.weights[conn.id] as Float32Array), units: at(spikes.units), offsets: at(spikes.offsets) };
    });
  }

  /**
   * The forward pass of one population in the kernels; with `arrays`, a LIF population's
   * per-neuron constants (kernelNeurons), keeping the current for their gradients if it `learns`.
   * False where the kept membranes (KeptMembranes) would outgrow their room: the pass stops
   * before the sample that might not fit.
   */
  private forwardKernels(
    kb: KernelBatch,
    ws: Workspace,
    B: number,
    keepForBackward: boolean,
    weights: WeightSet<FloatArray>,
    arrays: NeuronArrays | null = null,
    learns = false,
  ): boolean {
    const { k } = kb;
    const p = ws.pop;
    const s = ws.k as KernelScratch;
    const T = this.plan.timeSteps;
    const N = p.size;
    const { alpha, beta, inputScale: c, threshold: theta } = p;
    const inputs = p.incoming.map((conn) => {
      const src = this.spaces[conn.source] as Workspace;
      const spikes = src.pop.kind === 'input' ? { offsets: kb.inputOffsets, units: kb.inputUnits } : src.spikes;
      return {
        w: at(kb.weights[conn.id] as Float32Array),
        units: at(spikes.units),
        offsets: at(spikes.offsets),
        spikes,
        delayed: this.delayed.get(conn.id),
      };
    });
    // Delayed inputs add into rows of their own (T + delay rows), then into the kernels' drive:
    // fixed delays and the per-delay matrices by the kernels' row adds, shifted; the rest in JS.
    const pad = inputs.some((i) => i.delayed) ? s.pad : null;
    const bias = p.bias ? (weights[p.id] as FloatArray) : null;
    if (p.bias && bias?.length !== N) throw new Error(`No bias currents for population '${p.id}'.`);
    const drive = at(s.drive);
    let cursor = 0;
    if (p.kind === 'lif') ws.spikes.offsets[0] = 0;
    const traceI = learns && s.traceI.length ? s.traceI : null;
    if (traceI) this.traces.set(p.id, { I: traceI, W: new Float32Array(0), Q: new Float32Array(0) });
    const kept = keepForBackward ? ws.kept : null;
    const window = this.plan.training.sparseWindow ?? 0.5;
    if (kept) kept.offsets[0] = 0;
    for (let b = 0; b < B; b++) {
      // A sample may keep up to T N membranes: stop where that would not fit.
      if (kept && (kept.offsets[b * T] as number) + T * N > kept.units.length) return false;
      const keptAt: [number, number, number, number] = kept
        ? [at(kept.offsets) + b * T * 4, at(kept.units), at(kept.values), window]
        : [0, 0, 0, 0];
      // The bias current joins every step's drive.
      if (bias) for (let n = 0; n < T; n++) s.drive.set(bias, n * N);
      else s.drive.fill(0);
      for (const i of inputs) if (!i.delayed) k.addSpikeRows(drive, i.w, N, T, i.units, i.offsets + b * T * 4);
      if (pad) {
        pad.fill(0);
        for (const i of inputs) {
          const dc = i.delayed;
          if (!dc) continue;
          const spikesAt = i.offsets + b * T * 4;
          const dm = kb.delayMatrices[dc.conn.id];
          if (dc.fixed) k.addSpikeRows(at(pad) + (dc.shift + dc.delay.steps) * N * 4, i.w, N, T, i.units, spikesAt);
          else if (dm) {
            const MN = dc.M * N;
            for (let d = 0; d <= dc.delay.max; d++)
              k.addSpikeRows(at(pad) + (dc.shift + d) * N * 4, at(dm) + d * MN * 4, N, T, i.units, spikesAt);
          } else dc.addSample(pad, i.spikes, b, T);
        }
        addRow(s.drive, 0, pad, 0, T * N);
      }
      if (p.kind === 'readout') {
        k.readoutForward(at(s.U), at(s.I), N, T, drive, at(ws.y as FloatArray) + b * (T + 1) * N * 4, alpha, beta, c);
        continue;
      }
      const base = b * T * N;
      const sg = keepForBackward && ws.sg ? at(ws.sg) + base * 4 : 0;
      const pre = keepForBackward && ws.pre ? at(ws.pre) + base * 4 : 0;
      const mem = ws.mem ? at(ws.mem) + base * 4 : 0;
      const rec = p.recurrent ? at(kb.weights[p.recurrent.id] as Float32Array) : 0;
      if (arrays) {
        cursor = k.lifForwardNeurons(
          at(s.U),
          at(s.I),
          N,
          T,
          drive,
          rec,
          at(ws.spiked) + base,
          at(ws.spikes.units),
          cursor,
          at(ws.spikes.offsets) + (b * T + 1) * 4,
          at(s.consts),
          p.reset === 'zero',
          sg,
          mem,
          pre,
          this.plan.discretisation === 'nir',
          traceI ? at(traceI) + base * 4 : 0,
          ...keptAt,
        );
        continue;
      }
      cursor = k.lifForward(
        at(s.U),
        at(s.I),
        N,
        T,
        drive,
        rec,
        at(ws.spiked) + base,
        at(ws.spikes.units),
        cursor,
        at(ws.spikes.offsets) + (b * T + 1) * 4,
        alpha,
        beta,
        c,
        theta,
        p.reset === 'zero',
        sg,
        mem,
        pre,
        this.plan.discretisation === 'nir',
        ...keptAt,
      );
    }
    return true;
  }

  private counts(ws: Workspace, b: number, out: Float64Array) {
    const T = this.plan.timeSteps;
    out.fill(0);
    const { offsets, units } = ws.spikes;
    const end = offsets[(b + 1) * T] as number;
    for (let e = offsets[b * T] as number; e < end; e++) {
      const u = units[e] as number;
      out[u] = (out[u] as number) + 1;
    }
  }

  /** Loss and accuracy of the last forward pass; seeds the backward pass's gradients. */
  private lossAndSeed(batch: SpikeBatch): BatchResult {
    const B = batch.batchSize;
    const T = this.plan.timeSteps;
    const invB = 1 / B;
    const lossPlan = this.plan.loss;
    const scored = this.spaces[lossPlan.population] as Workspace;
    const K = scored.pop.size;
    let total = 0;
    let correct = 0;
    const scores = new Float64Array(K);
    const argmax = new Int32Array(K);
    for (const ws of this.spaces) ws.gCount?.fill(0);
    let maxSize = K;
    for (const ws of this.spaces) maxSize = Math.max(maxSize, ws.pop.size);
    const z = new Float64Array(maxSize);
    const gz = new Float64Array(maxSize);
    const predictions = new Int32Array(B);
    for (let b = 0; b < B; b++) {
      const label = batch.labels[b] as number;
      let r: { loss: number; predicted: number };
      if (lossPlan.kind === 'spike-count-mse') {
        this.counts(scored, b, z);
        gz.fill(0);
        r = spikeCountLoss(lossPlan, z, gz, K, label, invB);
        const g = scored.gCount as Float64Array;
        for (let k = 0; k < K; k++) g[b * K + k] = (g[b * K + k] as number) + (gz[k] as number);
      } else {
        const gy = scored.gy ?? new this.F((T + 1) * K * B);
        r = readoutLoss(lossPlan.kind, scored.y as FloatArray, gy, b * (T + 1) * K, T, K, label, invB, scores, argmax);
      }
      total += r.loss;
      predictions[b] = r.predicted;
      if (r.predicted === label) correct++;
      for (const reg of this.plan.regularizers) {
        const ws = this.spaces[reg.population] as Workspace;
        const N = ws.pop.size;
        this.counts(ws, b, z);
        gz.fill(0);
        total += regularizerPenalty(reg, z, gz, N, invB);
        const g = ws.gCount as Float64Array;
        for (let j = 0; j < N; j++) g[b * N + j] = (g[b * N + j] as number) + (gz[j] as number);
      }
    }
    return { loss: total / B, correct, count: B, predictions };
  }

  private backward(batch: SpikeBatch, weights: WeightSet<FloatArray>): Record<string, FloatArray> {
    const B = batch.batchSize;
    const T = this.plan.timeSteps;
    const kb = this.kb;
    // With the kernels, gradients accumulate in their memory and are copied out at the end.
    const grads: Record<string, FloatArray> = {};
    for (const c of this.plan.connections)
      if (c.trainable) {
        const g = kb?.grads[c.id];
        if (g) g.fill(0);
        grads[c.id] = g ?? new this.F(c.sourceUnits * c.targetUnits);
        if (c.delay.mode === 'learnable') grads[delayKey(c.id)] = new this.F(c.sourceUnits * c.targetUnits);
      }
    const written = new Set<Workspace>();
    const kind = this.sgKind;
    const t = this.plan.training;
    const sparse = t.sparseBackward === true;
    const window = t.sparseWindow ?? 0.5;

    for (let pi = this.spaces.length - 1; pi >= 0; pi--) {
      const ws = this.spaces[pi] as Workspace;
      const p = ws.pop;
      if (!p.inLoss || p.kind === 'input') continue;
      const N = p.size;
      const gD = ws.gD as FloatArray;
      const { alpha, beta, inputScale: c, threshold: theta } = p;
      const nir = this.plan.discretisation === 'nir';
      const lu = new this.F(N);
      const li = new this.F(N);
      const lastActive = new Int32Array(B).fill(T - 1);
      const arrays = this.arrays.get(p.id);
      const trace = p.perNeuron?.learned.length ? (this.traces.get(p.id) ?? null) : null;
      const ng = trace ? neuronGrads(N) : null;
      if (p.kind === 'readout' && arrays) {
        const gy = ws.gy as FloatArray;
        for (let b = 0; b < B; b++)
          readoutAdjointSample(arrays, lu, li, N, T, b, gy, ws.y as FloatArray, gD, trace?.I ?? null, ng);
      } else if (p.kind === 'readout') {
        const gy = ws.gy as FloatArray;
        for (let b = 0; b < B; b++) {
          const yo = b * (T + 1) * N;
          for (let j = 0; j < N; j++) {
            lu[j] = gy[yo + T * N + j] as number;
            li[j] = 0;
          }
          for (let n = T - 1; n >= 0; n--) {
            const o = (b * T + n) * N;
            const go = yo + n * N;
            for (let j = 0; j < N; j++) {
              const l = li[j] as number;
              const u = lu[j] as number;
              gD[o + j] = l;
              li[j] = alpha * l + c * u;
              lu[j] = (gy[go + j] as number) + beta * u;
            }
          }
        }
      } else {
        // The membranes and dL/dS: all of them (sg, gS), or the kept ones (KeptMembranes),
        // which only the kernel branches below read.
        const kept = ws.kept;
        const um = (ws.sg ?? new this.F(0)) as FloatArray;
        const sg = this.sg;
        const gS = (ws.gS ?? new this.F(0)) as FloatArray;
        if (!written.has(ws)) (kept ? kept.grads.subarray(0, kept.offsets[B * T]) : gS).fill(0);
        const gCount = ws.gCount;
        const spiked = ws.spiked;
        const pre = ws.pre;
        const zero = p.reset === 'zero';
        const differentiated = !p.detachReset;
        // d U[n+1] / d S[n] of the subtractive reset: -theta (SpyTorch), -beta theta (NIR, which
        // subtracts before the decay); the zero reset's is -pre, kept by the forward pass.
        const thetaR = nir ? beta * theta : theta;
        const recC = p.recurrent;
        const V = recC ? (weights[recC.id] as FloatArray) : null;
        const dV = recC ? (grads[recC.id] as FloatArray) : null;
        // Steps after the last one that receives a gradient leave lu = li = 0: skip them
        // (with a max-over-time loss nothing after the readout's arg-max step matters).
        // gD[n] = dL/dI[n+1] vanishes from n = last on.
        const lastOf = new Int32Array(B);
        for (let b = 0; b < B; b++) {
          let last = T - 1;
          if (!gCount) last = kept ? lastKept(kept, b, T) : this.lastNonzero(gS, b, T, N);
          lastOf[b] = last;
          lastActive[b] = last - 1;
          gD.fill(0, (b * T + last + 1) * N, (b + 1) * T * N);
        }
        const ks = kb ? ws.k : null;
        const flags =
          (zero ? ZERO_RESET : 0) | (differentiated ? DIFFERENTIATED : 0) | (sparse ? SPARSE : 0) | (nir ? NIR : 0);
        const scale = t.surrogateScale;
        // The exp surrogates run the JS loops.
        const recDelayed = this.delayedRecurrence(p);
        const kernelAdjoint = kb && ks && kind !== null && !recDelayed && !arrays;
        if (arrays && kb && ks && kind !== null && this.kernelNeurons(p)) {
          // Per-neuron LIF in the kernels: time-major over the batch, V li one gemm per step.
          const { k } = kb;
          if (V && recC && !sparse) k.packPanels(at(ks.Vpanels), at(kb.weights[recC.id] as Float32Array), N, N);
          ks.LU.fill(0);
          ks.LI.fill(0);
          ks.LIlater.fill(0);
          ks.lastOf.set(lastOf);
          const constGrads = ng && trace && ks.constGrads.length ? ks.constGrads : null;
          constGrads?.fill(0);
          let top = -1;
          for (let b = 0; b < B; b++) top = Math.max(top, lastOf[b] as number);
          for (let n = top; n >= 0; n--) {
            if (V && recC) {
              const li = at(nir ? ks.LIlater : ks.LI);
              if (sparse)
                this.sparseRecurrent(kb, ks, li, recC.id, N, T, B, n, um, 0, at(ks.consts) + 3 * N * 8, window, kept);
              else k.gemm(at(ks.recG), li, at(ks.Vpanels), B, N, N, false);
              if (nir) ks.LIlater.set(ks.LI);
            }
            if (kept) scatterKept(kb.k, kept, n, B, T, N, false);
            k.adjointStepBatchNeurons(
              at(ks.LU),
              at(ks.LI),
              V ? at(ks.recG) : 0,
              N,
              T,
              B,
              n,
              at(ks.lastOf),
              at(gD),
              kept ? at(kept.gradRows) : at(gS),
              gCount ? at(gCount) : 0,
              pre ? at(pre) : 0,
              kept ? at(kept.rows) : at(um),
              at(spiked),
              at(ks.consts),
              flags,
              kind,
              scale,
              Math.PI * scale,
              window,
              constGrads && trace ? at(trace.I) : 0,
              constGrads ? at(constGrads) : 0,
              kept ? 1 : T,
              kept ? 0 : n,
            );
            if (kept) scatterKept(kb.k, kept, n, B, T, N, true);
          }
          if (ng && constGrads) {
            ng.alpha.set(constGrads.subarray(0, N));
            ng.beta.set(constGrads.subarray(N, 2 * N));
            ng.c.set(constGrads.subarray(2 * N, 3 * N));
            ng.theta.set(constGrads.subarray(3 * N, 4 * N));
          }
        } else if (arrays && !kept) {
          const product = V && recC && !recDelayed ? this.recurrentProduct(V, recC.id, N, B, kb, ks) : null;
          const delayedG = recDelayed ? new this.F(B * N) : null;
          const recurrent =
            recDelayed && delayedG
              ? (n: number, li: FloatArray) => {
                  recDelayed.recurrentGrad(delayedG, li, gD, n, B, T);
                  return delayedG;
                }
              : product
                ? (_: number, li: FloatArray, later: FloatArray) => product.apply(nir ? later : li)
                : null;
          try {
            neuronAdjointBatch(
              p,
              arrays,
              nir,
              this.sg,
              this.F,
              recurrent,
              B,
              T,
              lastOf,
              gD,
              gS,
              gCount,
              um,
              spiked,
              pre,
              trace,
              ng,
            );
          } finally {
            product?.dispose();
          }
        } else if (kernelAdjoint && kb && ks && kind !== null && V) {
          // The recurrent adjoint in the kernels: V li as one gemm per step, then the step.
          const { k } = kb;
          const recId = (recC as { id: string }).id;
          if (!sparse) kb.k.packPanels(at(ks.Vpanels), at(kb.weights[recId] as Float32Array), N, N);
          ks.LU.fill(0);
          ks.LI.fill(0);
          ks.LIlater.fill(0);
          ks.lastOf.set(lastOf);
          let top = -1;
          for (let b = 0; b < B; b++) top = Math.max(top, lastOf[b] as number);
          for (let n = top; n >= 0; n--) {
            // NIR: S[n] enters the drive of n+1, so its gradient is V gD[n+1], the LI of the
            // previous (later) iteration.
            const li = at(nir ? ks.LIlater : ks.LI);
            if (sparse) this.sparseRecurrent(kb, ks, li, recId, N, T, B, n, um, theta, 0, window, kept);
            else k.gemm(at(ks.recG), li, at(ks.Vpanels), B, N, N, false);
            if (nir) ks.LIlater.set(ks.LI);
            if (kept) scatterKept(kb.k, kept, n, B, T, N, false);
            k.adjointStepBatch(
              at(ks.LU),
              at(ks.LI),
              at(ks.recG),
              N,
              T,
              B,
              n,
              at(ks.lastOf),
              at(gD),
              kept ? at(kept.gradRows) : at(gS),
              gCount ? at(gCount) : 0,
              pre ? at(pre) : 0,
              kept ? at(kept.rows) : at(um),
              at(spiked),
              theta,
              alpha,
              beta,
              c,
              flags,
              kind,
              scale,
              Math.PI * scale,
              window,
              kept ? 1 : T,
              kept ? 0 : n,
            );
            if (kept) scatterKept(kb.k, kept, n, B, T, N, true);
          }
        } else if (kernelAdjoint && kb && ks && kind !== null && !V) {
          const { k } = kb;
          for (let b = 0; b < B; b++) {
            const base = b * T * N;
            if (kept) scatterKept(kb.k, kept, b * T, T, 1, N, false);
            k.adjointSample(
              at(ks.LU),
              at(ks.LI),
              N,
              lastOf[b] as number,
              at(gD) + base * 4,
              kept ? at(kept.gradRows) : at(gS) + base * 4,
              gCount ? at(gCount) + b * N * 8 : 0,
              pre ? at(pre) + base * 4 : 0,
              kept ? at(kept.rows) : at(um) + base * 4,
              at(spiked) + base,
              theta,
              alpha,
              beta,
              c,
              flags,
              kind,
              scale,
              Math.PI * scale,
              window,
            );
            if (kept) scatterKept(kb.k, kept, b * T, T, 1, N, true);
          }
        } else if (kept) {
          throw new Error(`Internal: population '${p.id}' kept only some membranes for the JS loops.`);
        } else if (V) {
          // Recurrent: time-major over all samples, so that the recurrence's gradient to the
          // population's own spikes, gS[b, n, :] += V li[b, :], is one dense product per step
          // ([B, N] x [N, N]) instead of B mat-vecs. The adjoint state is [B, N].
          const LU = new this.F(B * N);
          const LI = new this.F(B * N);
          // NIR: S[n] enters the drive of step n+1, so its gradient is V gD[n+1], the LI of
          // the previous (later) iteration; SpyTorch: V gD[n], this iteration's LI.
          const LIlater = nir ? new this.F(B * N) : LI;
          const product = this.recurrentProduct(V, (recC as { id: string }).id, N, B, kb, ks);
          // A delayed recurrence reads the later drive gradients itself (fast/delays.ts).
          const delayedG = recDelayed ? new this.F(B * N) : null;
          let top = -1;
          for (let b = 0; b < B; b++) top = Math.max(top, lastOf[b] as number);
          try {
            for (let n = top; n >= 0; n--) {
              if (recDelayed && delayedG) recDelayed.recurrentGrad(delayedG, LI, gD, n, B, T);
              const recG = delayedG ?? product.apply(LIlater);
              if (nir) LIlater.set(LI);
              for (let b = 0; b < B; b++) {
                if (n > (lastOf[b] as number)) continue;
                const base = (b * T + n) * N;
                const so = b * N;
                for (let j = 0; j < N; j++) {
                  const s = spiked[base + j] as number;
                  const u = LU[so + j] as number;
                  const l = LI[so + j] as number;
                  gD[base + j] = l;
                  let g = (gS[base + j] as number) + (recG[so + j] as number);
                  if (gCount) g += gCount[so + j] as number;
                  if (differentiated) g -= zero ? u * ((pre as FloatArray)[base + j] as number) : u * thetaR;
                  const keep = zero ? 1 - s : 1;
                  const nu = g * sg((um[base + j] as number) - theta) + beta * keep * u;
                  LU[so + j] = nu;
                  LI[so + j] = alpha * l + c * (nir ? nu : keep * u);
                }
              }
            }
          } finally {
            product.dispose();
          }
        } else
          for (let b = 0; b < B; b++) {
            lu.fill(0);
            li.fill(0);
            const co = b * N;
            for (let n = lastOf[b] as number; n >= 0; n--) {
              const base = (b * T + n) * N;
              if (!differentiated && !gCount && zero)
                lifAdjointStep(lu, li, N, gD, gS, um, sg, theta, spiked, base, alpha, beta, c, nir);
              else
                for (let j = 0; j < N; j++) {
                  const s = spiked[base + j] as number;
                  const u = lu[j] as number;
                  const l = li[j] as number;
                  gD[base + j] = l;
                  let g = gS[base + j] as number;
                  if (gCount) g += gCount[co + j] as number;
                  if (differentiated) g -= zero ? u * ((pre as FloatArray)[base + j] as number) : u * thetaR;
                  const keep = zero ? 1 - s : 1;
                  const nu = g * sg((um[base + j] as number) - theta) + beta * keep * u;
                  lu[j] = nu;
                  li[j] = alpha * l + c * (nir ? nu : keep * u);
                }
            }
          }
        // The recurrent weights' gradient, as any incoming connection's: gD over presynaptic
        // spikes, which are the population's own.
        if (recC && dV && recDelayed && !recDelayed.fixed) recDelayed.weightGrad(dV, gD, ws.spikes, B, T, null);
        else if (recC && dV)
          this.weightGrad(dV, gD, ws.spikes, lastActive, B, T, N, ws, recDelayed?.span ?? (nir ? 1 : 0));
      }

      // The last step whose drive gradient may be nonzero, per sample (LIF: set above).
      if (p.kind === 'readout')
        for (let b = 0; b < B; b++) {
          lastActive[b] = this.lastNonzero(gD, b, T, N);
        }
      if (arrays && ng) Object.assign(grads, learnedGrads(p, arrays, ng, this.F));
      // dL/db = sum over samples and steps of the drive's gradient.
      if (p.bias) {
        const gb = new this.F(N);
        for (let r = 0; r < B * T; r++) addRow(gb, 0, gD, r * N, N);
        grads[p.id] = gb;
      }
      for (const conn of p.incoming) {
        const src = this.spaces[conn.source] as Workspace;
        const spikes =
          kb && src.pop.kind === 'input'
            ? { offsets: kb.inputOffsets, units: kb.inputUnits }
            : this.spikesOf(src, batch);
        const delayed = this.delayed.get(conn.id);
        const dmGrad = kb?.delayMatrixGrads[conn.id];
        if (delayed?.fixed)
          this.weightGrad(grads[conn.id] as FloatArray, gD, spikes, lastActive, B, T, N, ws, delayed.span);
        else if (delayed && dmGrad) {
          // One shifted weight gradient per delay in the kernels, then the taps' chain rule.
          const MN = conn.sourceUnits * N;
          for (let d = 0; d <= delayed.delay.max; d++) {
            const C = dmGrad.subarray(d * MN, (d + 1) * MN);
            C.fill(0);
            this.weightGrad(C, gD, spikes, lastActive, B, T, N, ws, delayed.shift + d);
          }
          delayed.delayMatrixGrads(dmGrad, grads[conn.id] as FloatArray, grads[delayKey(conn.id)] ?? null);
        } else if (delayed)
          delayed.weightGrad(grads[conn.id] as FloatArray, gD, spikes, B, T, grads[delayKey(conn.id)] ?? null);
        else this.weightGrad(grads[conn.id] as FloatArray, gD, spikes, lastActive, B, T, N, ws);
        if (conn.gradToSource) {
          const W = weights[conn.id] as FloatArray;
          const gSrc = src.gS as FloatArray;
          // The first connection to write a source's gradient overwrites last batch's values.
          const accumulate = written.has(src);
          written.add(src);
          const Wt = kb?.panels[conn.id];
          const sparseSource = kb && Wt && sparse && src.k && src.sg && this.sparseSourceOk(src.pop);
          if (delayed) delayed.sourceGrad(gSrc, gD, B, T, accumulate);
          else if (kb && src.kept) {
            // The sparse backward on the source's kept membranes: dL/dS at the entries inside
            // the window, the only ones its adjoint reads (KeptMembranes.grads).
            const W = at(kb.weights[conn.id] as Float32Array);
            const { offsets, units, grads: gKept } = src.kept;
            kb.k.sparseSourceGradKept(
              at(gKept),
              at(gD),
              W,
              B * T,
              N,
              conn.sourceUnits,
              at(offsets),
              at(units),
              accumulate,
            );
          } else if (kb && sparseSource && src.k && src.sg) {
            // The sparse backward: only the source's entries inside the window, where its
            // adjoint multiplies this gradient by a nonzero surrogate.
            const M = conn.sourceUnits;
            kb.k.sparseSourceGrad(
              at(gSrc),
              at(gD),
              at(kb.weights[conn.id] as Float32Array),
              B * T,
              N,
              M,
              at(src.sg),
              src.pop.threshold,
              src.k.consts.length ? at(src.k.consts) + 3 * M * 8 : 0,
              window,
              at(src.k.active),
              accumulate,
            );
          } else if (kb && Wt) {
            // gS_src [B T, M] (+)= gD [B T, N] x W^T [N, M], one gemm in the kernels.
            kb.k.packPanels(at(Wt), at(kb.weights[conn.id] as Float32Array), conn.sourceUnits, N);
            kb.k.gemm(at(gSrc), at(gD), at(Wt), B * T, N, conn.sourceUnits, accumulate);
          } else if (this.matmul === 'tfjs' && gD instanceof Float32Array && W instanceof Float32Array)
            addMatMulTransposedTf(gSrc as Float32Array, gD, W, B * T, N, conn.sourceUnits, accumulate);
          else {
            if (!accumulate) gSrc.fill(0);
            addMatMulTransposed(gSrc, gD, W, B * T, N, conn.sourceUnits);
          }
        }
      }
    }
    if (kb) for (const id of Object.keys(grads)) grads[id] = (grads[id] as FloatArray).slice();
    return grads;
  }

  /** The last step of sample b whose row of a [B, T, N] array is not all zero, or -1. */
  private lastNonzero(a: FloatArray, b: number, T: number, N: number): number {
    const kb = this.kb;
    if (kb && a instanceof Float32Array && a.buffer === kb.k.memory.buffer)
      return kb.k.lastNonzeroRow(at(a) + b * T * N * 4, T, N);
    let last = T - 1;
    while (last >= 0 && isZero(a, (b * T + last) * N, N)) last--;
    return last;
  }

  /**
   * Whether the sparse backward may skip a source population's gradient outside the window:
   * a LIF population, whose adjoint (kernels or JS loops, adLIF included) multiplies dL/dS
   * only by the surrogate at U - theta_j, with its thresholds in the kernels' memory where
   * they are per neuron (consts, set by forward).
   */
  private sparseSourceOk(p: PopulationPlan): boolean {
    const ws = this.spaces[p.index];
    return p.kind === 'lif' && (!this.arrays.has(p.id) || (ws?.k?.consts.length ?? 0) === 4 * p.size);
  }

  /** V li for the JS adjoint loops: in the kernels where they are on, else tfjs or JS. */
  private recurrentProduct(
    V: FloatArray,
    recId: string,
    N: number,
    B: number,
    kb: KernelBatch | null,
    ks: KernelScratch | null,
  ): RecurrentProduct {
    const kernelV = kb?.weights[recId];
    if (kb && ks && kernelV && ks.Vpanels.length === panelLength(N, N) && ks.recG.length === B * N)
      return new RecurrentProduct(kernelV, N, B, false, { k: kb.k, Vpanels: ks.Vpanels, LI: ks.LI, recG: ks.recG });
    return new RecurrentProduct(V, N, B, this.matmul === 'tfjs' && this.F === Float32Array);
  }

  /**
   * The sparse backward's V li for step n: only the entries whose surrogate is inside the
   * window (the others are multiplied by zero), each a dot product of LI's row and V's; the
   * entries are the kept membranes' lists where there are some, else those of um inside.
   */
  private sparseRecurrent(
    kb: KernelBatch,
    ks: KernelScratch,
    li: number,
    recId: string,
    N: number,
    T: number,
    B: number,
    n: number,
    um: FloatArray,
    theta: number,
    thetas: number,
    window: number,
    kept: KeptMembranes | null,
  ) {
    const V = at(kb.weights[recId] as Float32Array);
    if (kept) {
      kb.k.sparseRecurrentGradKept(at(ks.recG), li, V, N, T, B, n, at(ks.lastOf), at(kept.offsets), at(kept.units));
      return;
    }
    kb.k.sparseRecurrentGrad(
      at(ks.recG),
      li,
      V,
      N,
      T,
      B,
      n,
      at(ks.lastOf),
      at(um),
      theta,
      thetas,
      window,
      at(ks.active),
    );
  }

  /** accumulateWeightGrad, in the kernels when the arrays are in their memory. */
  private weightGrad(
    dW: FloatArray,
    gD: FloatArray,
    spikes: Spikes,
    lastActive: Int32Array,
    B: number,
    T: number,
    N: number,
    ws: Workspace,
    shift = 0,
  ) {
    const kb = this.kb;
    if (kb && ws.k && kb.mem.holds(dW) && kb.mem.holds(spikes.units)) {
      // A shift pairs spikes of step n with gD row n + shift, up to lastActive - shift.
      for (let b = 0; b < B; b++) ws.k.lastActive[b] = (lastActive[b] as number) - shift;
      kb.k.accumulateWeightGrad(
        at(dW),
        at(gD) + shift * N * 4,
        N,
        T,
        B,
        at(spikes.units),
        at(spikes.offsets),
        at(ws.k.lastActive),
      );
    } else accumulateWeightGrad(dW, gD, spikes, lastActive, B, T, N, shift);
  }
}

/**
 * Weight gradient dW[i, :] += gD[b, n, :] over the presynaptic spikes (b, n, i), and only up
 * to each sample's last step whose drive gradient may be nonzero.
 */
function accumulateWeightGrad(
  dW: FloatArray,
  gD: FloatArray,
  spikes: Spikes,
  lastActive: Int32Array,
  B: number,
  T: number,
  N: number,
  /** Steps between a spike and the drive it enters (1 for NIR's recurrence, else 0). */
  shift = 0,
) {
  const { offsets, units } = spikes;
  for (let b = 0; b < B; b++) {
    const stop = (lastActive[b] as number) - shift;
    for (let n = 0; n <= stop; n++) {
      const o = (b * T + n + shift) * N;
      const end = offsets[b * T + n + 1] as number;
      for (let e = offsets[b * T + n] as number; e < end; e++) addRow(dW, (units[e] as number) * N, gD, o, N);
    }
  }
}

function isZero(a: FloatArray, o: number, N: number): boolean {
  for (let j = 0; j < N; j++) if (a[o + j] !== 0) return false;
  return true;
}

/** The adjoint step of the common case: zero reset, detached, no recurrence, no count terms. */
function lifAdjointStep(
  lu: FloatArray,
  li: FloatArray,
  N: number,
  gD: FloatArray,
  gS: FloatArray,
  um: FloatArray,
  sg: SurrogateFn,
  theta: number,
  spiked: Uint8Array,
  base: number,
  alpha: number,
  beta: number,
  c: number,
  nir: boolean,
) {
  for (let j = 0; j < N; j++) {
    const u = lu[j] as number;
    const l = li[j] as number;
    gD[base + j] = l;
    const keepU = spiked[base + j] ? 0 : u;
    const nu = (gS[base + j] as number) * sg((um[base + j] as number) - theta) + beta * keepU;
    lu[j] = nu;
    // NIR: P[n] = beta v[n-1] + c I[n] takes the current of the same index, so dL/dI[n]
    // gets c dL/dP[n], the new lu (SpyTorch: c keep dL/dU[n+1], the old one).
    li[j] = alpha * l + c * (nir ? nu : keepU);
  }
}

/** Sample b of a readout's forward pass: y[b, n, :] = U[n] for n = 0..T (U, I start at zero). */
export function readoutSample(
  U: FloatArray,
  I: FloatArray,
  N: number,
  T: number,
  b: number,
  drive: FloatArray,
  y: FloatArray,
  alpha: number,
  beta: number,
  c: number,
) {
  U.fill(0);
  I.fill(0);
  const yo = b * (T + 1) * N;
  for (let j = 0; j < N; j++) y[yo + j] = 0;
  for (let n = 0; n < T; n++) {
    const d = n * N;
    const o = yo + (n + 1) * N;
    for (let j = 0; j < N; j++) {
      const i = I[j] as number;
      const u = beta * (U[j] as number) + c * i;
      U[j] = u;
      y[o + j] = U[j] as number;
      I[j] = alpha * i + (drive[d + j] as number);
    }
  }
}

/** drive[d + j] += w[row + j] for the row of every unit in units[start..end): one row per spike. */
export function addRows(
  drive: FloatArray,
  d: number,
  w: FloatArray,
  N: number,
  units: Int32Array,
  start: number,
  end: number,
) {
  for (let e = start; e < end; e++) addRow(drive, d, w, (units[e] as number) * N, N);
}

/** a[ao + j] += b[bo + j] for j < N. Unrolled by four: ~1.6x faster in V8 than the plain loop. */
export function addRow(a: FloatArray, ao: number, b: FloatArray, bo: number, N: number) {
  let j = 0;
  for (; j + 3 < N; j += 4) {
    a[ao + j] = (a[ao + j] as number) + (b[bo + j] as number);
    a[ao + j + 1] = (a[ao + j + 1] as number) + (b[bo + j + 1] as number);
    a[ao + j + 2] = (a[ao + j + 2] as number) + (b[bo + j + 2] as number);
    a[ao + j + 3] = (a[ao + j + 3] as number) + (b[bo + j + 3] as number);
  }
  for (; j < N; j++) a[ao + j] = (a[ao + j] as number) + (b[bo + j] as number);
}

/** One step of a LIF population without recurrence: spikes from U[n], then U[n+1], I[n+1]. */
export function lifStep(
  U: FloatArray,
  I: FloatArray,
  N: number,
  drive: FloatArray,
  d: number,
  spiked: Uint8Array,
  base: number,
  units: Int32Array,
  cursor: number,
  alpha: number,
  beta: number,
  c: number,
  theta: number,
  zero: boolean,
  sgOut: FloatArray | null,
  pre: FloatArray | null,
  mem: FloatArray | null,
): number {
  for (let j = 0; j < N; j++) {
    const u = U[j] as number;
    const i = I[j] as number;
    const x = u - theta;
    const s = x > 0 ? 1 : 0;
    spiked[base + j] = s;
    if (s) units[cursor++] = j;
    if (sgOut) sgOut[base + j] = u;
    if (mem) mem[base + j] = u;
    const v = beta * u + c * i;
    if (pre) pre[base + j] = v;
    U[j] = zero ? (s ? 0 : v) : v - theta * s;
    I[j] = alpha * i + (drive[d + j] as number);
  }
  return cursor;
}

/**
 * One step of a LIF population under NIR's forward Euler (reset to v_reset = 0, or subtract):
 * the spike of step n from P[n], then I[n] = alpha I[n-1] + x[n] and P[n+1] = beta v[n] + c I[n],
 * v[n] = P[n] after the reset. (U holds P, I the current after the previous step.)
 */
export function nirStep(
  U: FloatArray,
  I: FloatArray,
  N: number,
  drive: FloatArray,
  d: number,
  spiked: Uint8Array,
  base: number,
  units: Int32Array,
  cursor: number,
  alpha: number,
  beta: number,
  c: number,
  theta: number,
  zero: boolean,
  sgOut: FloatArray | null,
  pre: FloatArray | null,
  mem: FloatArray | null,
): number {
  for (let j = 0; j < N; j++) {
    const u = U[j] as number;
    const s = u - theta > 0 ? 1 : 0;
    spiked[base + j] = s;
    if (s) units[cursor++] = j;
    if (sgOut) sgOut[base + j] = u;
    if (mem) mem[base + j] = u;
    // d P[n+1] / d S[n] of the zero reset is -beta P[n].
    if (pre) pre[base + j] = beta * u;
    const i = alpha * (I[j] as number) + (drive[d + j] as number);
    I[j] = i;
    U[j] = beta * (zero ? (s ? 0 : u) : u - theta * s) + c * i;
  }
  return cursor;
}

export function detectSpikes(
  U: FloatArray,
  N: number,
  theta: number,
  spiked: Uint8Array,
  base: number,
  units: Int32Array,
  cursor: number,
  sgOut: FloatArray | null,
  mem: FloatArray | null,
): number {
  for (let j = 0; j < N; j++) {
    const x = (U[j] as number) - theta;
    const s = x > 0 ? 1 : 0;
    spiked[base + j] = s;
    if (s) units[cursor++] = j;
    if (sgOut) sgOut[base + j] = U[j] as number;
    if (mem) mem[base + j] = U[j] as number;
  }
  return cursor;
}

export function updateState(
  U: FloatArray,
  I: FloatArray,
  N: number,
  drive: FloatArray,
  d: number,
  spiked: Uint8Array,
  base: number,
  alpha: number,
  beta: number,
  c: number,
  theta: number,
  zero: boolean,
  pre: FloatArray | null,
) {
  for (let j = 0; j < N; j++) {
    const i = I[j] as number;
    const v = beta * (U[j] as number) + c * i;
    const s = spiked[base + j] as number;
    if (pre) pre[base + j] = v;
    U[j] = zero ? (s ? 0 : v) : v - theta * s;
    I[j] = alpha * i + (drive[d + j] as number);
  }
}
