// The application shell: toolbar, canvas and side panel.
import { useEffect, useState } from 'react';
import { api, onConnectionState } from './api';
import { GraphCanvas } from './canvas/GraphCanvas';
import { isDirty, useAppStore } from './store';

export function App() {
  const fileName = useAppStore((s) => s.fileName);
  const dirty = useAppStore(isDirty);
  const [error, setError] = useState<string | null>(null);
  const [connection, setConnection] = useState<'connecting' | 'open' | 'closed'>('open');

  useEffect(() => {
    onConnectionState(setConnection);
    api
      .openExample({ id: 'randman' })
      .then((opened) => setError(useAppStore.getState().openText(opened.text, opened.path, opened.name)))
      .catch((e: Error) => setError(e.message));
  }, []);

  return (
    <div className="app">
      <header className="toolbar">
        <span className="brand">Spikeforge</span>
        <span className="file-name" data-testid="file-name">
          {fileName}
          {dirty ? ' •' : ''}
        </span>
        {connection === 'closed' && (
          <span className="banner banner--warn">Connection to the backend lost; retrying…</span>
        )}
      </header>
      {error && (
        <div className="banner banner--error" role="alert">
          {error}
        </div>
      )}
      <main className="workspace">
        <GraphCanvas />
      </main>
    </div>
  );
}
