import { describe, expect, it } from 'vitest';
import { drawRaster, packColor } from './raster';

describe('drawRaster', () => {
  const red = packColor(255, 0, 0);
  const white = packColor(255, 255, 255);

  it('puts each spike at its time and unit', () => {
    const w = 10;
    const h = 4;
    const pixels = new Uint32Array(w * h);
    const drawn = drawRaster(
      pixels,
      w,
      h,
      { events: [0, 0, 0, 0, 9, 3], timeSteps: 10, units: 4, samples: 1 },
      red,
      white,
    );
    expect(drawn).toBe(2);
    expect(pixels[3 * w + 0]).toBe(red); // unit 0 is the bottom row
    expect(pixels[0 * w + 9]).toBe(red); // unit 3 at the top, last step
    expect(pixels.filter((p) => p === red)).toHaveLength(2);
  });

  it('skips events outside the raster instead of writing out of bounds', () => {
    const pixels = new Uint32Array(20);
    const drawn = drawRaster(
      pixels,
      5,
      4,
      { events: [0, 99, 0, 3, 0, 0, 0, 0, 7, -1, 0, 0], timeSteps: 5, units: 4, samples: 1 },
      red,
      white,
    );
    expect(drawn).toBe(0);
    expect(pixels.every((p) => p === white)).toBe(true);
  });

  it('draws 100,000 spikes', () => {
    const events = new Int32Array(300_000);
    for (let i = 0; i < 100_000; i++) {
      events[i * 3] = i % 4;
      events[i * 3 + 1] = i % 100;
      events[i * 3 + 2] = (i * 7) % 200;
    }
    const pixels = new Uint32Array(800 * 200);
    expect(drawRaster(pixels, 800, 200, { events, timeSteps: 100, units: 200, samples: 4 }, red, white)).toBe(100_000);
  });
});
