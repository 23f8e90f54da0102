// Optimizers on typed arrays with PyTorch's semantics (torch.optim.Adam, Adamax, SGD with
// momentum, default betas and eps), shared by both engines so they differ only in gradients.
import type { TrainingParams } from '../../shared/graph/kinds';
import type { WeightSet } from './plan';

export interface OptimizerState {
  step: number;
  /** Per connection: the moment buffers ('m', 'v' for Adam; 'm', 'u' for Adamax; 'buf' for SGD). */
  slots: Record<string, Record<string, Float32Array>>;
}

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPS = 1e-8;

export class Optimizer {
  state: OptimizerState;

  constructor(
    readonly kind: TrainingParams['optimizer'],
    readonly learningRate: number,
    readonly momentum: number,
    state?: OptimizerState,
  ) {
    this.state = state ?? { step: 0, slots: {} };
  }

  private slot(id: string, name: string, length: number): Float32Array {
    let slots = this.state.slots[id];
    if (!slots) {
      slots = {};
      this.state.slots[id] = slots;
    }
    let buf = slots[name];
    if (!buf || buf.length !== length) {
      buf = new Float32Array(length);
      slots[name] = buf;
    }
    return buf;
  }

  /** A copy of the step count and moments, for restore() after an update that went wrong. */
  snapshot(): OptimizerState {
    const slots: OptimizerState['slots'] = {};
    for (const [id, named] of Object.entries(this.state.slots))
      slots[id] = Object.fromEntries(Object.entries(named).map(([k, v]) => [k, v.slice()]));
    return { step: this.state.step, slots };
  }

  restore(state: OptimizerState) {
    this.state = state;
  }

  /** Applies one update in place to every weight that has a gradient. */
  step(weights: WeightSet, grads: Record<string, Float32Array | Float64Array>): void {
    this.state.step++;
    const t = this.state.step;
    const lr = this.learningRate;
    for (const [id, g] of Object.entries(grads)) {
      const w = weights[id];
      if (!w) continue;
      const n = w.length;
      if (this.kind === 'adam') {
        const m = this.slot(id, 'm', n);
        const v = this.slot(id, 'v', n);
        const stepSize = lr / (1 - BETA1 ** t);
        const c2 = Math.sqrt(1 - BETA2 ** t);
        for (let i = 0; i < n; i++) {
          const gi = g[i] as number;
          const mi = BETA1 * (m[i] as number) + (1 - BETA1) * gi;
          const vi = BETA2 * (v[i] as number) + (1 - BETA2) * gi * gi;
          m[i] = mi;
          v[i] = vi;
          w[i] = (w[i] as number) - (stepSize * mi) / (Math.sqrt(vi) / c2 + EPS);
        }
      } else if (this.kind === 'adamax') {
        const m = this.slot(id, 'm', n);
        const u = this.slot(id, 'u', n);
        const stepSize = lr / (1 - BETA1 ** t);
        for (let i = 0; i < n; i++) {
          const gi = g[i] as number;
          const mi = BETA1 * (m[i] as number) + (1 - BETA1) * gi;
          const ui = Math.max(BETA2 * (u[i] as number), Math.abs(gi) + EPS);
          m[i] = mi;
          u[i] = ui;
          w[i] = (w[i] as number) - (stepSize * mi) / ui;
        }
      } else {
        const mom = this.momentum;
        if (mom === 0) {
          for (let i = 0; i < n; i++) w[i] = (w[i] as number) - lr * (g[i] as number);
          continue;
        }
        const fresh = !this.state.slots[id]?.buf;
        const buf = this.slot(id, 'buf', n);
        for (let i = 0; i < n; i++) {
          // torch: the first step's buffer is the gradient itself (no dampening).
          const b = fresh ? (g[i] as number) : mom * (buf[i] as number) + (g[i] as number);
          buf[i] = b;
          w[i] = (w[i] as number) - lr * b;
        }
      }
    }
  }
}
