// The training loop the CLI and the training worker share. Events come from an async
// generator, so pausing is simply not pulling the next one; stopping is `return()`.
import type { RunEvent } from '../../shared/api/events';
import type { GraphDocument } from '../../shared/graph/document';
import type { SpikeBatch, SpikeDataset, Split } from '../data/types';
import { spikeDensity } from './batch';
import {
  clampDelays,
  DELAY_LEARNING_RATE_FACTOR,
  delayKey,
  delayWidth,
  delayWidthKey,
  initDelays,
  roundDelays,
} from './delays';
import { FastEngine } from './fast/fastEngine';
import { initWeights } from './init';
import type { FloatArray } from './loss';
import { clampNeuronParams } from './neuronParams';
import { Optimizer, type OptimizerState } from './optimizer';
import { compilePlan, type Plan, type WeightSet } from './plan';
import type { BatchResult, Engine, EngineName, Recording, RecordOptions } from './types';
import { KERNELS_BACKEND, wasmKernelsAvailable } from './wasm/kernels';

export interface TrainerOptions {
  engine?: EngineName;
  /** Weights to start from, by connection id; ones missing or of the wrong size are initialised. */
  initialWeights?: Record<string, Float32Array>;
  /** Optimizer moments to resume from (with initialWeights). */
  optimizerState?: OptimizerState;
  /** Defaults to the training node's epochs. */
  epochs?: number;
  /** Cap on training batches per epoch (quick runs, smoke tests). */
  maxBatches?: number;
  /** Cap on batches per evaluation pass (validation, test, final train accuracy). */
  maxEvalBatches?: number;
  /** Defaults to the training node's seed. Same seed, same backend: same weights and losses. */
  seed?: number;
  /** Evaluate the whole training split at the end for `done.trainAcc` (default true). */
  finalTrainAccuracy?: boolean;
  /**
   * Threads for the fast engine (default 1): each batch is split across worker threads.
   * Results depend on the thread count only through float rounding; same count, same results.
   */
  threads?: number;
}

/** What run() yields: the shared API's run events (shared/api/events.ts), without the run id. */
export type TrainerEvent = RunEvent;

export class TrainingError extends Error {}

export class Trainer {
  readonly plan: Plan;
  private weights: WeightSet;
  private readonly optimizer: Optimizer;
  /** Learnable delay positions have their own optimizer: SNN-delays' learning rate is 100x the weights'. */
  private readonly delayOptimizer: Optimizer;
  /** Set once learnable delays were rounded at the end of training: the kernel is then one tap. */
  private delaysRounded = false;
  private engine: Engine | null = null;
  private recorder: FastEngine | null = null;
  private backend = 'none';
  readonly engineName: EngineName;
  readonly seed: number;
  readonly epochs: number;
  readonly notes: string[] = [];
  /** Epochs run to their end so far (what a document's training metadata records). */
  epochsCompleted = 0;
  /** False until the weights have been seen finite: before the first step, or if they never were. */
  private goodWeights = false;

  constructor(
    readonly graph: GraphDocument,
    readonly dataset: SpikeDataset,
    readonly options: TrainerOptions = {},
  ) {
    this.plan = compilePlan(graph);
    const p = this.plan;
    if (dataset.inputUnits !== p.inputUnits)
      throw new TrainingError(`The dataset has ${dataset.inputUnits} input units; the graph expects ${p.inputUnits}.`);
    if (dataset.timeSteps !== p.timeSteps)
      throw new TrainingError(`The dataset has ${dataset.timeSteps} time steps; the graph expects ${p.timeSteps}.`);
    if (dataset.classes !== p.classes)
      throw new TrainingError(`The dataset has ${dataset.classes} classes; the graph expects ${p.classes}.`);
    this.engineName = options.engine ?? 'fast';
    this.seed = options.seed ?? p.training.seed;
    this.epochs = options.epochs ?? p.training.epochs;
    this.weights = initWeights(p, this.seed, this.measuredRates());
    // Per-synapse delays and learnable positions (drawn here; a stored file's replace them below).
    Object.assign(this.weights, initDelays(p.connections, this.seed));
    for (const [id, w] of Object.entries(options.initialWeights ?? {})) {
      const current = this.weights[id];
      if (current && current.length === w.length) this.weights[id] = Float32Array.from(w);
      else this.notes.push(`Stored weights for '${id}' do not fit the graph and were re-initialised.`);
    }
    this.keepDelaysInBounds();
    clampNeuronParams(p, this.weights);
    const t = p.training;
    const [own, delays] = splitDelayState(options.optimizerState, this.delayKeys());
    this.optimizer = new Optimizer(t.optimizer, t.learningRate, t.momentum, own);
    this.delayOptimizer = new Optimizer(t.optimizer, t.learningRate * DELAY_LEARNING_RATE_FACTOR, t.momentum, delays);
  }

  /**
   * Stored delays brought into their connection's bounds (a file trained with a longer
   * maximum, say): per-synapse ones rounded to whole steps and clamped, learnable ones clamped.
   */
  private keepDelaysInBounds() {
    for (const c of this.plan.connections) {
      const d = this.weights[delayKey(c.id)];
      if (!d || (c.delay.mode !== 'per-synapse' && c.delay.mode !== 'learnable')) continue;
      const before = d.slice();
      if (c.delay.mode === 'per-synapse') roundDelays(d, c.delay.max);
      else clampDelays(d, c.delay.max);
      if (d.some((v, i) => v !== before[i]))
        this.notes.push(`Stored delays of '${c.id}' outside 0..${c.delay.max} steps were brought within it.`);
    }
  }

  /** The parameter keys of learnable delay positions. */
  private delayKeys(): Set<string> {
    return new Set(this.plan.connections.filter((c) => c.delay.mode === 'learnable').map((c) => delayKey(c.id)));
  }

  /**
   * The parameters the engine is given: the trained ones plus each learnable connection's
   * kernel width, from the schedule (delays.ts) at this point of training: the optimizer's
   * steps over the run's epochs x batches (a resumed run continues from its steps), 0 once rounded.
   */
  private engineParams(): WeightSet {
    const learnable = this.plan.connections.filter((c) => c.delay.mode === 'learnable');
    if (!learnable.length) return this.weights;
    const total = Math.max(1, this.epochs * Math.max(1, this.batchesPerEpoch()));
    const progress = this.optimizer.state.step / total;
    const out: WeightSet = { ...this.weights };
    for (const c of learnable)
      out[delayWidthKey(c.id)] = Float32Array.of(this.delaysRounded ? 0 : delayWidth(c.delay.max, progress));
    return out;
  }

  /** The end of training: learnable positions rounded to whole steps (Hammouamri et al.). */
  private roundLearnableDelays() {
    for (const c of this.plan.connections) {
      const d = this.weights[delayKey(c.id)];
      if (c.delay.mode === 'learnable' && d) roundDelays(d, c.delay.max);
    }
    this.delaysRounded = true;
  }

  /** Loads the compute backend and builds the engine; run() calls it, callers may call it early. */
  async ready(): Promise<string> {
    if (this.engine) return this.backend;
    if (this.engineName === 'fast' && wasmKernelsAvailable()) {
      // The fast engine on its WebAssembly SIMD kernels needs no tfjs (nor its memory).
      this.backend = KERNELS_BACKEND;
    } else {
      const { backendWarnings, initBackend } = await import('./backend');
      this.backend = await initBackend();
      this.notes.push(...backendWarnings());
    }
    const threads = Math.max(1, Math.floor(this.options.threads ?? 1));
    if (this.engineName === 'fast' && threads > 1) {
      const { ParallelFastEngine } = await import('./fast/parallelEngine');
      if (ParallelFastEngine.canRunWorkers()) this.engine = new ParallelFastEngine(this.plan, this.graph, threads);
      else {
        this.notes.push('Worker threads are unavailable in this build; training on one thread.');
        this.engine = new FastEngine(this.plan);
      }
    } else if (this.engineName === 'fast') this.engine = new FastEngine(this.plan);
    else {
      const { ReferenceEngine } = await import('./reference/referenceEngine');
      this.engine = new ReferenceEngine(this.plan);
    }
    return this.backend;
  }

  /** The compute backend's name once ready() has run ('none' before). */
  get backendName(): string {
    return this.backend;
  }

  /** A copy of the current weights, row-major [sourceUnits, targetUnits], by connection id. */
  getWeights(): Record<string, Float32Array> {
    const out: Record<string, Float32Array> = {};
    for (const [id, w] of Object.entries(this.weights)) out[id] = Float32Array.from(w);
    return out;
  }

  getOptimizerState(): OptimizerState {
    const delays = this.delayOptimizer.state.slots;
    if (!Object.keys(delays).length) return this.optimizer.state;
    return { step: this.optimizer.state.step, slots: { ...this.optimizer.state.slots, ...delays } };
  }

  batchesPerEpoch(): number {
    const full = Math.floor(this.dataset.size('train') / this.plan.training.batchSize);
    return this.options.maxBatches !== undefined ? Math.min(full, this.options.maxBatches) : full;
  }

  /** Stops worker threads, if any. The trainer can still be read (weights) afterwards. */
  dispose() {
    this.engine?.dispose?.();
    this.engine = null;
  }

  async *run(): AsyncGenerator<TrainerEvent, void, undefined> {
    try {
      yield* this.loop();
    } finally {
      // Worker threads would keep the process alive; a later record() starts them again.
      this.dispose();
    }
  }

  private async *loop(): AsyncGenerator<TrainerEvent, void, undefined> {
    const started = performance.now();
    await this.ready();
    const engine = this.engine as Engine;
    const t = this.plan.training;
    const batches = this.batchesPerEpoch();
    if (batches === 0)
      throw new TrainingError(
        `The training split has ${this.dataset.size('train')} samples, fewer than one batch of ${t.batchSize}.`,
      );
    yield {
      type: 'started',
      backend: this.backend,
      engine: this.engineName,
      epochs: this.epochs,
      batchesPerEpoch: batches,
      notes: [...this.notes],
    };
    // The initial weights are checked like every update's: a connection scale of 1e45
    // overflows float32 before any step, and there are then no good weights to keep.
    const bad = nonFiniteArray(this.weights);
    if (bad) {
      yield {
        type: 'failed',
        epoch: 1,
        batch: 0,
        step: 0,
        hadGoodWeights: false,
        message:
          `Training did not start: the initial weights of connection '${bad}' are NaN or infinite ` +
          "(its initialisation scale, or stored weights, are too large for float32). The document's weights are left unchanged.",
      };
      return;
    }
    this.goodWeights = true;
    let trainAcc = 0;
    let step = 0;
    for (let epoch = 1; epoch <= this.epochs; epoch++) {
      const epochStart = performance.now();
      let lossSum = 0;
      let correct = 0;
      let count = 0;
      let index = 0;
      for (const batch of this.dataset.batches('train', {
        batchSize: t.batchSize,
        shuffleSeed: this.seed,
        epoch: epoch - 1,
        dropLast: true,
      })) {
        if (index >= batches) break;
        index++;
        step++;
        const t0 = performance.now();
        const result = await engine.gradients(batch, this.engineParams());
        const problem = !Number.isFinite(result.loss) ? 'the loss' : nonFiniteArray(result.grads) && 'the gradients';
        if (problem) {
          yield this.failure(problem, epoch, index, step);
          return;
        }
        const before = this.getWeights();
        const moments = this.optimizer.snapshot();
        const delayMoments = this.delayOptimizer.snapshot();
        const [grads, delayGrads] = splitDelayGrads(result.grads, this.delayKeys());
        this.optimizer.step(this.weights, grads);
        // Learned thresholds, a and b back within their bounds (time constants need none: logits).
        clampNeuronParams(this.plan, this.weights);
        if (Object.keys(delayGrads).length) {
          this.delayOptimizer.step(this.weights, delayGrads);
          for (const c of this.plan.connections) {
            const d = this.weights[delayKey(c.id)];
            if (c.delay.mode === 'learnable' && d) clampDelays(d, c.delay.max);
          }
        }
        if (nonFiniteArray(this.weights)) {
          // Roll back the update: the weights and the optimizer's moments before it.
          this.weights = before;
          this.optimizer.restore(moments);
          this.delayOptimizer.restore(delayMoments);
          yield this.failure('the weights', epoch, index, step);
          return;
        }
        const ms = performance.now() - t0;
        lossSum += result.loss * result.count;
        correct += result.correct;
        count += result.count;
        yield {
          type: 'batch',
          epoch,
          batch: index,
          batches,
          loss: result.loss,
          acc: result.correct / result.count,
          ms,
          samplesPerSecond: (result.count * 1000) / ms,
          norms: this.plan.connections
            .filter((c) => c.trainable)
            .map((c) => ({
              edgeId: c.id,
              weight: l2(this.weights[c.id] as FloatArray),
              grad: l2(result.grads[c.id] as FloatArray),
            })),
        };
      }
      trainAcc = correct / Math.max(1, count);
      const event: Extract<TrainerEvent, { type: 'epoch' }> = {
        type: 'epoch',
        epoch,
        trainLoss: lossSum / Math.max(1, count),
        trainAcc,
        seconds: (performance.now() - epochStart) / 1000,
      };
      const valSplit = t.validationSplit;
      if (valSplit !== 'none' && this.dataset.size(valSplit) > 0) {
        const val = await this.evaluate(valSplit);
        event.valLoss = val.loss;
        event.valAcc = val.acc;
      }
      this.epochsCompleted = epoch;
      yield event;
    }
    this.roundLearnableDelays();
    const done: Extract<TrainerEvent, { type: 'done' }> = {
      type: 'done',
      seconds: 0,
      backend: this.backend,
      engine: this.engineName,
      epochs: this.epochsCompleted,
      stopped: false,
    };
    if (this.dataset.size('test') > 0) {
      const test = await this.evaluate('test');
      done.testAcc = test.acc;
      done.testLoss = test.loss;
    }
    done.trainAcc = this.options.finalTrainAccuracy === false ? trainAcc : (await this.evaluate('train')).acc;
    done.seconds = (performance.now() - started) / 1000;
    yield done;
  }

  /** Mean loss and accuracy over a split with the current weights. */
  async evaluate(split: Split, maxBatches = this.options.maxEvalBatches): Promise<{ loss: number; acc: number }> {
    let loss = 0;
    let correct = 0;
    let count = 0;
    let n = 0;
    for (const batch of this.dataset.batches(split, { batchSize: this.plan.training.batchSize })) {
      if (maxBatches !== undefined && n >= maxBatches) break;
      n++;
      const r = await this.evaluateBatch(batch);
      loss += r.loss * r.count;
      correct += r.correct;
      count += r.count;
    }
    return { loss: loss / Math.max(1, count), acc: correct / Math.max(1, count) };
  }

  /** Loss, accuracy and the predicted class of every sample of one batch, with the current weights. */
  async evaluateBatch(batch: SpikeBatch): Promise<BatchResult> {
    await this.ready();
    return (this.engine as Engine).evaluate(batch, this.engineParams());
  }

  /** Inference on a batch recording spikes (sparse) and membrane traces of a few samples and neurons. */
  async record(batch: SpikeBatch, options?: RecordOptions): Promise<Recording> {
    await this.ready();
    // A separate fast engine records, so the training engine keeps its buffers between batches.
    if (this.engineName === 'fast') {
      this.recorder ??= new FastEngine(this.plan);
      return this.recorder.record(batch, this.engineParams(), options);
    }
    return (this.engine as Engine).record(batch, this.engineParams(), options);
  }

  /** Whether the current weights are finite ones the run can hand back (false only if the initial ones were not). */
  hasGoodWeights(): boolean {
    return this.goodWeights;
  }

  private failure(what: string, epoch: number, batch: number, step: number): TrainerEvent {
    const lr = this.plan.training.learningRate;
    return {
      type: 'failed',
      epoch,
      batch,
      step,
      hadGoodWeights: true,
      message:
        `Training stopped at epoch ${epoch}, batch ${batch} (step ${step}): ${what} became NaN or infinite. ` +
        `The learning rate (${lr}) is likely too high, or the initial weights too large; ` +
        'the last good weights are kept.',
    };
  }

  /** Firing probability per step of the input, for fluctuation-driven initialisation. */
  private measuredRates(): Record<string, number> {
    if (!this.plan.connections.some((c) => c.init === 'fluctuation-driven')) return {};
    const input = this.plan.populations[0];
    for (const b of this.dataset.batches('train', { batchSize: 256 })) {
      return input ? { [input.id]: spikeDensity(b) } : {};
    }
    return {};
  }
}

/** The id of the first array holding a NaN or an infinity, or null. */
function nonFiniteArray(arrays: Record<string, FloatArray>): string | null {
  for (const [id, a] of Object.entries(arrays)) {
    let sum = 0;
    // A sum of finite numbers can only be non-finite if some term is (or it overflows, also bad).
    for (let i = 0; i < a.length; i++) sum += (a[i] as number) * 0;
    if (!Number.isFinite(sum)) return id;
  }
  return null;
}

function l2(a: FloatArray): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] as number) * (a[i] as number);
  return Math.sqrt(sum);
}

/** A resumed optimizer state split into the weights' slots and the learnable delays' (same step count). */
function splitDelayState(
  state: OptimizerState | undefined,
  keys: Set<string>,
): [OptimizerState | undefined, OptimizerState | undefined] {
  if (!state) return [undefined, undefined];
  const own: OptimizerState = { step: state.step, slots: {} };
  const delays: OptimizerState = { step: state.step, slots: {} };
  for (const [id, slot] of Object.entries(state.slots)) (keys.has(id) ? delays : own).slots[id] = slot;
  return [own, delays];
}

function splitDelayGrads(
  grads: Record<string, FloatArray>,
  keys: Set<string>,
): [Record<string, FloatArray>, Record<string, FloatArray>] {
  if (!keys.size) return [grads, {}];
  const own: Record<string, FloatArray> = {};
  const delays: Record<string, FloatArray> = {};
  for (const [id, g] of Object.entries(grads)) (keys.has(id) ? delays : own)[id] = g;
  return [own, delays];
}
