// A spike raster on a canvas, redrawn from the latest activity snapshot.
import { useEffect, useRef } from 'react';
import { drawRaster, packColor, type RasterData } from './raster';

export function SpikeRaster({ data, label }: { data: RasterData | null; label: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const el = canvas.current;
    if (!el) return;
    const width = Math.max(1, el.clientWidth);
    const height = Math.max(1, el.clientHeight);
    el.width = width;
    el.height = height;
    const ctx = el.getContext('2d');
    if (!ctx) return;
    const image = ctx.createImageData(width, height);
    const dark = document.documentElement.dataset.theme === 'dark';
    const drawn = data
      ? drawRaster(
          new Uint32Array(image.data.buffer),
          width,
          height,
          data,
          dark ? packColor(165, 180, 252) : packColor(67, 56, 202),
          dark ? packColor(24, 26, 33) : packColor(255, 255, 255),
        )
      : 0;
    ctx.putImageData(image, 0, 0);
    el.dataset.spikes = String(drawn);
  }, [data]);
  return (
    <figure className="plot">
      <figcaption>{label}</figcaption>
      <canvas ref={canvas} className="raster" data-testid="raster" aria-label={label} />
    </figure>
  );
}
