// What an empty canvas says: how to start — an example to open, or a node to drag in.
import { useEffect, useState } from 'react';
import { api } from '../api';
import { openExample } from '../files/fileActions';

type Example = { id: string; name: string; description: string };

export function EmptyCanvas() {
  const [examples, setExamples] = useState<Example[]>([]);
  useEffect(() => {
    let alive = true;
    api
      .listExamples({})
      .then((list) => alive && setExamples(list))
      .catch(() => {});
    return () => {
      alive = false;
    };
  }, []);
  return (
    <div className="empty-canvas" data-testid="empty-canvas">
      <div className="empty-canvas__box">
        <h2>Start a network</h2>
        <p>
          Drag a node from the palette on the left onto the canvas (or double-click here to search), then connect an
          output handle to an input. Or open an example:
        </p>
        <div className="empty-canvas__cards">
          {examples.map((ex) => (
            <button
              key={ex.id}
              type="button"
              className="empty-canvas__card"
              onClick={() => void openExample(ex.id)}
              data-testid={`empty-example-${ex.id}`}
            >
              <strong>{ex.name}</strong>
              <span>{ex.description}</span>
            </button>
          ))}
        </div>
        <p className="muted">Press F1 for a short guide.</p>
      </div>
    </div>
  );
}
