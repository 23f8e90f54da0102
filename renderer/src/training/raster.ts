// Draws a spike raster straight into a pixel buffer: one write per spike, no path building,
// so 100,000 spikes take a few milliseconds.

export interface RasterData {
  /** Flat triples: sample, time step, unit. */
  events: ArrayLike<number>;
  timeSteps: number;
  units: number;
  samples: number;
}

/** RGBA packed little-endian as 0xAABBGGRR, the byte order of ImageData on every platform we ship. */
export function packColor(r: number, g: number, b: number, a = 255): number {
  return ((a << 24) | (b << 16) | (g << 8) | r) >>> 0;
}

/**
 * Renders samples side by side (time on x, units on y) into `pixels` (width*height, row-major).
 * Returns how many spikes were drawn.
 */
export function drawRaster(
  pixels: Uint32Array,
  width: number,
  height: number,
  data: RasterData,
  color: number,
  background: number,
): number {
  pixels.fill(background);
  const { events, timeSteps, units, samples } = data;
  if (timeSteps <= 0 || units <= 0 || samples <= 0) return 0;
  const gap = samples > 1 ? 2 : 0;
  const panel = (width - gap * (samples - 1)) / samples;
  const xScale = panel / timeSteps;
  const yScale = height / units;
  const dotW = Math.max(1, Math.floor(xScale));
  const dotH = Math.max(1, Math.floor(yScale));
  let drawn = 0;
  for (let i = 0; i + 2 < events.length + 0; i += 3) {
    const s = events[i] as number;
    const t = events[i + 1] as number;
    const u = events[i + 2] as number;
    if (s >= samples || t >= timeSteps || u >= units || s < 0 || t < 0 || u < 0) continue;
    const x0 = Math.floor(s * (panel + gap) + t * xScale);
    const y0 = Math.floor(height - (u + 1) * yScale);
    for (let dy = 0; dy < dotH; dy++) {
      const row = (y0 + dy) * width;
      if (y0 + dy < 0 || y0 + dy >= height) continue;
      for (let dx = 0; dx < dotW; dx++) {
        const x = x0 + dx;
        if (x >= 0 && x < width) pixels[row + x] = color;
      }
    }
    drawn++;
  }
  return drawn;
}
