// What the Runs panel shows of recorded runs, pure: a run's duration and final figures in
// words, the curves of several runs overlaid (loss per batch, accuracy per epoch) and the
// settings in which they differ. Tested in runCompare.test.ts.
import type { RunDetail, RunSummary } from '../../../shared/api/runs';
import type { Figure, LineSeries } from '../plots/figure';

type Scalar = number | string | boolean | null;

/** `42 s`, `3 min 05 s`, `1 h 02 min`; an em dash when unknown. */
export function formatDuration(seconds: number | undefined | null): string {
  if (seconds === undefined || seconds === null || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

export const formatPercent = (v: number | undefined | null) =>
  v === undefined || v === null || !Number.isFinite(v) ? '—' : `${(v * 100).toFixed(1)}%`;

/** How long a run has taken: its recorded seconds, or the time since it started while it runs. */
export function runSeconds(run: Pick<RunSummary, 'seconds' | 'startedAt' | 'status'>, now = Date.now()): number | null {
  if (run.seconds !== undefined) return run.seconds;
  if (run.status === 'running') return (now - Date.parse(run.startedAt)) / 1000;
  return null;
}

/**
 * A short, distinct label per run for legends: its name; where names repeat, what sets the run
 * apart (the first two differing settings, `learningRate=0.01`), else the end of its id.
 */
export function runLabels(
  runs: readonly Pick<RunSummary, 'name' | 'id'>[],
  differences: readonly SettingRow[] = [],
): string[] {
  const counts = new Map<string, number>();
  for (const r of runs) counts.set(r.name, (counts.get(r.name) ?? 0) + 1);
  return runs.map((r, i) => {
    if ((counts.get(r.name) ?? 0) < 2) return r.name;
    const apart = differences
      .slice(0, 2)
      .map((d) => `${d.key.slice(d.key.lastIndexOf('.') + 1)}=${formatSetting(d.values[i])}`)
      .join(' ');
    return apart ? `${r.name} ${apart}` : `${r.name} (${r.id.slice(-11)})`;
  });
}

/** When a run started: the time of day for today's runs, else the date and time. */
export function startedWords(startedAt: string, now = Date.now()): string {
  const d = new Date(startedAt);
  const today = new Date(now);
  const time = d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  if (d.toDateString() === today.toDateString()) return time;
  return `${d.toLocaleDateString(undefined, { day: 'numeric', month: 'short' })} ${time.slice(0, 5)}`;
}

/** The loss of every batch of each run, on one axis of batches since the start of the run. */
export function overlayLossFigure(
  details: readonly RunDetail[],
  colors: readonly string[],
  labels: readonly string[] = runLabels(details.map((d) => d.run)),
): Figure | null {
  if (!details.length) return null;
  const perRun = details.map((d) => {
    const per = d.run.batchesPerEpoch ?? Math.max(1, ...d.batches.map((b) => b.batch));
    const out: (number | null)[] = [];
    for (const b of d.batches) out[(b.epoch - 1) * per + (b.batch - 1)] = b.loss;
    return out;
  });
  const length = Math.max(0, ...perRun.map((v) => v.length));
  if (length === 0) return null;
  const x = Array.from({ length }, (_, i) => i + 1);
  const series: LineSeries[] = perRun.map((values, i) => ({
    label: labels[i] as string,
    color: colors[i % colors.length] as string,
    values: x.map((_, k) => values[k] ?? null),
    width: 1.5,
  }));
  return { kind: 'lines', title: 'Loss per batch', xLabel: 'Batch (over the run)', yLabel: 'Loss', x, series };
}

/** Training accuracy (solid) and validation accuracy (dashed) per epoch, in percent. */
export function overlayAccuracyFigure(
  details: readonly RunDetail[],
  colors: readonly string[],
  labels: readonly string[] = runLabels(details.map((d) => d.run)),
): Figure | null {
  if (!details.length) return null;
  const length = Math.max(0, ...details.map((d) => Math.max(0, ...d.epochs.map((e) => e.epoch))));
  if (length === 0) return null;
  const x = Array.from({ length }, (_, i) => i + 1);
  const series: LineSeries[] = [];
  details.forEach((d, i) => {
    const color = colors[i % colors.length] as string;
    const at = new Map(d.epochs.map((e) => [e.epoch, e]));
    series.push({
      label: `${labels[i]} train`,
      color,
      values: x.map((e) => {
        const v = at.get(e)?.trainAcc;
        return v === undefined ? null : v * 100;
      }),
      width: 2,
    });
    if (d.epochs.some((e) => e.valAcc !== undefined))
      series.push({
        label: `${labels[i]} validation`,
        color,
        dashed: true,
        values: x.map((e) => {
          const v = at.get(e)?.valAcc;
          return v === undefined ? null : v * 100;
        }),
        width: 1.5,
      });
  });
  return {
    kind: 'lines',
    title: 'Accuracy per epoch',
    xLabel: 'Epoch',
    yLabel: 'Accuracy (%)',
    x,
    series,
    yDomain: [0, 100],
  };
}

export interface SettingRow {
  key: string;
  values: (Scalar | undefined)[];
}

/**
 * The settings (graph parameters as `<node>.<parameter>`, run settings as `run.<name>`) whose
 * values are not the same in every run, sorted by key. Missing in one run counts as different.
 */
export function differingSettings(settings: readonly Record<string, Scalar>[]): SettingRow[] {
  if (settings.length < 2) return [];
  const keys = [...new Set(settings.flatMap((s) => Object.keys(s)))].sort();
  return keys
    .map((key) => ({ key, values: settings.map((s) => (Object.hasOwn(s, key) ? s[key] : undefined)) }))
    .filter((row) => row.values.some((v) => v !== row.values[0]));
}

export const formatSetting = (v: Scalar | undefined): string =>
  v === undefined ? '(none)' : v === null ? '—' : typeof v === 'number' ? String(Number(v.toPrecision(6))) : String(v);
