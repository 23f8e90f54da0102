// Latency coding of image intensities (SpyTorch tutorial 2): brighter pixels spike earlier.

export interface LatencyCodeParams {
  /** Time constant in steps. */
  tau: number;
  /** Intensities at or below this (in [0, 1]) never spike. */
  theta: number;
  timeSteps: number;
}

/**
 * Spike time of intensity x in [0, 1]: t = tau * ln(x / (x - theta)) when x > theta, else none.
 * Returns the step floor(t), or -1 when there is no spike (x <= theta, or t >= timeSteps).
 * x == theta would give t = infinity, hence "no spike"; brighter pixels give smaller t.
 */
export function latencyStep(x: number, params: LatencyCodeParams): number {
  if (!(x > params.theta)) return -1;
  const t = params.tau * Math.log(x / (x - params.theta));
  if (!(t < params.timeSteps)) return -1;
  return Math.floor(t);
}

/** latencyStep for each byte value v (x = v / 255): images are encoded by table lookup. */
export function latencyTable(params: LatencyCodeParams): Int32Array {
  const table = new Int32Array(256);
  for (let v = 0; v < 256; v++) table[v] = latencyStep(v / 255, params);
  return table;
}
