// The Sweeps panel: plan a sweep over the document's numeric parameters (a grid, or random
// draws), run it on the local pool, follow it (progress, time left), stop and resume it
// (finished configurations are skipped), and read its results as a table and, for two swept
// parameters, a heatmap of the chosen metric (Zenke & Vogels 2021, Fig. 3), exportable as
// PNG, SVG and CSV.
import { useEffect, useMemo, useState } from 'react';
import { heatmapCsv, heatmapGrid, heatmapSvg, type SweepMetric, type SweepStatus } from '../../../shared/api/runs';
import { configLabel, parseValues } from '../../../shared/api/sweepPlan';
import { nodesOfKind } from '../../../shared/graph/document';
import { downloadFile } from '../files/download';
import { exportBase } from '../plots/exportFigures';
import { usePlotTheme } from '../plots/FigureView';
import { useAppStore } from '../store';
import { svgToPng } from './heatmapImage';
import { formatDuration, formatPercent } from './runCompare';
import { useRunsStore } from './runsStore';
import { defaultForm, orderedParams, type SweepFormState, suggestValues, sweepRequest } from './sweepForm';
import { useRunsSync } from './useRunsSync';
import '../shell/panelButtons.css';
import './runs.css';

export function SweepPanel() {
  useRunsSync();
  const { sweeps, sweepRef } = useRunsStore();
  const sweep = sweeps.find((s) => s.ref === sweepRef) ?? null;
  return (
    <section className="sweep-panel" data-testid="sweep-panel">
      <SweepForm />
      <div className="sweep-main">
        <header className="runs-bar">
          <label className="field-inline">
            Sweep
            <select
              value={sweepRef ?? ''}
              onChange={(e) => useRunsStore.getState().showSweep(e.target.value || null)}
              disabled={sweeps.length === 0}
              data-testid="sweep-select"
            >
              {sweeps.length === 0 && <option value="">none yet</option>}
              {sweeps.map((s) => (
                <option key={s.ref} value={s.ref}>
                  {s.plan.name} · {new Date(s.plan.createdAt).toLocaleString()} · {s.counts.done}/
                  {s.plan.configs.length} done
                </option>
              ))}
            </select>
          </label>
          {sweep && <SweepControls sweep={sweep} />}
        </header>
        {sweep ? (
          <SweepResults sweep={sweep} />
        ) : (
          <p className="runs-empty">
            No sweeps of this document yet. Choose parameters and their values on the left: each combination is trained
            on this machine’s cores, and the results appear here as a table and a heatmap.
          </p>
        )}
      </div>
    </section>
  );
}

function SweepControls({ sweep }: { sweep: SweepStatus }) {
  const total = sweep.plan.configs.length;
  const finished = sweep.counts.done + sweep.counts.failed;
  const running = sweep.configs.filter((c) => c.status === 'running');
  const fraction = (finished + running.reduce((s, c) => s + (c.progress ?? 0), 0)) / Math.max(1, total);
  const left = total - sweep.counts.done;
  const confirmDelete = () =>
    useAppStore.getState().openDialog({
      kind: 'confirm',
      title: 'Delete this sweep?',
      message: `Its ${total} runs (metrics, trained weights) are removed from the runs folder. The document is not touched.`,
      confirmLabel: 'Delete sweep',
      onConfirm: () => void useRunsStore.getState().deleteSweep(sweep.ref),
    });
  return (
    <>
      <div
        className="sweep-progress"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(fraction * 100)}
        aria-label="Sweep progress"
        data-testid="sweep-progress"
      >
        <span style={{ width: `${Math.round(fraction * 100)}%` }} />
      </div>
      <span className="sweep-status" data-testid="sweep-status" data-active={sweep.active}>
        {sweep.counts.done}/{total} done
        {sweep.counts.failed ? `, ${sweep.counts.failed} failed` : ''}
        {sweep.counts.running ? `, ${sweep.counts.running} running` : ''}
        {sweep.counts.stopped ? `, ${sweep.counts.stopped} stopped` : ''}
        {sweep.active
          ? sweep.etaSeconds === null
            ? ' · estimating time left…'
            : ` · about ${formatDuration(sweep.etaSeconds)} left`
          : ''}
        {sweep.active && sweep.jobs ? ` · ${sweep.jobs} at once × ${sweep.threadsPerRun ?? 1} thread` : ''}
      </span>
      <span className="runs-bar__spacer" />
      {sweep.active ? (
        <button
          type="button"
          onClick={() => void useRunsStore.getState().stopSweep(sweep.ref)}
          data-testid="sweep-stop"
        >
          ■ Stop
        </button>
      ) : (
        left > 0 &&
        !sweep.plan.slurm && (
          <button
            type="button"
            className="primary"
            onClick={() => void useRunsStore.getState().resumeSweep(sweep.ref)}
            title="Run what is left; finished configurations are skipped"
            data-testid="sweep-resume"
          >
            ▶ Resume ({left} left)
          </button>
        )
      )}
      <button
        type="button"
        className="danger"
        disabled={sweep.active}
        onClick={confirmDelete}
        data-testid="sweep-delete"
      >
        Delete
      </button>
    </>
  );
}

function SweepResults({ sweep }: { sweep: SweepStatus }) {
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
  return (
    <div className="sweep-results">
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
              <th className="num">Test acc.</th>
              <th className="num">Train acc.</th>
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
                  <span className={`run-status run-status--${c.status}`}>
                    {c.status === 'running' && c.progress !== undefined
                      ? `running ${Math.round(c.progress * 100)}%`
                      : c.status}
                  </span>
                </td>
                <td className="num">{formatDuration(c.seconds)}</td>
                <td className="num">{formatPercent(c.testAcc)}</td>
                <td className="num">{formatPercent(c.trainAcc)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="sweep-heatmap" data-testid="sweep-heatmap-panel">
        {axes.length < 2 || sweep.plan.mode !== 'grid' ? (
          <p className="muted">
            {sweep.plan.mode !== 'grid'
              ? 'A heatmap needs a grid sweep; random draws are compared in the table.'
              : 'Sweep two parameters to see a heatmap of the results.'}
          </p>
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
    </div>
  );
}

function SweepForm() {
  const graph = useAppStore((s) => s.graph);
  const stored = useRunsStore((s) => s.sweepForm);
  const form = stored ?? defaultForm(graph);
  const setForm = (next: SweepFormState) => useRunsStore.getState().setSweepForm(next);
  const params = useMemo(() => orderedParams(graph), [graph]);
  const result = sweepRequest(form, graph);
  const [starting, setStarting] = useState(false);
  const training = nodesOfKind(graph, 'training')[0];
  const used = new Set((form.mode === 'grid' ? form.grid : form.random).map((r) => r.path));
  const nextParam = params.find((p) => !used.has(p.path));
  const label = (path: string) => params.find((p) => p.path === path)?.label ?? path;

  const start = async () => {
    if (!result.ok) return;
    setStarting(true);
    await useRunsStore.getState().startSweep(result.request);
    setStarting(false);
  };
  const preview = (text: string) => {
    try {
      const values = parseValues(text.trim());
      return `${values.length} value${values.length === 1 ? '' : 's'}: ${values
        .slice(0, 6)
        .map((v) => String(Number(v.toPrecision(3))))
        .join(', ')}${values.length > 6 ? ', …' : ''}`;
    } catch {
      return '';
    }
  };

  return (
    <form
      className="sweep-form"
      data-testid="sweep-form"
      onSubmit={(e) => {
        e.preventDefault();
        void start();
      }}
    >
      <h3>New sweep</h3>
      <fieldset className="segmented" aria-label="Kind of sweep">
        {(['grid', 'random'] as const).map((mode) => (
          <button
            key={mode}
            type="button"
            aria-pressed={form.mode === mode}
            className={form.mode === mode ? 'is-active' : undefined}
            onClick={() => setForm({ ...form, mode })}
            data-testid={`sweep-mode-${mode}`}
          >
            {mode === 'grid' ? 'Grid' : 'Random'}
          </button>
        ))}
      </fieldset>
      {form.mode === 'grid'
        ? form.grid.map((row, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place, by position.
            <div className="sweep-row" key={i} data-testid="sweep-axis">
              <select
                aria-label="Parameter"
                value={row.path}
                title={label(row.path)}
                onChange={(e) => {
                  const p = params.find((q) => q.path === e.target.value);
                  const grid = [...form.grid];
                  grid[i] = { path: e.target.value, values: p ? suggestValues(p) : row.values };
                  setForm({ ...form, grid });
                }}
                data-testid="sweep-axis-param"
              >
                {params.map((p) => (
                  <option key={p.path} value={p.path}>
                    {p.label}
                  </option>
                ))}
              </select>
              <input
                aria-label={`Values of ${row.path}`}
                value={row.values}
                spellCheck={false}
                title="A list (1e-3,2e-3), log:LOW:HIGH:N (log-spaced), lin:LOW:HIGH:N, or range:0:3 (whole numbers)"
                onChange={(e) => {
                  const grid = [...form.grid];
                  grid[i] = { ...row, values: e.target.value };
                  setForm({ ...form, grid });
                }}
                data-testid="sweep-axis-values"
              />
              <button
                type="button"
                className="icon"
                aria-label={`Remove ${row.path}`}
                onClick={() => setForm({ ...form, grid: form.grid.filter((_, k) => k !== i) })}
              >
                ×
              </button>
              <span className="sweep-row__hint">{preview(row.values)}</span>
            </div>
          ))
        : form.random.map((row, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place, by position.
            <div className="sweep-row sweep-row--random" key={i} data-testid="sweep-draw">
              <select
                aria-label="Parameter"
                value={row.path}
                onChange={(e) => {
                  const random = [...form.random];
                  random[i] = { ...row, path: e.target.value };
                  setForm({ ...form, random });
                }}
              >
                {params.map((p) => (
                  <option key={p.path} value={p.path}>
                    {p.label}
                  </option>
                ))}
              </select>
              <select
                aria-label="Distribution"
                value={row.dist}
                onChange={(e) => {
                  const random = [...form.random];
                  random[i] = { ...row, dist: e.target.value as typeof row.dist };
                  setForm({ ...form, random });
                }}
              >
                <option value="loguniform">log-uniform</option>
                <option value="uniform">uniform</option>
                <option value="int">integers</option>
              </select>
              <input
                aria-label="Low end"
                value={row.lo}
                onChange={(e) => {
                  const random = [...form.random];
                  random[i] = { ...row, lo: e.target.value };
                  setForm({ ...form, random });
                }}
              />
              <input
                aria-label="High end"
                value={row.hi}
                onChange={(e) => {
                  const random = [...form.random];
                  random[i] = { ...row, hi: e.target.value };
                  setForm({ ...form, random });
                }}
              />
              <button
                type="button"
                className="icon"
                aria-label={`Remove ${row.path}`}
                onClick={() => setForm({ ...form, random: form.random.filter((_, k) => k !== i) })}
              >
                ×
              </button>
            </div>
          ))}
      <button
        type="button"
        className="link"
        disabled={!nextParam}
        onClick={() => {
          if (!nextParam) return;
          if (form.mode === 'grid')
            setForm({ ...form, grid: [...form.grid, { path: nextParam.path, values: suggestValues(nextParam) }] });
          else
            setForm({
              ...form,
              random: [
                ...form.random,
                {
                  path: nextParam.path,
                  dist: 'uniform',
                  lo: String(nextParam.value),
                  hi: String(nextParam.value * 2 || 1),
                },
              ],
            });
        }}
        data-testid="sweep-add-param"
      >
        + Add a parameter
      </button>
      {form.mode === 'random' && (
        <div className="sweep-settings">
          <label>
            Runs
            <input
              value={form.count}
              onChange={(e) => setForm({ ...form, count: e.target.value })}
              inputMode="numeric"
            />
          </label>
          <label>
            Random seed
            <input value={form.seed} onChange={(e) => setForm({ ...form, seed: e.target.value })} inputMode="numeric" />
          </label>
        </div>
      )}
      <div className="sweep-settings">
        <label title="Epochs of each run (empty: the training node's own)">
          Epochs
          <input
            value={form.epochs}
            placeholder={String(training?.params.epochs ?? '')}
            onChange={(e) => setForm({ ...form, epochs: e.target.value })}
            inputMode="numeric"
            data-testid="sweep-epochs"
          />
        </label>
        <label title="At most this many training batches per epoch (empty: all of them)">
          Batches/epoch
          <input
            value={form.maxBatches}
            placeholder="all"
            onChange={(e) => setForm({ ...form, maxBatches: e.target.value })}
            inputMode="numeric"
            data-testid="sweep-max-batches"
          />
        </label>
        <label title="At most this many batches when evaluating (empty: the whole split)">
          Eval batches
          <input
            value={form.maxEvalBatches}
            placeholder="all"
            onChange={(e) => setForm({ ...form, maxEvalBatches: e.target.value })}
            inputMode="numeric"
            data-testid="sweep-max-eval-batches"
          />
        </label>
        <label>
          Name
          <input
            value={form.name}
            placeholder={useAppStore.getState().metadata.name || 'sweep'}
            onChange={(e) => setForm({ ...form, name: e.target.value })}
            data-testid="sweep-name"
          />
        </label>
      </div>
      <p className={result.ok ? 'sweep-form__summary' : 'sweep-form__error'} data-testid="sweep-form-summary">
        {result.ok ? `${result.configs} run${result.configs === 1 ? '' : 's'} on this machine’s cores.` : result.error}
      </p>
      <button type="submit" className="primary" disabled={!result.ok || starting} data-testid="sweep-start">
        {starting ? 'Starting…' : `▶ Start sweep${result.ok ? ` (${result.configs})` : ''}`}
      </button>
    </form>
  );
}

/** A parameter path's last segment, as the table and the axis pickers name it. */
function short(path: string): string {
  return path.slice(path.lastIndexOf('.') + 1);
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
