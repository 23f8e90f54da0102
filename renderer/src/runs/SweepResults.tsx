// A sweep's results: the table of its configurations (values, status, duration, accuracies)
// and, for a grid over two or more parameters, a heatmap of the chosen metric (Zenke & Vogels
// 2021, Fig. 3; averaged over any other swept parameters), exportable as PNG, SVG and CSV.
import { useEffect, useMemo, useState } from 'react';
import { heatmapCsv, heatmapGrid, heatmapSvg, type SweepMetric, type SweepStatus } from '../../../shared/api/runs';
import { configLabel } from '../../../shared/api/sweepPlan';
import { downloadFile } from '../files/download';
import { exportBase } from '../plots/exportFigures';
import { usePlotTheme } from '../plots/FigureView';
import { useAppStore } from '../store';
import { svgToPng } from './heatmapImage';
import { AccuracyCells, AccuracyHeads, RunStatus } from './runCells';
import { formatDuration } from './runCompare';

export function SweepResults({ sweep }: { sweep: SweepStatus }) {
  return (
    <div className="sweep-results">
      <SweepTable sweep={sweep} />
      <SweepHeatmap sweep={sweep} />
    </div>
  );
}

/** A parameter path's last segment, as the table and the axis pickers name it. */
function short(path: string): string {
  return path.slice(path.lastIndexOf('.') + 1);
}

function SweepTable({ sweep }: { sweep: SweepStatus }) {
  const axes = sweep.plan.axes.map((a) => a.path);
  return (
    <div className="sweep-table-wrap">
      <table className="runs-table" data-testid="sweep-table">
        <thead>
          <tr>
            <th className="num">#</th>
            {axes.map((a) => (
              <th key={a} className="num" title={a}>
                {short(a)}
              </th>
            ))}
            <th>Status</th>
            <th className="num">Duration</th>
            <AccuracyHeads />
          </tr>
        </thead>
        <tbody>
          {sweep.configs.map((c) => (
            <tr key={c.index} data-testid="sweep-row" data-status={c.status} title={c.error ?? configLabel(c.values)}>
              <td className="num">{c.index}</td>
              {axes.map((a) => (
                <td key={a} className="num">
                  {c.values[a] === undefined ? '—' : String(Number((c.values[a] as number).toPrecision(4)))}
                </td>
              ))}
              <td>
                <RunStatus status={c.status}>
                  {c.status === 'running' && c.progress !== undefined
                    ? `running ${Math.round(c.progress * 100)}%`
                    : c.status}
                </RunStatus>
              </td>
              <td className="num">{formatDuration(c.seconds)}</td>
              <AccuracyCells testAcc={c.testAcc} trainAcc={c.trainAcc} />
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function SweepHeatmap({ sweep }: { sweep: SweepStatus }) {
  const theme = usePlotTheme();
  const fileName = useAppStore((s) => s.fileName);
  const axes = sweep.plan.axes.map((a) => a.path);
  const [xPath, setX] = useState(axes[0] ?? '');
  const [yPath, setY] = useState(axes[1] ?? '');
  const [metric, setMetric] = useState<SweepMetric>('testAcc');
  // Another sweep chosen: its own axes.
  useEffect(() => {
    setX(axes[0] ?? '');
    setY(axes[1] ?? '');
  }, [axes[0], axes[1]]);
  const canMap = sweep.plan.mode === 'grid' && axes.length >= 2 && xPath && yPath && xPath !== yPath;
  const grid = useMemo(
    () => (canMap ? heatmapGrid(sweep.configs, xPath, yPath, metric) : null),
    [canMap, sweep.configs, xPath, yPath, metric],
  );
  const metricWords =
    metric === 'testAcc' ? 'test accuracy' : metric === 'trainAcc' ? 'train accuracy' : 'validation accuracy';
  const title = `${sweep.plan.name}: ${metricWords}${axes.length > 2 ? ' (mean over the other parameters)' : ''}`;
  const svg = useMemo(
    () => (grid ? heatmapSvg(grid, { title, background: theme.background, foreground: theme.text }) : ''),
    [grid, title, theme],
  );
  const base = `${exportBase(fileName)}-sweep-${sweep.plan.id}`;
  const exportAs = async (format: 'png' | 'svg' | 'csv') => {
    if (!grid) return;
    const name = `${base}.${format}`;
    if (format === 'csv') downloadFile(name, heatmapCsv(grid), 'text/csv');
    else if (format === 'svg') downloadFile(name, svg, 'image/svg+xml');
    else downloadFile(name, await svgToPng(svg), 'image/png');
    useAppStore.getState().showToast(`Exported ${name}`);
  };
  const unmappable =
    sweep.plan.mode !== 'grid'
      ? 'A heatmap needs a grid sweep; random draws are compared in the table.'
      : axes.length < 2
        ? 'Sweep two parameters to see a heatmap of the results.'
        : null;
  return (
    <div className="sweep-heatmap" data-testid="sweep-heatmap-panel">
      {unmappable ? (
        <p className="muted">{unmappable}</p>
      ) : (
        <>
          <div className="sweep-heatmap__tools">
            <AxisSelect label="x" axes={axes} value={xPath} onChange={setX} testId="heatmap-x" />
            <AxisSelect label="y" axes={axes} value={yPath} onChange={setY} testId="heatmap-y" />
            <label className="field-inline">
              colour
              <select
                value={metric}
                onChange={(e) => setMetric(e.target.value as SweepMetric)}
                data-testid="heatmap-metric"
              >
                <option value="testAcc">test accuracy</option>
                <option value="trainAcc">train accuracy</option>
              </select>
            </label>
            <span className="runs-bar__spacer" />
            {(['png', 'svg', 'csv'] as const).map((f) => (
              <button
                key={f}
                type="button"
                className="figure__export"
                disabled={!grid}
                onClick={() => void exportAs(f)}
                title={`Export the heatmap as ${f.toUpperCase()}`}
                data-testid={`heatmap-export-${f}`}
              >
                {f.toUpperCase()}
              </button>
            ))}
          </div>
          {xPath === yPath ? (
            <p className="muted">Choose two different parameters for x and y.</p>
          ) : (
            <div
              className="sweep-heatmap__svg"
              data-testid="sweep-heatmap"
              data-cells={grid ? grid.cells.flat().filter((v) => v !== null).length : 0}
              role="img"
              aria-label={title}
              // The SVG is ours (shared/api/runs.ts heatmapSvg, text escaped): the picture the exports save.
              // biome-ignore lint/security/noDangerouslySetInnerHtml: generated by heatmapSvg, not user HTML.
              dangerouslySetInnerHTML={{ __html: svg }}
            />
          )}
        </>
      )}
    </div>
  );
}

/** Which swept parameter a heatmap axis shows. */
function AxisSelect({
  label,
  axes,
  value,
  onChange,
  testId,
}: {
  label: string;
  axes: string[];
  value: string;
  onChange: (path: string) => void;
  testId: string;
}) {
  return (
    <label className="field-inline">
      {label}
      <select value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
        {axes.map((a) => (
          <option key={a} value={a}>
            {short(a)}
          </option>
        ))}
      </select>
    </label>
  );
}
