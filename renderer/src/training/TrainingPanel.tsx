// The training view: start, pause, resume and stop a run, and watch it learn. The bar says
// which phase the run is in (and why Train is unavailable); below it every figure of the run
// (curves, the raster of every population, membrane traces, firing rates, weight and gradient
// norms per connection, the test confusion matrix), each with titled axes and its own export.
import { Fragment, useEffect, useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { api } from '../api';
import { downloadFile } from '../files/download';
import { exportAllFigures, exportBase } from '../plots/exportFigures';
import { FigureView, usePlotTheme } from '../plots/FigureView';
import type { Figure } from '../plots/figure';
import { useAppStore } from '../store';
import { metricsCsv } from './metricsExport';
import {
  accuracyFigure,
  confusionFigure,
  darkColors,
  lightColors,
  lossFigure,
  membraneFigure,
  normFigure,
  rasterFigure,
  rateFigure,
} from './runFigures';
import { engineWords, frameWords, savedRunText, statusText, trainBlocker } from './trainStatus';
import '../shell/panelButtons.css';
import './training.css';
import { graphChangedSinceStart, isActive, runOfSaved } from './trainingSlice';

/**
 * The status sentence with each short "·" part kept on one line, so it wraps between parts
 * ("batch 14/32 · 6 min 15 s left"), never inside one ("6 / min 15 s left").
 */
function StatusParts({ text }: { text: string }) {
  const parts = text.split(' · ');
  return (
    <>
      {parts.map((part, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one sentence, in order.
        <Fragment key={i}>
          {i > 0 && ' · '}
          <span className={part.length <= 40 ? 'training-status__part' : undefined}>{part}</span>
        </Fragment>
      ))}
    </>
  );
}

/**
 * A figure's own picker (which sample the raster shows, which population the traces); with one
 * choice or none there is nothing to pick, and no picker.
 */
function FigureSelect({
  label,
  value,
  options,
  onChange,
}: {
  label: string;
  value: string;
  options: { value: string; label: string }[];
  onChange: (value: string) => void;
}) {
  if (options.length < 2) return null;
  return (
    <select aria-label={label} className="figure__select" value={value} onChange={(e) => onChange(e.target.value)}>
      {options.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </select>
  );
}

/** A saved run's figures say so in their titles (and so in their exports). */
function mark<F extends Figure | null>(figure: F, fromFile: boolean): F {
  return fromFile && figure ? { ...figure, title: `${figure.title} · saved run` } : figure;
}

export function TrainingPanel() {
  const live = useAppStore((s) => s.training);
  const lastRun = useAppStore((s) => s.lastRun);
  // Until a run starts, the view shows the run saved with the document (if it has one).
  const saved = live.status === 'idle' && lastRun ? lastRun : null;
  const savedView = useMemo(() => (saved ? runOfSaved(saved, live.engine) : null), [saved, live.engine]);
  const run = savedView ?? live;
  const graph = useAppStore((s) => s.graph);
  const fileName = useAppStore((s) => s.fileName);
  const changed = useAppStore(graphChangedSinceStart);
  const hasWeights = useAppStore((s) => !!s.weights && Object.keys(s.weights).length > 0);
  const selected = useAppStore(useShallow((s) => s.selectedNodeIds));
  const dark = useAppStore((s) => s.theme === 'dark');
  const theme = usePlotTheme();
  const actions = useAppStore(
    useShallow((s) => ({
      start: s.startTraining,
      pause: s.pauseTraining,
      resume: s.resumeTraining,
      stop: s.stopTraining,
      setOptions: s.setTrainingOptions,
      register: s.registerTrainingActions,
      handle: s.handleTrainingEvent,
      dismiss: s.dismissTrainingError,
    })),
  );
  const [populationId, setPopulationId] = useState<string | null>(null);
  const [sample, setSample] = useState(0);
  const [now, setNow] = useState(Date.now());

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
    if (live.status !== 'running') return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [live.status]);

  const colors = dark ? darkColors : lightColors;
  const traced = useMemo(() => {
    const ids = new Set((run.activity?.traces ?? []).map((t) => t.populationId));
    return (run.activity?.populations ?? []).filter((p) => ids.has(p.id));
  }, [run.activity]);
  const tracedId =
    traced.find((p) => selected.includes(p.id))?.id ??
    traced.find((p) => p.id === populationId)?.id ??
    traced[0]?.id ??
    null;
  const samples = run.activity?.samples ?? 0;
  const shownSample = Math.min(sample, Math.max(0, samples - 1));

  const { activity, normX, norms, result } = run;
  const fromFile = saved !== null;
  const loss = useMemo(() => mark(lossFigure(run, colors), fromFile), [run, colors, fromFile]);
  const accuracy = useMemo(() => mark(accuracyFigure(run, colors), fromFile), [run, colors, fromFile]);
  const raster = useMemo(
    () => rasterFigure(activity, graph, colors, shownSample),
    [activity, graph, colors, shownSample],
  );
  const membrane = useMemo(
    () => (tracedId ? membraneFigure(activity, graph, colors, tracedId) : null),
    [activity, graph, colors, tracedId],
  );
  const rates = useMemo(() => rateFigure(activity, graph, colors), [activity, graph, colors]);
  const weights = useMemo(
    () => mark(normFigure({ normX, norms }, graph, colors, 'weight'), fromFile),
    [normX, norms, graph, colors, fromFile],
  );
  const grads = useMemo(
    () => mark(normFigure({ normX, norms }, graph, colors, 'grad'), fromFile),
    [normX, norms, graph, colors, fromFile],
  );
  const confusion = useMemo(() => mark(confusionFigure(result, graph), fromFile), [result, graph, fromFile]);
  const hasData = run.batchX.length > 0;
  const figures = [loss, accuracy, raster, membrane, rates, weights, grads, confusion].filter(
    (f): f is Figure => f !== null && (f !== loss && f !== accuracy ? true : hasData),
  );

  const active = isActive(live.status);
  const blocker = trainBlocker(graph);
  const engine = engineWords(live);
  const frames = frameWords(live);
  const status = saved && !live.refused ? savedRunText(saved) : statusText(live, now);
  const noActivity = saved
    ? 'Spikes, membrane potentials and firing rates are live only: train to see them. The saved run keeps its curves and test figures.'
    : null;
  const base = exportBase(fileName);
  const exportAll = (format: 'png' | 'svg') =>
    void exportAllFigures(`${fileName}: training`, figures, format, base, theme).then((name) =>
      useAppStore.getState().showToast(`Exported ${name}`),
    );

  return (
    <section
      className="training-panel"
      data-testid="training-panel"
      data-status={live.status}
      data-pending={live.pending ?? ''}
      data-showing={saved ? 'saved-run' : 'live'}
    >
      <header className="training-bar" data-testid="training-bar">
        <div className="training-bar__group">
          {!active && (
            // A disabled button gets no pointer events, so its wrapper carries the tooltip.
            <span title={blocker ?? 'Start a run (Ctrl+Enter)'} data-testid="train-tooltip">
              <button
                type="button"
                className="primary"
                onClick={() => void actions.start()}
                disabled={blocker !== null}
                aria-describedby={blocker ? 'train-blocker' : undefined}
                data-testid="train"
              >
                ▶ Train
              </button>
            </span>
          )}
          {live.status === 'running' && (
            <button
              type="button"
              onClick={() => void actions.pause()}
              disabled={live.pending !== null}
              data-testid="pause"
            >
              {live.pending === 'pausing' ? 'Pausing…' : '❚❚ Pause'}
            </button>
          )}
          {live.status === 'paused' && (
            <button type="button" onClick={() => void actions.resume()} data-testid="resume">
              ▶ Resume
            </button>
          )}
          {active && (
            <button
              type="button"
              onClick={() => void actions.stop()}
              disabled={live.pending === 'stopping'}
              data-testid="stop"
            >
              {live.pending === 'stopping' ? 'Stopping…' : '■ Stop'}
            </button>
          )}
          <label
            className="field-inline"
            title="Fast: hand-derived event-driven BPTT. Reference: TensorFlow.js automatic differentiation (slower; for checking)."
          >
            Engine
            <select
              value={live.engine}
              disabled={active}
              onChange={(e) => actions.setOptions({ engine: e.target.value === 'reference' ? 'reference' : 'fast' })}
              data-testid="engine"
            >
              <option value="fast">fast</option>
              <option value="reference">reference</option>
            </select>
          </label>
          <label
            className="field-inline"
            title={
              hasWeights
                ? 'Start from the weights stored in the document instead of a fresh initialisation'
                : 'The document has no trained weights yet'
            }
          >
            <input
              type="checkbox"
              checked={live.resumeWeights}
              disabled={active || !hasWeights}
              onChange={(e) => actions.setOptions({ resumeWeights: e.target.checked })}
              data-testid="resume-weights"
            />
            resume weights
          </label>
        </div>
        <div className="training-bar__group training-bar__exports">
          <span className="muted">Export all</span>
          <button type="button" disabled={!hasData} onClick={() => exportAll('png')} data-testid="export-all-png">
            PNG
          </button>
          <button type="button" disabled={!hasData} onClick={() => exportAll('svg')} data-testid="export-all-svg">
            SVG
          </button>
          <button
            type="button"
            disabled={!hasData}
            onClick={() => downloadFile(`${base}-metrics.csv`, metricsCsv(run), 'text/csv')}
            title="Every batch's and epoch's loss and accuracy as CSV"
            data-testid="export-all-csv"
          >
            CSV
          </button>
        </div>
        {/* Row two: what the run is doing, in full (it wraps, never cut), and where it runs. */}
        <div className="training-bar__info">
          <span className="training-status" data-testid="training-status" title={status}>
            {!active && blocker ? (
              <span className="training-status__blocked" id="train-blocker" data-testid="train-blocker">
                {blocker}
              </span>
            ) : live.refused && !active ? (
              <span className="training-status__blocked" data-testid="train-refused">
                {status}
              </span>
            ) : (
              <>
                {saved && (
                  <span className="chip chip--muted training-status__saved" data-testid="saved-run">
                    saved with the document
                  </span>
                )}
                <StatusParts text={status} />
              </>
            )}
          </span>
          {engine && (
            <span className="chip" title={live.notes.join('\n') || undefined} data-testid="engine-chip">
              {engine}
            </span>
          )}
          {frames && (
            <span
              className="chip chip--muted"
              title="The worker skips live snapshots while the window is busy drawing; training itself is not slowed."
              data-testid="frames-chip"
            >
              {frames}
            </span>
          )}
        </div>
      </header>
      {changed && active && (
        <div className="banner banner--warn" data-testid="graph-changed">
          The graph has changed since this run began; the run keeps training the graph as it was.
        </div>
      )}
      {live.stalled && active && (
        <div className="banner banner--warn" role="alert" data-testid="training-stalled">
          {live.stalled}
        </div>
      )}
      {live.error && (
        <div className="banner banner--error training-error" role="alert" data-testid="training-error">
          <span>{live.error}</span>
          <button type="button" className="banner__close" onClick={actions.dismiss} aria-label="Dismiss">
            ×
          </button>
        </div>
      )}
      <div className="figures" data-testid="figures">
        <FigureView
          id="loss"
          title="Loss"
          figure={hasData ? loss : null}
          empty="The loss of every batch appears here while the network trains."
        />
        <FigureView
          id="accuracy"
          title="Accuracy"
          figure={hasData ? accuracy : null}
          empty="Training and validation accuracy appear here."
        />
        <FigureView
          id="raster"
          title="Spike raster"
          figure={raster}
          empty={noActivity ?? 'Spikes of every population, on one time axis, once training starts.'}
          tools={
            <FigureSelect
              label="Sample"
              value={String(shownSample)}
              options={Array.from({ length: samples }, (_, i) => ({ value: String(i), label: `sample ${i + 1}` }))}
              onChange={(value) => setSample(Number(value))}
            />
          }
        />
        <FigureView
          id="membrane"
          title="Membrane potential"
          figure={membrane}
          empty={noActivity ?? 'Membrane potentials of a few neurons; select a population to see its own.'}
          tools={
            <FigureSelect
              label="Population"
              value={tracedId ?? ''}
              options={traced.map((p) => ({ value: p.id, label: p.name }))}
              onChange={setPopulationId}
            />
          }
        />
        <FigureView
          id="rates"
          title="Firing rates"
          figure={rates}
          empty={noActivity ?? 'How many neurons of each population fire at which rate.'}
        />
        <FigureView
          id="weights"
          title="Weight norm per connection"
          figure={weights}
          empty="The size of each connection's weights over the run."
        />
        {grads && (
          <FigureView
            id="gradients"
            title="Gradient norm per connection"
            figure={grads}
            empty="The size of each connection's gradient."
          />
        )}
        <FigureView
          id="confusion"
          title="Confusion matrix"
          figure={confusion}
          empty="When a run finishes, true against predicted classes on the test set."
        />
      </div>
    </section>
  );
}
