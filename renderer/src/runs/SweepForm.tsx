// The sweep form: the kind of sweep (a grid over listed values, or random draws), one row per
// swept parameter, the runs' budget (epochs, batches) and the sweep's name. It is checked as it
// is typed, with the same planning code as the CLI (sweepForm.ts), and says what it would start
// or what is wrong. The form's content lives in the runs store, so it survives a tab switch.
import { useMemo, useState } from 'react';
import { parseValues, type SweepableParam } from '../../../shared/api/sweepPlan';
import { nodesOfKind } from '../../../shared/graph/document';
import { useAppStore } from '../store';
import { useRunsStore } from './runsStore';
import {
  defaultForm,
  type GridRow,
  orderedParams,
  type RandomRow,
  type SweepFormState,
  suggestValues,
  sweepRequest,
} from './sweepForm';

export function SweepForm() {
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
  /** A form field's input: its value and what typing in it changes. */
  const bind = (key: 'count' | 'seed' | 'epochs' | 'maxBatches' | 'maxEvalBatches' | 'name') => ({
    value: form[key],
    onChange: (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value }),
  });

  /** Row `i` of `rows` as its component gets it: the row, and edits that put the rows back. */
  const rowEditing = <R,>(rows: R[], row: R, i: number, put: (rows: R[]) => void): RowProps<R> => ({
    row,
    params,
    onChange: (next) => put(rows.map((r, k) => (k === i ? next : r))),
    onRemove: () => put(rows.filter((_, k) => k !== i)),
  });

  const start = async () => {
    if (!result.ok) return;
    setStarting(true);
    await useRunsStore.getState().startSweep(result.request);
    setStarting(false);
  };
  const addParam = () => {
    if (!nextParam) return;
    if (form.mode === 'grid')
      setForm({ ...form, grid: [...form.grid, { path: nextParam.path, values: suggestValues(nextParam) }] });
    else
      setForm({
        ...form,
        random: [
          ...form.random,
          { path: nextParam.path, dist: 'uniform', lo: String(nextParam.value), hi: String(nextParam.value * 2 || 1) },
        ],
      });
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
            <GridAxis key={i} {...rowEditing(form.grid, row, i, (grid) => setForm({ ...form, grid }))} />
          ))
        : form.random.map((row, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place, by position.
            <RandomDraw key={i} {...rowEditing(form.random, row, i, (random) => setForm({ ...form, random }))} />
          ))}
      <button type="button" className="link" disabled={!nextParam} onClick={addParam} data-testid="sweep-add-param">
        + Add a parameter
      </button>
      {form.mode === 'random' && (
        <div className="sweep-settings">
          <label>
            Runs
            <input {...bind('count')} inputMode="numeric" />
          </label>
          <label>
            Random seed
            <input {...bind('seed')} inputMode="numeric" />
          </label>
        </div>
      )}
      <div className="sweep-settings">
        <label title="Epochs of each run (empty: the training node's own)">
          Epochs
          <input
            {...bind('epochs')}
            placeholder={String(training?.params.epochs ?? '')}
            inputMode="numeric"
            data-testid="sweep-epochs"
          />
        </label>
        <label title="At most this many training batches per epoch (empty: all of them)">
          Batches/epoch
          <input {...bind('maxBatches')} placeholder="all" inputMode="numeric" data-testid="sweep-max-batches" />
        </label>
        <label title="At most this many batches when evaluating (empty: the whole split)">
          Eval batches
          <input
            {...bind('maxEvalBatches')}
            placeholder="all"
            inputMode="numeric"
            data-testid="sweep-max-eval-batches"
          />
        </label>
        <label>
          Name
          <input
            {...bind('name')}
            placeholder={useAppStore.getState().metadata.name || 'sweep'}
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

interface RowProps<R> {
  row: R;
  params: SweepableParam[];
  onChange: (row: R) => void;
  onRemove: () => void;
}

/** The parameters a row can sweep, by their labels. */
function ParamOptions({ params }: { params: SweepableParam[] }) {
  return params.map((p) => (
    <option key={p.path} value={p.path}>
      {p.label}
    </option>
  ));
}

function RemoveRow({ row, onRemove }: { row: { path: string }; onRemove: () => void }) {
  return (
    <button type="button" className="icon" aria-label={`Remove ${row.path}`} onClick={onRemove}>
      ×
    </button>
  );
}

/** "3 values: 0.001, 0.01, 0.1" under a grid row, or nothing while the values do not parse. */
function valuesPreview(text: string): string {
  try {
    const values = parseValues(text.trim());
    return `${values.length} value${values.length === 1 ? '' : 's'}: ${values
      .slice(0, 6)
      .map((v) => String(Number(v.toPrecision(3))))
      .join(', ')}${values.length > 6 ? ', …' : ''}`;
  } catch {
    return '';
  }
}

/** A grid row: a parameter and the values it takes (choosing a parameter suggests values for it). */
function GridAxis({ row, params, onChange, onRemove }: RowProps<GridRow>) {
  return (
    <div className="sweep-row" data-testid="sweep-axis">
      <select
        aria-label="Parameter"
        value={row.path}
        title={params.find((p) => p.path === row.path)?.label ?? row.path}
        onChange={(e) => {
          const p = params.find((q) => q.path === e.target.value);
          onChange({ path: e.target.value, values: p ? suggestValues(p) : row.values });
        }}
        data-testid="sweep-axis-param"
      >
        <ParamOptions params={params} />
      </select>
      <input
        aria-label={`Values of ${row.path}`}
        value={row.values}
        spellCheck={false}
        title="A list (1e-3,2e-3), log:LOW:HIGH:N (log-spaced), lin:LOW:HIGH:N, or range:0:3 (whole numbers)"
        onChange={(e) => onChange({ ...row, values: e.target.value })}
        data-testid="sweep-axis-values"
      />
      <RemoveRow row={row} onRemove={onRemove} />
      <span className="sweep-row__hint">{valuesPreview(row.values)}</span>
    </div>
  );
}

/** A random-search row: a parameter, the distribution it is drawn from, and that range's ends. */
function RandomDraw({ row, params, onChange, onRemove }: RowProps<RandomRow>) {
  return (
    <div className="sweep-row sweep-row--random" data-testid="sweep-draw">
      <select aria-label="Parameter" value={row.path} onChange={(e) => onChange({ ...row, path: e.target.value })}>
        <ParamOptions params={params} />
      </select>
      <select
        aria-label="Distribution"
        value={row.dist}
        onChange={(e) => onChange({ ...row, dist: e.target.value as RandomRow['dist'] })}
      >
        <option value="loguniform">log-uniform</option>
        <option value="uniform">uniform</option>
        <option value="int">integers</option>
      </select>
      <input aria-label="Low end" value={row.lo} onChange={(e) => onChange({ ...row, lo: e.target.value })} />
      <input aria-label="High end" value={row.hi} onChange={(e) => onChange({ ...row, hi: e.target.value })} />
      <RemoveRow row={row} onRemove={onRemove} />
    </div>
  );
}
