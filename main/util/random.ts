// Seedable pseudo-random numbers for data generation, shuffling and weight initialisation.

/**
 * A small, fast, seedable generator: xoshiro128** (Blackman & Vigna) with its state filled
 * by splitmix32 from one 32-bit seed. Same seed, same sequence, on every platform: only
 * 32-bit integer arithmetic (Math.imul, >>>) is used, never Math.random.
 *
 * Not cryptographic. Period 2^128 - 1, which is plenty for shuffles and initialisation.
 */
export class Random {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  /** Box-Muller makes normals in pairs; the second one waits here. */
  private spareNormal: number | null = null;

  constructor(seed: number) {
    let x = toUint32(seed);
    const next = () => {
      x = (x + 0x9e3779b9) | 0;
      return splitmix32(x);
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    // The all-zero state is a fixed point of xoshiro; splitmix32 makes it practically impossible, but be sure.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Next raw 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9);
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result >>> 0;
  }

  /** Uniform in [0, 1), 32 bits of resolution (enough for float32 weights and data). */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform in [low, high). */
  uniformIn(low: number, high: number): number {
    return low + (high - low) * this.uniform();
  }

  /** Standard normal (mean 0, std 1) by the Box-Muller transform, or N(mean, std^2). */
  normal(mean = 0, std = 1): number {
    if (this.spareNormal !== null) {
      const z = this.spareNormal;
      this.spareNormal = null;
      return mean + std * z;
    }
    // 1 - uniform() lies in (0, 1], so the logarithm is finite.
    const r = Math.sqrt(-2 * Math.log(1 - this.uniform()));
    const phi = 2 * Math.PI * this.uniform();
    this.spareNormal = r * Math.sin(phi);
    return mean + std * r * Math.cos(phi);
  }

  /** Uniform integer in [0, n), without modulo bias (n up to 2^32). */
  int(n: number): number {
    if (!(n > 0) || n > 4294967296 || !Number.isInteger(n))
      throw new RangeError(`int(n) needs a whole n in [1, 2^32], got ${n}`);
    // Rejection of the incomplete last block keeps every value equally likely.
    const limit = 4294967296 - (4294967296 % n);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return x % n;
  }

  /** Shuffles in place (Fisher-Yates) and returns the same array. */
  shuffle<T extends { length: number; [index: number]: unknown }>(array: T): T {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  }

  /** Fills a float array with uniform [low, high) values. */
  fillUniform(out: Float32Array | Float64Array, low = 0, high = 1): typeof out {
    for (let i = 0; i < out.length; i++) out[i] = low + (high - low) * this.uniform();
    return out;
  }

  /** Fills a float array with N(mean, std^2) values. */
  fillNormal(out: Float32Array | Float64Array, mean = 0, std = 1): typeof out {
    for (let i = 0; i < out.length; i++) out[i] = this.normal(mean, std);
    return out;
  }
}

/**
 * Combines seeds into one, so that independent streams (say: data seed + "validation split",
 * or shuffle seed + epoch) get unrelated sequences rather than shifted copies of one another.
 */
export function mixSeeds(...seeds: number[]): number {
  let h = 0x811c9dc5;
  for (const seed of seeds) h = splitmix32((h ^ toUint32(seed)) + 0x9e3779b9);
  return h >>> 0;
}

function splitmix32(state: number): number {
  let z = state | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Seeds may be any finite number (UI fields are doubles); fold it to 32 bits deterministically. */
function toUint32(seed: number): number {
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
  const whole = Math.trunc(seed);
  // Keep the high bits of seeds above 2^32 instead of dropping them.
  const high = Math.floor(whole / 4294967296);
  return (whole ^ Math.imul(high, 0x9e3779b1)) >>> 0;
}
