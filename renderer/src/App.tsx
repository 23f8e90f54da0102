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
import { RecoveryBanner } from './shell/RecoveryBanner';
import { useDesktopShell } from './shell/useDesktopShell';
import { TrainingPanel } from './training/TrainingPanel';

export function App() {
  useShortcuts();
  useDesktopShell();
  useTheme();
  useEffect(openStartupDocument, []);
  return (
    <div className="app">
      <Toolbar>
        <ConnectionBanner subscribe={onConnectionState} />
      </Toolbar>
      <RecoveryBanner />
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
