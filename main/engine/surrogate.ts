// Surrogate derivatives of the spike nonlinearity, all normalised to a peak of 1 at x = 0
// (x = U - threshold, s = scale). docs/model.md: learning is robust to the shape but not to
// the scale, and peak-1 shapes stay safe when the reset or recurrence is differentiated.
import type { SurrogateName } from '../../shared/graph/kinds';

export type SurrogateFn = (x: number) => number;

export function surrogate(name: SurrogateName, s: number): SurrogateFn {
  switch (name) {
    case 'fast-sigmoid':
      // SuperSpike / SpyTorch: 1/(s|x|+1)^2.
      return (x) => {
        const d = s * Math.abs(x) + 1;
        return 1 / (d * d);
      };
    case 'sigmoid':
      // sigma'(sx) is 1/4 at 0; times 4 to make the peak 1.
      return (x) => {
        const g = 1 / (1 + Math.exp(-s * x));
        return 4 * g * (1 - g);
      };
    case 'piecewise-linear':
      return (x) => Math.max(0, 1 - s * Math.abs(x));
    case 'exponential':
      return (x) => Math.exp(-s * Math.abs(x));
    case 'arctan':
      return (x) => {
        const a = (Math.PI * s * x) / 2;
        return 1 / (1 + a * a);
      };
  }
}

/**
 * The surrogate of the training settings: with `sparseBackward`, zero outside |x| < window
 * (Perez-Nieves & Goodman 2021), an approximation the settings name as one.
 */
export function trainingSurrogate(t: {
  surrogate: SurrogateName;
  surrogateScale: number;
  sparseBackward?: boolean;
  sparseWindow?: number;
}): SurrogateFn {
  const sg = surrogate(t.surrogate, t.surrogateScale);
  if (!t.sparseBackward) return sg;
  const w = t.sparseWindow ?? 0.5;
  return (x) => (x < w && x > -w ? sg(x) : 0);
}
