// The dataset node's preview: a few samples as spike rasters with their labels, and how the
// classes are balanced in each split. Loaded on request, since reading a dataset takes a moment.
import { useEffect, useRef, useState } from 'react';
import type { ApiResult } from '../../../shared/api/contract';
import type { DatasetParams } from '../../../shared/graph/kinds';
import { api } from '../api';
import { drawRaster, packColor } from '../training/raster';
import './inspector-preview.css';

type Preview = ApiResult<'previewDataset'>;

function SampleRaster({
  events,
  timeSteps,
  units,
  label,
}: {
  events: number[];
  timeSteps: number;
  units: number;
  label: string;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const el = canvas.current;
    const ctx = el?.getContext('2d');
    if (!el || !ctx) return;
    const image = ctx.createImageData(el.width, el.height);
    const triples: number[] = [];
    for (let i = 0; i + 1 < events.length; i += 2) triples.push(0, events[i] as number, events[i + 1] as number);
    drawRaster(
      new Uint32Array(image.data.buffer),
      el.width,
      el.height,
      { events: triples, timeSteps, units, samples: 1 },
      packColor(67, 56, 202),
      packColor(255, 255, 255),
    );
    ctx.putImageData(image, 0, 0);
  }, [events, timeSteps, units]);
  return (
    <figure className="dataset-preview__sample">
      <canvas ref={canvas} width={120} height={80} />
      <figcaption>{label}</figcaption>
    </figure>
  );
}

export function DatasetPreview({ params }: { params: DatasetParams }) {
  const [preview, setPreview] = useState<Preview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const key = JSON.stringify(params);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a changed dataset makes the old preview stale.
  useEffect(() => {
    setPreview(null);
    setError(null);
  }, [key]);

  const load = () => {
    setLoading(true);
    setError(null);
    api
      .previewDataset({ params: { ...params }, samples: 4 })
      .then(setPreview, (e: Error) => setError(e.message))
      .finally(() => setLoading(false));
  };

  const train = preview?.splits.train;
  const max = Math.max(1, ...(train?.classCounts ?? []));
  return (
    <section className="dataset-preview" data-testid="dataset-preview">
      <button type="button" onClick={load} disabled={loading} data-testid="dataset-preview-load">
        {loading ? 'Reading the dataset…' : preview ? 'Reload preview' : 'Preview samples'}
      </button>
      {error && <div className="inspector__problem inspector__problem--error">{error}</div>}
      {preview && (
        <>
          <div className="dataset-preview__samples">
            {preview.samples.map((s, i) => (
              <SampleRaster
                // biome-ignore lint/suspicious/noArrayIndexKey: samples are shown in their fixed order.
                key={i}
                events={s.events}
                timeSteps={preview.timeSteps}
                units={preview.inputUnits}
                label={preview.classNames?.[s.label] ?? `class ${s.label}`}
              />
            ))}
          </div>
          <div className="inspector__fact">
            {Object.entries(preview.splits)
              .map(([name, split]) => `${name} ${split.size.toLocaleString()}`)
              .join(' · ')}{' '}
            samples · {train ? train.meanEvents.toFixed(0) : 0} spikes per sample
          </div>
          <div className="dataset-preview__balance" title="Training samples per class" data-testid="class-balance">
            {(train?.classCounts ?? []).map((count, c) => (
              <div
                // biome-ignore lint/suspicious/noArrayIndexKey: one bar per class, by position.
                key={c}
                className="dataset-preview__bar"
                style={{ height: `${(count / max) * 100}%` }}
                title={`${preview.classNames?.[c] ?? `class ${c}`}: ${count}`}
              />
            ))}
          </div>
        </>
      )}
    </section>
  );
}
