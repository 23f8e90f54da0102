// The reference engine: TensorFlow.js autodiff over the unrolled time loop. It is written
// to be read against docs/model.md line by line, not to be fast; the fast engine's gradients
// are tested against it. The spike is a tf.customGrad whose gradient is the surrogate; a
// detached reset uses tf.step, whose gradient tfjs defines as zero.
import * as tf from '@tensorflow/tfjs';
import type { SurrogateName } from '../../../shared/graph/kinds';
import type { SpikeBatch } from '../../data/types';
import { denseSpikes, sliceBatch } from '../batch';
import { delayKey, delayWidthKey, KERNEL_CUTOFF } from '../delays';
import type { FloatArray } from '../loss';
import { type NeuronParamName, neuronKey } from '../neuronParams';
import type { ConnectionPlan, Plan, PopulationPlan, WeightSet } from '../plan';
import type { BatchResult, Engine, GradientResult, PopulationRecording, Recording, RecordOptions } from '../types';

/** The surrogate derivatives of surrogate.ts as tensor ops (independent implementation). */
export function surrogateTensor(name: SurrogateName, s: number, x: tf.Tensor): tf.Tensor {
  switch (name) {
    case 'fast-sigmoid':
      return tf.div(1, tf.square(tf.add(tf.mul(s, tf.abs(x)), 1)));
    case 'sigmoid': {
      const g = tf.sigmoid(tf.mul(s, x));
      return tf.mul(4, tf.mul(g, tf.sub(1, g)));
    }
    case 'piecewise-linear':
      return tf.relu(tf.sub(1, tf.mul(s, tf.abs(x))));
    case 'exponential':
      return tf.exp(tf.neg(tf.mul(s, tf.abs(x))));
    case 'arctan':
      return tf.div(1, tf.add(1, tf.square(tf.mul((Math.PI * s) / 2, x))));
  }
}

interface Forward {
  loss: tf.Scalar;
  predicted: tf.Tensor1D;
  /** Per population: spikes [B, T, N] (input, LIF) and membrane [B, T or T+1, N]. */
  spikes: (tf.Tensor3D | null)[];
  membranes: (tf.Tensor3D | null)[];
}

export class ReferenceEngine implements Engine {
  readonly name = 'reference' as const;
  private readonly spike: (x: tf.Tensor) => tf.Tensor;

  constructor(readonly plan: Plan) {
    const { surrogate, surrogateScale, sparseBackward, sparseWindow } = plan.training;
    const derivative = (x: tf.Tensor) => {
      const sg = surrogateTensor(surrogate, surrogateScale, x);
      // Sparse backward: the surrogate only inside |x| < window.
      return sparseBackward ? tf.mul(sg, tf.cast(tf.less(tf.abs(x), sparseWindow), 'float32')) : sg;
    };
    this.spike = tf.customGrad((x, save) => {
      (save as tf.GradSaveFunc)([x as tf.Tensor]);
      return {
        value: tf.step(x as tf.Tensor),
        gradFunc: (dy, saved) => tf.mul(dy, derivative(saved[0] as tf.Tensor)),
      };
    }) as (x: tf.Tensor) => tf.Tensor;
  }

  gradients(batch: SpikeBatch, weights: WeightSet<FloatArray>): GradientResult {
    // Trainable parameters: weights of connections the loss depends on, and biases of
    // populations in the loss (keyed by the population's id).
    const trainable = [
      ...this.plan.connections.filter((c) => c.trainable).map((c) => c.id),
      ...this.plan.populations.filter((p) => p.bias && p.inLoss).map((p) => p.id),
      ...this.plan.connections.filter((c) => c.trainable && c.delay.mode === 'learnable').map((c) => delayKey(c.id)),
      ...this.plan.populations
        .filter((p) => p.inLoss)
        .flatMap((p) => (p.perNeuron?.learned ?? []).map((name) => neuronKey(p.id, name))),
    ];
    return tf.tidy(() => {
      const tensors = this.weightTensors(weights);
      let predicted: ArrayLike<number> = [];
      const { value, grads } = tf.valueAndGrads((...ws: tf.Tensor[]) => {
        const map = { ...tensors };
        trainable.forEach((id, i) => {
          map[id] = ws[i] as tf.Tensor;
        });
        const fwd = this.run(batch, map, false);
        // Read now: valueAndGrads disposes the forward's intermediates.
        predicted = fwd.predicted.dataSync();
        return fwd.loss;
      })(trainable.map((id) => tensors[id] as tf.Tensor));
      const out: Record<string, Float32Array> = {};
      trainable.forEach((id, i) => {
        out[id] = (grads[i] as tf.Tensor).dataSync() as Float32Array;
      });
      return {
        loss: value.dataSync()[0] as number,
        correct: countCorrect(predicted, batch.labels),
        count: batch.batchSize,
        predictions: Int32Array.from(predicted),
        grads: out,
      };
    });
  }

  evaluate(batch: SpikeBatch, weights: WeightSet<FloatArray>): BatchResult {
    return tf.tidy(() => {
      const fwd = this.run(batch, this.weightTensors(weights), false);
      const predictions = Int32Array.from(fwd.predicted.dataSync());
      return {
        loss: fwd.loss.dataSync()[0] as number,
        correct: countCorrect(predictions, batch.labels),
        count: batch.batchSize,
        predictions,
      };
    });
  }

  record(batch: SpikeBatch, weights: WeightSet<FloatArray>, options: RecordOptions = {}): Recording {
    const samples = Math.min(options.samples ?? 4, batch.batchSize);
    const neurons = options.neurons ?? 16;
    const sub = sliceBatch(batch, 0, samples);
    const T = this.plan.timeSteps;
    let result: Recording | null = null;
    tf.tidy(() => {
      const fwd = this.run(sub, this.weightTensors(weights), true);
      const populations: PopulationRecording[] = this.plan.populations.map((p, i) => {
        const triples: number[] = [];
        const s = fwd.spikes[i];
        if (s) {
          const data = s.dataSync();
          for (let b = 0; b < samples; b++)
            for (let n = 0; n < T; n++)
              for (let j = 0; j < p.size; j++) if (data[(b * T + n) * p.size + j]) triples.push(b, n, j);
        }
        const m = fwd.membranes[i];
        const steps = m ? (m.shape[1] as number) : 0;
        const data = m?.dataSync();
        const membranes = Array.from({ length: samples }, (_, b) =>
          data
            ? Array.from({ length: Math.min(neurons, p.size) }, (_, j) => {
                const trace = new Float32Array(steps);
                for (let n = 0; n < steps; n++) trace[n] = data[(b * steps + n) * p.size + j] as number;
                return trace;
              })
            : [],
        );
        return { id: p.id, name: p.name, kind: p.kind, size: p.size, spikes: Int32Array.from(triples), membranes };
      });
      result = {
        timeSteps: T,
        samples,
        labels: sub.labels.slice(),
        predictions: Int32Array.from(fwd.predicted.dataSync()),
        populations,
      };
    });
    return result as unknown as Recording;
  }

  private weightTensors(weights: WeightSet<FloatArray>): Record<string, tf.Tensor> {
    const out: Record<string, tf.Tensor> = {};
    for (const c of this.plan.connections) {
      const w = weights[c.id];
      if (!w) throw new Error(`No weights for connection '${c.id}'.`);
      out[c.id] = tf.tensor2d(Float32Array.from(w), [c.sourceUnits, c.targetUnits]);
      if (c.delay.mode !== 'per-synapse' && c.delay.mode !== 'learnable') continue;
      const d = weights[delayKey(c.id)];
      if (d?.length !== w.length) throw new Error(`No delays for connection '${c.id}'.`);
      out[delayKey(c.id)] = tf.tensor2d(Float32Array.from(d), [c.sourceUnits, c.targetUnits]);
      out[delayWidthKey(c.id)] = tf.scalar(weights[delayWidthKey(c.id)]?.[0] ?? 0);
    }
    for (const p of this.plan.populations)
      for (const name of p.perNeuron?.names ?? []) {
        const v = weights[neuronKey(p.id, name)];
        if (v?.length !== p.size) throw new Error(`No per-neuron ${name} values for population '${p.id}'.`);
        out[neuronKey(p.id, name)] = tf.tensor1d(Float32Array.from(v));
      }
    for (const p of this.plan.populations) {
      if (!p.bias) continue;
      const b = weights[p.id];
      if (b?.length !== p.size) throw new Error(`No bias currents for population '${p.id}'.`);
      out[p.id] = tf.tensor1d(Float32Array.from(b));
    }
    return out;
  }

  /** The whole network over the batch, in the order of docs/model.md's equations. */
  private run(batch: SpikeBatch, weights: Record<string, tf.Tensor>, keepMembranes: boolean): Forward {
    const plan = this.plan;
    const B = batch.batchSize;
    const T = plan.timeSteps;
    const spikes: (tf.Tensor3D | null)[] = plan.populations.map(() => null);
    const membranes: (tf.Tensor3D | null)[] = plan.populations.map(() => null);
    spikes[0] = tf.tensor3d(denseSpikes(batch, plan.inputUnits), [B, T, plan.inputUnits]);
    for (const p of plan.populations) {
      if (p.kind === 'input') continue;
      const N = p.size;
      // Feed-forward drive for all steps at once: [B*T, Nsrc] x [Nsrc, N].
      let drive: tf.Tensor = tf.zeros([B, T, N]);
      for (const c of p.incoming) {
        const s = spikes[c.source] as tf.Tensor3D;
        // A delay of k steps: the spikes shifted k steps later (zeros first) through the tap's weights.
        for (const { k, K } of delayTaps(c, weights)) {
          if (k >= T) continue;
          const shifted =
            k === 0
              ? s
              : tf.pad(tf.slice(s, [0, 0, 0], [B, T - k, c.sourceUnits]), [
                  [0, 0],
                  [k, 0],
                  [0, 0],
                ]);
          const h = tf.matMul(tf.reshape(shifted, [B * T, c.sourceUnits]), K);
          drive = tf.add(drive, tf.reshape(h, [B, T, N]));
        }
      }
      // The bias current, the same at every step (broadcast over samples and steps).
      if (p.bias) drive = tf.add(drive, weights[p.id] as tf.Tensor1D);
      const driveAt = tf.unstack(drive, 1);
      let I: tf.Tensor = tf.zeros([B, N]);
      let U: tf.Tensor = tf.zeros([B, N]);
      const { alpha, beta, c, theta, ad } = constants(p, weights);
      if (p.kind === 'readout') {
        const trace: tf.Tensor[] = [U];
        for (let n = 0; n < T; n++) {
          const nextI = tf.add(tf.mul(alpha, I), driveAt[n] as tf.Tensor);
          U = tf.add(tf.mul(beta, U), tf.mul(c, I));
          I = nextI;
          trace.push(U);
        }
        membranes[p.index] = tf.stack(trace, 1) as tf.Tensor3D;
        continue;
      }
      const V = p.recurrent ? (weights[p.recurrent.id] as tf.Tensor2D) : null;
      // The recurrence's taps: spikes of step n - k (and, under NIR, one step more) into x[n].
      const recTaps = p.recurrent ? delayTaps(p.recurrent, weights) : [];
      const recurrentInput = (n: number, shift: number): tf.Tensor | null => {
        let sum: tf.Tensor | null = null;
        for (const { k, K } of recTaps) {
          const at = n - shift - k;
          if (at < 0) continue;
          const term = tf.matMul(out[at] as tf.Tensor2D, K);
          sum = sum ? tf.add(sum, term) : term;
        }
        return sum;
      };
      const delayedRecurrence = p.recurrent !== null && (recTaps.length !== 1 || recTaps[0]?.k !== 0);
      const out: tf.Tensor[] = [];
      const mem: tf.Tensor[] = [];
      // adLIF (docs/model.md): with R the reset membrane and P = a R + b S, the adaptation the
      // membrane update of step n subtracts from I is W[n] = gamma W[n-1] + k P[n] (symplectic)
      // or gamma W[n-1] + k P[n-1] (forward Euler); LIF: 0.
      let Wa: tf.Tensor = tf.zeros([B, N]);
      let Pprev: tf.Tensor = tf.zeros([B, N]);
      const adapt = (R: tf.Tensor, S: tf.Tensor): tf.Tensor | null => {
        if (!ad) return null;
        const P = tf.add(tf.mul(ad.a, R), tf.mul(ad.b, S));
        Wa = tf.add(tf.mul(ad.gamma, Wa), tf.mul(ad.k, ad.symplectic ? P : Pprev));
        Pprev = P;
        return Wa;
      };
      if (plan.discretisation === 'nir') {
        // NIR's forward Euler (docs/model.md): U holds P[n], the membrane the spike of step n
        // is read from; I the current after step n-1.
        //   S[n] = H(P[n] - theta);  I[n] = alpha I[n-1] + x[n],  x[n] = W^T S_in[n] + V^T S[n-1] + b
        //   v[n] = P[n] (1 - S[n])  or  P[n] - theta S[n];        P[n+1] = beta v[n] + c I[n]
        let previous: tf.Tensor | null = null;
        for (let n = 0; n < T; n++) {
          const x = tf.sub(U, theta);
          const S = this.spike(x);
          const Sreset = p.detachReset ? tf.step(x) : S;
          let d = driveAt[n] as tf.Tensor;
          if (delayedRecurrence) {
            const r = recurrentInput(n, 1);
            if (r) d = tf.add(d, r);
          } else if (V && previous) d = tf.add(d, tf.matMul(previous as tf.Tensor2D, V));
          I = tf.add(tf.mul(alpha, I), d);
          const v = p.reset === 'zero' ? tf.mul(U, tf.sub(1, Sreset)) : tf.sub(U, tf.mul(theta, Sreset));
          if (keepMembranes) mem.push(U);
          out.push(S);
          const w = adapt(v, S);
          U = tf.add(tf.mul(beta, v), tf.mul(c, w ? tf.sub(I, w) : I));
          previous = S;
        }
        spikes[p.index] = tf.stack(out, 1) as tf.Tensor3D;
        if (keepMembranes) membranes[p.index] = tf.stack(mem, 1) as tf.Tensor3D;
        continue;
      }
      for (let n = 0; n < T; n++) {
        const x = tf.sub(U, theta);
        const S = this.spike(x);
        const Sreset = p.detachReset ? tf.step(x) : S;
        let d = driveAt[n] as tf.Tensor;
        if (delayedRecurrence) {
          // This step's own spikes (a tap of delay 0) join before the state update.
          out.push(S);
          const r = recurrentInput(n, 0);
          out.pop();
          if (r) d = tf.add(d, r);
        } else if (V) d = tf.add(d, tf.matMul(S as tf.Tensor2D, V));
        const nextI = tf.add(tf.mul(alpha, I), d);
        const R = p.reset === 'zero' ? tf.mul(U, tf.sub(1, Sreset)) : tf.sub(U, tf.mul(theta, Sreset));
        const w = ad ? adapt(R, S) : null;
        const v = tf.add(tf.mul(beta, U), tf.mul(c, w ? tf.sub(I, w) : I));
        const nextU = p.reset === 'zero' ? tf.mul(v, tf.sub(1, Sreset)) : tf.sub(v, tf.mul(theta, Sreset));
        if (keepMembranes) mem.push(U);
        out.push(S);
        I = nextI;
        U = nextU;
      }
      spikes[p.index] = tf.stack(out, 1) as tf.Tensor3D;
      if (keepMembranes) membranes[p.index] = tf.stack(mem, 1) as tf.Tensor3D;
    }

    const labels = tf.tensor1d(batch.labels, 'int32');
    const lp = plan.loss;
    let main: tf.Scalar;
    let predicted: tf.Tensor1D;
    if (lp.kind === 'spike-count-mse') {
      const z = tf.sum(spikes[lp.population] as tf.Tensor3D, 1);
      const K = plan.populations[lp.population]?.size as number;
      const onehot = tf.oneHot(labels, K);
      const target = tf.add(tf.mul(onehot, lp.targetCountCorrect), tf.mul(tf.sub(1, onehot), lp.targetCountWrong));
      main = tf.mean(tf.square(tf.sub(z, target))) as tf.Scalar;
      predicted = tf.argMax(z, 1);
    } else {
      const y = membranes[lp.population] as tf.Tensor3D;
      let scores: tf.Tensor2D;
      if (lp.kind === 'max-over-time') {
        // torch.max(dim) sends the gradient to one index, the first maximum; tf.max would
        // split it among ties (U[0] = U[1] = 0 always tie), so pick the step explicitly.
        const at = tf.oneHot(tf.argMax(y, 1) as tf.Tensor2D, T + 1);
        scores = tf.sum(tf.mul(y, tf.transpose(at, [0, 2, 1])), 1);
      } else if (lp.kind === 'sum-over-time') scores = tf.mean(tf.slice(y, [0, 1, 0], [-1, T, -1]), 1);
      else scores = tf.squeeze(tf.slice(y, [0, T, 0], [-1, 1, -1]), [1]);
      const K = scores.shape[1];
      const logp = tf.logSoftmax(scores);
      main = tf.neg(tf.mean(tf.sum(tf.mul(logp, tf.oneHot(labels, K)), 1))) as tf.Scalar;
      predicted = tf.argMax(scores, 1);
    }
    let loss: tf.Scalar = main;
    for (const r of plan.regularizers) {
      const z = tf.sum(spikes[r.population] as tf.Tensor3D, 1);
      let pen: tf.Tensor;
      if (r.bound === 'lower') pen = tf.mean(tf.square(tf.relu(tf.sub(r.target, z))));
      else {
        const excess = tf.relu(tf.sub(tf.mean(z, 1), r.target));
        pen = tf.mean(r.power === 1 ? excess : tf.square(excess));
      }
      loss = tf.add(loss, tf.mul(r.strength, pen));
    }
    return { loss, predicted, spikes, membranes };
  }
}

/**
 * A population's constants: its plan's numbers, or per-neuron tensors [N] from the parameter
 * record (neuronParams.ts: a decay is the sigmoid of its logit; c = 1 - beta with scaleInput),
 * through which tfjs differentiates the learned ones.
 */
function constants(p: PopulationPlan, weights: Record<string, tf.Tensor>) {
  const own = (name: NeuronParamName) =>
    p.perNeuron?.names.includes(name) ? (weights[neuronKey(p.id, name)] as tf.Tensor1D) : null;
  const decay = (name: NeuronParamName, plain: number) => {
    const z = own(name);
    return z ? tf.sigmoid(z) : plain;
  };
  const beta = decay('tauMem', p.beta);
  const ad = p.adaptation;
  const gamma = ad ? decay('tauAdapt', ad.gamma) : 0;
  return {
    alpha: decay('tauSyn', p.alpha),
    beta,
    c: p.perNeuron?.scaleInput ? tf.sub(1, beta) : p.inputScale,
    theta: own('threshold') ?? p.threshold,
    ad: ad && {
      gamma,
      a: own('adaptA') ?? ad.a,
      b: own('adaptB') ?? ad.b,
      k: typeof gamma === 'number' ? ad.k : tf.mul(tf.sub(1, gamma), ad.q),
      symplectic: ad.symplectic,
    },
  };
}

function countCorrect(predicted: ArrayLike<number>, labels: Int32Array): number {
  let n = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) n++;
  return n;
}

/**
 * A connection's weights per delay k, written out from docs/model.md: no delay or a fixed one
 * is W at one k; per-synapse delays are W masked to the synapses of delay k; learnable ones
 * W * g_k(d), the Gaussian of width sigma over the taps within KERNEL_CUTOFF sigma of d,
 * normalised over them (sigma 0: the tap round(d)), differentiated by tfjs through d.
 */
function delayTaps(c: ConnectionPlan, weights: Record<string, tf.Tensor>): { k: number; K: tf.Tensor2D }[] {
  const W = weights[c.id] as tf.Tensor2D;
  const mode = c.delay.mode;
  if (mode === 'none') return [{ k: 0, K: W }];
  if (mode === 'fixed') return [{ k: c.delay.steps, K: W }];
  const D = weights[delayKey(c.id)] as tf.Tensor2D;
  const sigma = (weights[delayWidthKey(c.id)] as tf.Scalar).dataSync()[0] as number;
  const ks = Array.from({ length: c.delay.max + 1 }, (_, k) => k);
  // Which taps a synapse keeps is not differentiated (tfjs has no gradient for comparisons): a copy of d decides.
  const fixedD = tf.tensor2d(D.dataSync() as Float32Array, D.shape);
  if (mode === 'per-synapse' || sigma === 0) {
    const at = tf.clipByValue(tf.round(fixedD), 0, c.delay.max);
    // d stays in the graph with a zero gradient (a learnable connection's rounded kernel).
    const zero = tf.mul(D, 0);
    return ks.map((k) => ({ k, K: tf.add(tf.mul(W, tf.cast(tf.equal(at, k), 'float32')), zero) as tf.Tensor2D }));
  }
  const e = ks.map((k) => {
    const x = tf.sub(k, D);
    const inside = tf.cast(tf.lessEqual(tf.abs(tf.sub(k, fixedD)), KERNEL_CUTOFF * sigma), 'float32');
    return tf.mul(tf.exp(tf.div(tf.neg(tf.square(x)), 2 * sigma * sigma)), inside);
  });
  const sum = tf.addN(e);
  return ks.map((k) => ({ k, K: tf.mul(W, tf.div(e[k] as tf.Tensor, sum)) as tf.Tensor2D }));
}
