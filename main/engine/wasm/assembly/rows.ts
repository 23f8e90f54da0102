// Row adds: presynaptic spikes into the drive, and the weight gradient over them. One part of
// the module whose entry is kernels.ts (its header: the exactness rules every part keeps).

import { addRow } from './lanes';

/**
 * drive[n, :] += w[units[e], :] for every spike e in offsets[n]..offsets[n+1], n < T: one
 * weight row per presynaptic spike, for one sample. drive is [T, N]; w is [rows, N]; units
 * (i32) and offsets (i32, T + 1 entries) are the source's CSR spikes for this sample.
 */
export function addSpikeRows(drive: usize, w: usize, N: i32, T: i32, units: usize, offsets: usize): void {
  const rowBytes = <usize>N << 2;
  for (let n = 0; n < T; n++) {
    const d = drive + <usize>n * rowBytes;
    const end = load<i32>(offsets + (<usize>(n + 1) << 2));
    for (let e = load<i32>(offsets + (<usize>n << 2)); e < end; e++)
      addRow(d, w + <usize>load<i32>(units + (<usize>e << 2)) * rowBytes, N);
  }
}

/**
 * dW[i, :] += gD[b, n, :] over the presynaptic spikes (b, n, i), for n <= lastActive[b]:
 * the weight gradient of one connection over B samples. gD is [B, T, N]; offsets has
 * B * T + 1 entries (the source's CSR spikes over (sample, step)).
 */
export function accumulateWeightGrad(
  dW: usize,
  gD: usize,
  N: i32,
  T: i32,
  B: i32,
  units: usize,
  offsets: usize,
  lastActive: usize,
): void {
  const rowBytes = <usize>N << 2;
  for (let b = 0; b < B; b++) {
    const stop = load<i32>(lastActive + (<usize>b << 2));
    for (let n = 0; n <= stop; n++) {
      const r = b * T + n;
      const g = gD + <usize>r * rowBytes;
      const end = load<i32>(offsets + (<usize>(r + 1) << 2));
      for (let e = load<i32>(offsets + (<usize>r << 2)); e < end; e++)
        addRow(dW + <usize>load<i32>(units + (<usize>e << 2)) * rowBytes, g, N);
    }
  }
}
