// The application shell: toolbar, palette, canvas, inspector and problems, overlays.
import { useEffect } from 'react';
import { onConnectionState } from './api';
import { GraphCanvas } from './canvas/GraphCanvas';
import { useShortcuts } from './commands/useShortcuts';
import { Overlays } from './dialogs/Overlays';
import { openStartupDocument } from './files/fileActions';
import { Inspector } from './inspector/Inspector';
import { ConnectionBanner, useTheme } from './panels/chrome';
import { Palette } from './panels/Palette';
import { ProblemsList } from './panels/ProblemsList';
import { Toolbar } from './panels/Toolbar';
import { TrainingPanel } from './training/TrainingPanel';

export function App() {
  useShortcuts();
  useTheme();
  useEffect(openStartupDocument, []);
  return (
    <div className="app">
      <Toolbar>
        <ConnectionBanner subscribe={onConnectionState} />
      </Toolbar>
      <div className="workspace">
        <Palette />
        <main className="center">
          <GraphCanvas />
          <TrainingPanel />
        </main>
        <aside className="side-panel">
          <Inspector />
          <ProblemsList />
        </aside>
      </div>
      <Overlays />
    </div>
  );
}
