// The Runs panel: every recorded run of the open document (app, CLI and sweep runs alike) with
// its status, duration and final figures. Selecting runs overlays their curves and lists the
// settings in which they differ; a finished run's trained weights can be taken into the
// document; runs can be deleted (after a confirmation; a running one cannot).
import { useEffect, useMemo, useState } from 'react';
import type { RunSummary } from '../../../shared/api/runs';
import { FigureView } from '../plots/FigureView';
import { useAppStore } from '../store';
import { darkColors, lightColors } from '../training/runFigures';
import { AccuracyCells, AccuracyHeads, RunStatus } from './runCells';
import {
  differingSettings,
  formatDuration,
  formatSetting,
  overlayAccuracyFigure,
  overlayLossFigure,
  runLabels,
  runSeconds,
  startedWords,
} from './runCompare';
import { useRunsStore } from './runsStore';
import { useRunsSync } from './useRunsSync';
import '../shell/panelButtons.css';
import './runs.css';

type Filter = 'all' | 'single' | string;

export function RunsPanel() {
  useRunsSync();
  const fileName = useAppStore((s) => s.fileName);
  const dark = useAppStore((s) => s.theme === 'dark');
  const { folder, runs, sweeps, selected, details, error, loading, documentPath } = useRunsStore();
  const [filter, setFilter] = useState<Filter>('all');
  const [now, setNow] = useState(Date.now());
  const anyRunning = runs.some((r) => r.status === 'running');
  useEffect(() => {
    if (!anyRunning) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [anyRunning]);

  const shown = runs.filter((r) =>
    filter === 'all' ? true : filter === 'single' ? !r.sweep : r.ref.startsWith(`${filter}/`),
  );
  const colors = (dark ? darkColors : lightColors).series;
  const chosen = useMemo(() => selected.map((ref) => details[ref]).filter((d) => d !== undefined), [selected, details]);
  const differences = useMemo(() => differingSettings(chosen.map((d) => d.settings)), [chosen]);
  const labels = useMemo(
    () =>
      runLabels(
        chosen.map((d) => d.run),
        differences.filter((r) => !r.key.startsWith('run.')),
      ),
    [chosen, differences],
  );
  const loss = useMemo(() => overlayLossFigure(chosen, colors, labels), [chosen, colors, labels]);
  const accuracy = useMemo(() => overlayAccuracyFigure(chosen, colors, labels), [chosen, colors, labels]);
  const colorOf = (ref: string) => {
    const i = selected.indexOf(ref);
    return i < 0 ? undefined : colors[i % colors.length];
  };
  const one = selected.length === 1 ? runs.find((r) => r.ref === selected[0]) : undefined;
  const canOpen = one?.status === 'done' || (one && details[one.ref]?.hasWeights);
  const deletable = selected.filter((ref) => runs.find((r) => r.ref === ref)?.status !== 'running');

  const confirmDelete = () => {
    const count = deletable.length;
    useAppStore.getState().openDialog({
      kind: 'confirm',
      title: count === 1 ? 'Delete this run?' : `Delete ${count} runs?`,
      message: `${count === 1 ? 'Its folder' : 'Their folders'} (metrics, trained weights, the graph as trained) will be removed from ${folder ?? 'the runs folder'}. The document itself is not touched.`,
      confirmLabel: count === 1 ? 'Delete run' : `Delete ${count} runs`,
      onConfirm: () => void useRunsStore.getState().deleteRuns(deletable),
    });
  };
  const confirmOpen = (run: RunSummary) => {
    const app = useAppStore.getState();
    const has = !!app.weights && Object.keys(app.weights).length > 0;
    const take = () => void useRunsStore.getState().openWeights(run.ref);
    if (!has) return take();
    app.openDialog({
      kind: 'confirm',
      title: 'Replace the document’s weights?',
      message: `The weights trained in “${run.name}” replace the ones the document holds now (the graph’s settings stay as they are). The current weights are kept in the run that trained them, and the document is only changed on disk when you save.`,
      confirmLabel: 'Use these weights',
      onConfirm: take,
    });
  };

  return (
    <section className="runs-panel" data-testid="runs-panel" data-loading={loading}>
      <header className="runs-bar">
        <span className="runs-bar__title">
          Runs of <strong>{fileName}</strong>
        </span>
        <span
          className="runs-bar__folder"
          title={
            documentPath
              ? (folder ?? '')
              : `This document is not saved yet, so its runs are kept in the app's data folder: ${folder ?? ''}. After Save As they go beside the file.`
          }
          data-testid="runs-folder"
        >
          {folder}
        </span>
        {!documentPath && <span className="chip chip--muted">not saved: app data folder</span>}
        <label className="field-inline">
          Show
          <select value={filter} onChange={(e) => setFilter(e.target.value)} data-testid="runs-filter">
            <option value="all">all runs ({runs.length})</option>
            <option value="single">single runs</option>
            {sweeps.map((s) => (
              <option key={s.ref} value={s.ref}>
                sweep {s.plan.name} ({s.plan.configs.length})
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => void useRunsStore.getState().refresh()} data-testid="runs-refresh">
          Refresh
        </button>
        <span className="runs-bar__spacer" />
        <button
          type="button"
          disabled={!canOpen}
          onClick={() => one && confirmOpen(one)}
          title={
            one
              ? canOpen
                ? 'Take this run’s trained weights into the document'
                : 'This run has no trained weights (it did not finish)'
              : 'Select one finished run'
          }
          data-testid="runs-open-weights"
        >
          Open weights
        </button>
        <button
          type="button"
          className="danger"
          disabled={deletable.length === 0}
          onClick={confirmDelete}
          title={deletable.length ? 'Delete the selected runs' : 'Select runs that are not running'}
          data-testid="runs-delete"
        >
          Delete{deletable.length > 1 ? ` ${deletable.length}` : ''}
        </button>
      </header>
      {error && (
        <div className="banner banner--error" role="alert" data-testid="runs-error">
          {error}
        </div>
      )}
      <div className="runs-body">
        <div className="runs-list">
          {shown.length === 0 ? (
            <p className="runs-empty" data-testid="runs-empty">
              {loading
                ? 'Reading the runs folder…'
                : 'No runs yet. Every training run of this document (Train, the command line, a sweep) is recorded here.'}
            </p>
          ) : (
            <table className="runs-table" data-testid="runs-table">
              <thead>
                <tr>
                  <th aria-label="Compare" />
                  <th>Run</th>
                  <th>Status</th>
                  <th className="runs-col-started">Started</th>
                  <th className="num">Duration</th>
                  <th className="num runs-col-epochs">Epochs</th>
                  <AccuracyHeads />
                </tr>
              </thead>
              <tbody>
                {shown.map((run) => {
                  const isSelected = selected.includes(run.ref);
                  const color = colorOf(run.ref);
                  return (
                    <tr
                      key={run.ref}
                      className={isSelected ? 'is-selected' : undefined}
                      data-testid="run-row"
                      data-ref={run.ref}
                      data-status={run.status}
                      onClick={(e) => useRunsStore.getState().toggle(run.ref, !(e.ctrlKey || e.metaKey || e.shiftKey))}
                    >
                      <td>
                        <input
                          type="checkbox"
                          checked={isSelected}
                          aria-label={`Compare ${run.name}`}
                          onClick={(e) => e.stopPropagation()}
                          onChange={() => useRunsStore.getState().toggle(run.ref)}
                          data-testid="run-select"
                        />
                        <i className="runs-swatch" style={color ? { background: color } : undefined} />
                      </td>
                      <td
                        className="runs-name"
                        title={`${run.name}\n${run.ref} (${run.source}, ${run.engine}, ${run.threads} thread${run.threads > 1 ? 's' : ''})`}
                      >
                        {run.name}
                        <span className="runs-source">{run.source}</span>
                      </td>
                      <td>
                        <RunStatus status={run.status} title={run.error} />
                      </td>
                      <td className="runs-started runs-col-started" title={new Date(run.startedAt).toLocaleString()}>
                        {startedWords(run.startedAt, now)}
                      </td>
                      <td className="num">{formatDuration(runSeconds(run, now))}</td>
                      <td className="num runs-col-epochs">{run.final?.epochs ?? '—'}</td>
                      <AccuracyCells
                        testAcc={run.final?.testAcc}
                        trainAcc={run.final?.trainAcc}
                        testId="run-test-acc"
                      />
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </div>
        <div className="runs-compare" data-testid="runs-compare" data-count={chosen.length}>
          <div className="runs-figures">
            <FigureView
              id="runs-loss"
              title="Loss per batch"
              figure={loss}
              empty="Select runs in the list to overlay their loss curves."
            />
            <FigureView
              id="runs-accuracy"
              title="Accuracy per epoch"
              figure={accuracy}
              empty="Select runs to overlay their training and validation accuracy."
            />
          </div>
          {chosen.length >= 2 && (
            <div className="runs-diff" data-testid="runs-diff">
              <h3>
                What differs
                <span className="muted">
                  {' '}
                  ({differences.length} setting{differences.length === 1 ? '' : 's'})
                </span>
              </h3>
              {differences.length === 0 ? (
                <p className="muted">These runs had the same graph and settings.</p>
              ) : (
                <table className="runs-table runs-table--diff">
                  <thead>
                    <tr>
                      <th>Setting</th>
                      {chosen.map((d, i) => (
                        <th key={d.run.ref}>
                          <i className="runs-swatch" style={{ background: colors[i % colors.length] }} />
                          {labels[i]}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {differences.map((row) => (
                      <tr key={row.key} data-testid="diff-row" data-key={row.key}>
                        <td className="runs-key">{row.key}</td>
                        {row.values.map((v, i) => (
                          // biome-ignore lint/suspicious/noArrayIndexKey: one cell per selected run, in order.
                          <td key={i}>{formatSetting(v)}</td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </div>
          )}
        </div>
      </div>
    </section>
  );
}
