// A live line chart (uPlot draws on canvas and updates in well under a millisecond).
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface Series {
  label: string;
  color: string;
  values: (number | null)[];
}

export function LinePlot({
  title,
  x,
  series,
  testId,
}: {
  title: string;
  x: number[];
  series: Series[];
  testId: string;
}) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const labels = series.map((s) => s.label).join('|');

  // biome-ignore lint/correctness/useExhaustiveDependencies: the chart is rebuilt only when its series change.
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const chart = new uPlot(
      {
        width: Math.max(200, el.clientWidth),
        height: Math.max(100, el.clientHeight),
        legend: { show: false },
        scales: { x: { time: false } },
        axes: [
          { stroke: '#98a2b3', grid: { stroke: '#eaecf0' } },
          { stroke: '#98a2b3', grid: { stroke: '#eaecf0' } },
        ],
        series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.color, width: 1.5, spanGaps: true }))],
      },
      [x, ...series.map((s) => s.values)] as uPlot.AlignedData,
      el,
    );
    plot.current = chart;
    const resize = new ResizeObserver(() =>
      chart.setSize({ width: Math.max(200, el.clientWidth), height: Math.max(100, el.clientHeight) }),
    );
    resize.observe(el);
    return () => {
      resize.disconnect();
      chart.destroy();
      plot.current = null;
    };
  }, [labels]);

  useEffect(() => {
    plot.current?.setData([x, ...series.map((s) => s.values)] as uPlot.AlignedData);
  }, [x, series]);

  return (
    <figure className="plot">
      <figcaption>
        {title}
        <span className="legend">
          {series.map((s) => (
            <span key={s.label} className="legend__item">
              <i style={{ background: s.color }} />
              {s.label}
            </span>
          ))}
        </span>
      </figcaption>
      <div ref={host} className="line-plot" data-testid={testId} data-points={x.length} />
    </figure>
  );
}
