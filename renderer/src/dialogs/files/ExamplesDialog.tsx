// The examples: a card per example network (from the backend's list); choosing one opens it.
import { useEffect, useState } from 'react';
import { api } from '../../api';
import { openExample } from '../../files/fileActions';
import { Modal } from '../Modal';
import { closeDialog } from './parts';

type Example = { id: string; name: string; description: string };

export function ExamplesDialog() {
  const [examples, setExamples] = useState<Example[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api
      .listExamples({})
      .then(setExamples)
      .catch((e: Error) => setError(e.message));
  }, []);
  return (
    <Modal title="Examples" testId="examples-dialog" width={620}>
      {error && <div className="dialog-error">{error}</div>}
      {!examples && !error && <div className="dialog-loading">Loading…</div>}
      <div className="example-grid">
        {examples?.map((ex) => (
          <button
            key={ex.id}
            type="button"
            className="example-card"
            data-testid={`example-${ex.id}`}
            onClick={() => {
              closeDialog();
              void openExample(ex.id);
            }}
          >
            <span className="example-card__name">{ex.name}</span>
            <span className="example-card__desc">{ex.description}</span>
          </button>
        ))}
      </div>
    </Modal>
  );
}
