// The application shell: the toolbar, the resizable workspace (palette, canvas, bottom panel,
// inspector and problems) and the overlays.
import { useEffect } from 'react';
import { onConnectionState } from './api';
import { useShortcuts } from './commands/useShortcuts';
import { Overlays } from './dialogs/Overlays';
import { openStartupDocument } from './files/fileActions';
import { ConnectionBanner, useTheme } from './panels/chrome';
import { Toolbar } from './panels/Toolbar';
import { RecoveryBanner } from './shell/RecoveryBanner';
import { useDesktopShell } from './shell/useDesktopShell';
import { Workspace } from './shell/Workspace';

export function App() {
  useShortcuts();
  useDesktopShell();
  useTheme();
  useEffect(() => void openStartupDocument(), []);
  return (
    <div className="app">
      <Toolbar>
        <ConnectionBanner subscribe={onConnectionState} />
      </Toolbar>
      <RecoveryBanner />
      <Workspace />
      <Overlays />
    </div>
  );
}
