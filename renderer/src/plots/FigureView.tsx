// One plot of the training view: its title and legend (never truncated: they wrap), the figure
// drawn on a canvas at the device's pixel ratio, and its own export menu (PNG, SVG, CSV).
import { type ReactNode, useEffect, useRef } from 'react';
import { useAppStore } from '../store';
import { exportBase, exportFigure } from './exportFigures';
import { darkPlotTheme, drawFigure, type Figure, legendOf, lightPlotTheme } from './figure';
import { CanvasPainter } from './painter';

export function usePlotTheme() {
  return useAppStore((s) => (s.theme === 'dark' ? darkPlotTheme : lightPlotTheme));
}

export function FigureView({
  id,
  figure,
  title,
  empty,
  tools,
}: {
  id: string;
  figure: Figure | null;
  /** Shown while there is no figure yet. */
  title: string;
  empty: string;
  tools?: ReactNode;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const theme = usePlotTheme();
  const fileName = useAppStore((s) => s.fileName);
  const latest = useRef(figure);
  latest.current = figure;

  useEffect(() => {
    const el = canvas.current;
    if (!el) return;
    let frame = 0;
    const draw = () => {
      frame = 0;
      const fig = latest.current;
      const ratio = window.devicePixelRatio || 1;
      const width = el.clientWidth;
      const height = el.clientHeight;
      if (width < 2 || height < 2) return;
      if (el.width !== Math.round(width * ratio) || el.height !== Math.round(height * ratio)) {
        el.width = Math.round(width * ratio);
        el.height = Math.round(height * ratio);
      }
      const ctx = el.getContext('2d');
      if (!ctx) return;
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.clearRect(0, 0, width, height);
      if (fig) drawFigure(new CanvasPainter(ctx), fig, width, height, theme);
    };
    const schedule = () => {
      if (!frame) frame = requestAnimationFrame(draw);
    };
    schedule();
    const observer = new ResizeObserver(schedule);
    observer.observe(el);
    redraws.set(el, schedule);
    return () => {
      observer.disconnect();
      redraws.delete(el);
      if (frame) cancelAnimationFrame(frame);
    };
  }, [theme]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: redraw whenever the figure's data changes.
  useEffect(() => {
    const el = canvas.current;
    if (el) redraws.get(el)?.();
  }, [figure]);

  const legend = figure ? legendOf(figure) : [];
  const shownTitle = figure?.title ?? title;
  const exportAs = (format: 'png' | 'svg' | 'csv') => {
    if (!figure) return;
    void exportFigure(figure, format, exportBase(fileName), theme).then((name) =>
      useAppStore.getState().showToast(`Exported ${name}`),
    );
  };
  return (
    <figure className="figure" data-testid={`figure-${id}`} data-has-data={figure ? 'true' : 'false'}>
      <figcaption className="figure__head">
        <span className="figure__title">{shownTitle}</span>
        {tools}
        <span className="figure__exports">
          {(['png', 'svg', 'csv'] as const).map((format) => (
            <button
              key={format}
              type="button"
              className="figure__export"
              disabled={!figure}
              onClick={() => exportAs(format)}
              title={`Export this plot as ${format.toUpperCase()}`}
              data-testid={`export-${id}-${format}`}
            >
              {format.toUpperCase()}
            </button>
          ))}
        </span>
        {legend.length > 0 && (
          <span className="figure__legend">
            {legend.map((item) => (
              <span key={item.label} className="figure__legend-item">
                <i className={item.dashed ? 'is-dashed' : undefined} style={{ borderColor: item.color }} />
                {item.label}
              </span>
            ))}
          </span>
        )}
      </figcaption>
      <div className="figure__body">
        <canvas
          ref={canvas}
          className="figure__canvas"
          data-testid={`plot-${id}`}
          data-x-label={figure?.xLabel ?? ''}
          data-y-label={figure?.yLabel ?? ''}
          data-points={figure ? pointCount(figure) : 0}
          aria-label={figure ? `${figure.title}: ${figure.yLabel} against ${figure.xLabel}` : `${title}: ${empty}`}
          role="img"
        />
        {!figure && <div className="figure__empty">{empty}</div>}
      </div>
    </figure>
  );
}

/** How much data the figure holds (spikes of a raster, points of a curve): for specs and benches. */
function pointCount(f: Figure): number {
  switch (f.kind) {
    case 'lines':
      return f.x.length;
    case 'raster':
      return f.groups.reduce((n, g) => n + g.events.length / 2, 0);
    case 'bars':
      return f.series.reduce((n, s) => n + s.counts.reduce((a, b) => a + b, 0), 0);
    case 'matrix':
      return f.matrix.length;
  }
}

const redraws = new WeakMap<HTMLCanvasElement, () => void>();
