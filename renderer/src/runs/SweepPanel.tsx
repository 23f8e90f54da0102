// The Sweeps panel: plan a sweep over the document's numeric parameters (a grid, or random
// draws), run it on the local pool, follow it (progress, time left), stop and resume it
// (finished configurations are skipped), and read its results as a table and, for two swept
// parameters, a heatmap of the chosen metric (Zenke & Vogels 2021, Fig. 3), exportable as
// PNG, SVG and CSV. This file is the panel's frame (the form on the left, the chosen sweep on
// the right); the parts are SweepForm, SweepControls (the sweep's bar) and SweepResults.
import { useRunsStore } from './runsStore';
import { SweepControls } from './SweepControls';
import { SweepForm } from './SweepForm';
import { SweepResults } from './SweepResults';
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
