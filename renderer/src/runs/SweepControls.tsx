// A sweep's bar: how far it is (progress, counts, time left, how many run at once) and what can
// be done with it (stop it, resume what is left, delete it after a confirmation).
import type { SweepStatus } from '../../../shared/api/runs';
import { useAppStore } from '../store';
import { formatDuration } from './runCompare';
import { useRunsStore } from './runsStore';

export function SweepControls({ sweep }: { sweep: SweepStatus }) {
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
        {statusWords(sweep)}
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

/** "5/12 done, 1 failed, 2 running · about 3 min left · 2 at once × 1 thread". */
function statusWords(sweep: SweepStatus): string {
  const { counts } = sweep;
  const eta = sweep.active
    ? sweep.etaSeconds === null
      ? ' · estimating time left…'
      : ` · about ${formatDuration(sweep.etaSeconds)} left`
    : '';
  return (
    `${counts.done}/${sweep.plan.configs.length} done` +
    (counts.failed ? `, ${counts.failed} failed` : '') +
    (counts.running ? `, ${counts.running} running` : '') +
    (counts.stopped ? `, ${counts.stopped} stopped` : '') +
    eta +
    (sweep.active && sweep.jobs ? ` · ${sweep.jobs} at once × ${sweep.threadsPerRun ?? 1} thread` : '')
  );
}
