// Validation problems of the whole graph; clicking one selects and centres what it concerns.
import { useState } from 'react';
import type { Problem } from '../../../shared/graph/validate';
import { canvasControls } from '../canvas/canvasControls';
import { problemsOf } from '../graph/problems';
import { useAppStore } from '../store';

function reveal(problem: Problem) {
  const target = problem.target;
  if (!target) return;
  const state = useAppStore.getState();
  if (target.type === 'node') {
    state.setSelection([target.id], []);
    canvasControls()?.centerOnNode(target.id);
  } else {
    state.setSelection([], [target.id]);
    canvasControls()?.centerOnEdge(target.id);
  }
}

export function ProblemsList() {
  const graph = useAppStore((s) => s.graph);
  const [open, setOpen] = useState(true);
  const { all, errors, warnings } = problemsOf(graph);
  return (
    <section className={`problems${open ? ' is-open' : ''}`} data-testid="problems" aria-label="Problems">
      <button type="button" className="problems__head" onClick={() => setOpen(!open)} aria-expanded={open}>
        <span className="panel-title">Problems</span>
        <span className={`count-pill${errors ? ' count-pill--error' : ''}`} data-testid="problem-errors">
          {errors} {errors === 1 ? 'error' : 'errors'}
        </span>
        {warnings > 0 && <span className="count-pill count-pill--warning">{warnings} warn.</span>}
        <span className="problems__chevron">{open ? '▾' : '▸'}</span>
      </button>
      {open && (
        <ul className="problems__list">
          {all.length === 0 && <li className="problems__none">No problems: this network can be trained.</li>}
          {all.map((p, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: problems have no identity; the list is rebuilt on each edit.
            <li key={i}>
              <button
                type="button"
                className={`problem problem--${p.severity}`}
                data-testid="problem"
                onClick={() => reveal(p)}
                disabled={!p.target}
              >
                <span className="problem__icon">{p.severity === 'error' ? '●' : '▲'}</span>
                <span>{p.message}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
