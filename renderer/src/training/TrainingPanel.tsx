// Live training: start, pause, resume and stop a run, and watch it learn — loss and accuracy
// curves, the spike raster and membrane traces of a population, firing rates, and when the
// run ends the test accuracy and confusion matrix.
import { useEffect, useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { api } from '../api';
import { downloadFile } from '../files/download';
import { useAppStore } from '../store';
import { ConfusionMatrix } from './ConfusionMatrix';
import { LinePlot } from './LinePlot';
import { linesSvg, metricsCsv } from './metricsExport';
import { SpikeRaster } from './SpikeRaster';
import './training.css';
import { graphChangedSinceStart, isActive, type TrainingRun } from './trainingSlice';

const COLORS = {
  train: '#5b5bd6',
  val: '#d97706',
  batch: '#98a2b3',
  trace: ['#0e9384', '#c2410c', '#7c3aed', '#2563eb'],
};

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds % 60);
  return m > 0 ? `${m}m ${s}s` : `${s}s`;
}

function statusLine(run: TrainingRun): string {
  switch (run.status) {
    case 'idle':
      return 'Ready to train. Ctrl+Enter starts a run.';
    case 'starting':
      return 'Starting the training process…';
    case 'running':
    case 'paused': {
      const done = (run.epoch - 1) * run.batchesPerEpoch + run.batch;
      const total = run.epochs * run.batchesPerEpoch;
      const elapsed = (Date.now() - run.startedAt) / 1000;
      const left = done > 0 ? (elapsed / done) * (total - done) : Number.NaN;
      const head = run.status === 'paused' ? 'Paused at' : 'Epoch';
      return `${head} ${run.epoch}/${run.epochs} · batch ${run.batch}/${run.batchesPerEpoch} · ${Math.round(run.samplesPerSecond).toLocaleString()} samples/s · ${formatDuration(left)} left`;
    }
    case 'done':
      return `Finished in ${formatDuration(run.result?.seconds ?? 0)}.`;
    case 'stopped':
      return `Stopped after ${formatDuration(run.result?.seconds ?? 0)}; the weights trained so far are in the document.`;
    case 'failed':
      return 'The run failed.';
  }
}

export function TrainingPanel() {
  const run = useAppStore((s) => s.training);
  const changed = useAppStore(graphChangedSinceStart);
  const hasWeights = useAppStore((s) => !!s.weights && Object.keys(s.weights).length > 0);
  const selected = useAppStore(useShallow((s) => s.selectedNodeIds));
  const actions = useAppStore(
    useShallow((s) => ({
      start: s.startTraining,
      pause: s.pauseTraining,
      resume: s.resumeTraining,
      stop: s.stopTraining,
      setOptions: s.setTrainingOptions,
      register: s.registerTrainingActions,
      handle: s.handleTrainingEvent,
    })),
  );
  const [populationId, setPopulationId] = useState<string | null>(null);
  const [, tick] = useState(0);

  useEffect(() => api.onTrainingEvent(actions.handle), [actions.handle]);
  useEffect(
    () =>
      actions.register({
        train: () => void actions.start(),
        stop: () => void actions.stop(),
        isRunning: () => isActive(useAppStore.getState().training.status),
      }),
    [actions],
  );
  // The time-left estimate ages between events.
  useEffect(() => {
    if (run.status !== 'running') return;
    const timer = setInterval(() => tick((n) => n + 1), 1000);
    return () => clearInterval(timer);
  }, [run.status]);

  const populations = run.activity?.populations ?? [];
  const selectedPopulation = populations.find((p) => selected.includes(p.id));
  const population = selectedPopulation ?? populations.find((p) => p.id === populationId) ?? populations[0];
  const raster = useMemo(
    () =>
      population && run.activity
        ? {
            events: population.events,
            timeSteps: run.activity.timeSteps,
            units: population.size,
            samples: run.activity.samples,
          }
        : null,
    [population, run.activity],
  );
  const traces = (run.activity?.traces ?? []).filter((t) => t.populationId === population?.id).slice(0, 4);
  const traceX = useMemo(
    () => Array.from({ length: traces[0]?.values.length ?? 0 }, (_, i) => i),
    [traces[0]?.values.length],
  );
  const lossSeries = useMemo(
    () => [
      { label: 'batch', color: COLORS.batch, values: run.batchLoss },
      { label: 'train', color: COLORS.train, values: spread(run.batchX, run.epochX, run.epochTrainLoss) },
      { label: 'validation', color: COLORS.val, values: spread(run.batchX, run.epochX, run.epochValLoss) },
    ],
    [run.batchX, run.batchLoss, run.epochX, run.epochTrainLoss, run.epochValLoss],
  );
  const accSeries = useMemo(
    () => [
      { label: 'batch', color: COLORS.batch, values: run.batchAcc },
      { label: 'train', color: COLORS.train, values: spread(run.batchX, run.epochX, run.epochTrainAcc) },
      { label: 'validation', color: COLORS.val, values: spread(run.batchX, run.epochX, run.epochValAcc) },
    ],
    [run.batchX, run.batchAcc, run.epochX, run.epochTrainAcc, run.epochValAcc],
  );
  const active = isActive(run.status);

  return (
    <section className="training-panel" data-testid="training-panel" data-status={run.status}>
      <header className="training-bar">
        {!active && (
          <button type="button" className="primary" onClick={() => void actions.start()} data-testid="train">
            ▶ Train
          </button>
        )}
        {run.status === 'running' && (
          <button type="button" onClick={() => void actions.pause()} data-testid="pause">
            ❚❚ Pause
          </button>
        )}
        {run.status === 'paused' && (
          <button type="button" onClick={() => void actions.resume()} data-testid="resume">
            ▶ Resume
          </button>
        )}
        {active && (
          <button type="button" onClick={() => void actions.stop()} data-testid="stop">
            ■ Stop
          </button>
        )}
        <label className="field-inline" title="fast: hand-derived event-driven BPTT; reference: TensorFlow.js autodiff">
          Engine
          <select
            value={run.engine}
            disabled={active}
            onChange={(e) => actions.setOptions({ engine: e.target.value === 'reference' ? 'reference' : 'fast' })}
          >
            <option value="fast">fast</option>
            <option value="reference">reference</option>
          </select>
        </label>
        <label
          className="field-inline"
          title="Start from the weights stored in the document instead of a fresh initialisation"
        >
          <input
            type="checkbox"
            checked={run.resumeWeights}
            disabled={active || !hasWeights}
            onChange={(e) => actions.setOptions({ resumeWeights: e.target.checked })}
          />
          resume weights
        </label>
        <span className="training-status" data-testid="training-status">
          {statusLine(run)}
        </span>
        {run.backend && (
          <span className="badge" title={run.notes.join('\n')}>
            {run.backend}
          </span>
        )}
        {run.dropped > 0 && <span className="badge badge--muted">{run.dropped} frames dropped</span>}
        <span className="spacer" />
        <button
          type="button"
          disabled={run.batchX.length === 0}
          onClick={() => downloadFile('metrics.csv', metricsCsv(run), 'text/csv')}
        >
          CSV
        </button>
        <button
          type="button"
          disabled={run.batchX.length === 0}
          onClick={() => downloadFile('loss.svg', linesSvg('Loss', run.batchX, lossSeries), 'image/svg+xml')}
        >
          SVG
        </button>
        <button type="button" disabled={run.batchX.length === 0} onClick={savePlotsAsPng}>
          PNG
        </button>
      </header>
      {changed && active && (
        <div className="banner banner--warn" data-testid="graph-changed">
          The graph has changed since this run began; the run keeps training the graph as it was.
        </div>
      )}
      {run.error && (
        <div className="banner banner--error" role="alert" data-testid="training-error">
          {run.error}
        </div>
      )}
      <div className="training-plots">
        <LinePlot title="Loss" x={run.batchX} series={lossSeries} testId="loss-plot" />
        <LinePlot title="Accuracy" x={run.batchX} series={accSeries} testId="acc-plot" />
        <div className="plot-column">
          <div className="plot-tools">
            <select
              aria-label="Population"
              value={population?.id ?? ''}
              onChange={(e) => setPopulationId(e.target.value)}
              disabled={populations.length === 0}
            >
              {populations.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
            {population && <span className="muted">{population.rate.toFixed(1)} Hz mean rate</span>}
          </div>
          <SpikeRaster data={raster} label={population ? `Spikes: ${population.name}` : 'Spikes'} />
        </div>
        {traces.length > 0 ? (
          <LinePlot
            title={`Membrane: ${population?.name ?? ''}`}
            x={traceX}
            series={traces.map((t, i) => ({
              label: `#${t.neuron}`,
              color: COLORS.trace[i % 4] as string,
              values: Array.from(t.values),
            }))}
            testId="membrane-plot"
          />
        ) : (
          <RateHistogram counts={population?.counts ?? []} />
        )}
        {run.result?.confusion && (
          <div className="plot-column">
            <div className="result" data-testid="test-accuracy">
              Test accuracy {((run.result.testAcc ?? 0) * 100).toFixed(1)}%
            </div>
            <ConfusionMatrix matrix={run.result.confusion} />
          </div>
        )}
      </div>
    </section>
  );
}

/** Per-epoch values placed at their batch positions, nulls between, so they share the batch axis. */
function spread(batchX: number[], epochX: number[], values: (number | null)[]): (number | null)[] {
  const at = new Map(epochX.map((x, i) => [x, values[i] ?? null]));
  return batchX.map((x) => at.get(x) ?? null);
}

function RateHistogram({ counts: raw }: { counts: ArrayLike<number> }) {
  const counts = Array.from(raw);
  const bins = 20;
  const max = Math.max(1, ...counts);
  const hist = new Array<number>(bins).fill(0);
  for (const c of counts)
    hist[Math.min(bins - 1, Math.floor((c / max) * bins))] =
      (hist[Math.min(bins - 1, Math.floor((c / max) * bins))] ?? 0) + 1;
  const peak = Math.max(1, ...hist);
  return (
    <figure className="plot">
      <figcaption>Spike counts per neuron (0 – {max})</figcaption>
      <div className="histogram" data-testid="rate-histogram">
        {hist.map((h, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: bins are fixed by position.
          <div key={i} className="histogram__bar" style={{ height: `${(h / peak) * 100}%` }} title={`${h} neurons`} />
        ))}
      </div>
    </figure>
  );
}

function savePlotsAsPng() {
  for (const canvas of document.querySelectorAll<HTMLCanvasElement>('.training-panel canvas')) {
    const name = canvas.closest('figure')?.querySelector('figcaption')?.textContent ?? 'plot';
    canvas.toBlob(
      (blob) => blob && downloadFile(`${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.png`, blob, 'image/png'),
    );
  }
}
