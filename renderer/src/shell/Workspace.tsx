// The workspace: palette | (canvas over the bottom panel) | inspector and problems, each
// boundary a resizable separator (react-resizable-panels), each side panel collapsible, the
// sizes remembered between sessions. The bottom panel holds tabs (see panelTabs.tsx); its
// Maximize button lets the training view take the window.
import { useEffect } from 'react';
import { Group, Panel, Separator, useDefaultLayout } from 'react-resizable-panels';
import { GraphCanvas } from '../canvas/GraphCanvas';
import { Inspector } from '../inspector/Inspector';
import { Palette } from '../panels/Palette';
import { ProblemsList } from '../panels/ProblemsList';
import { useAppStore } from '../store';
import { registerPanel, setMaximized } from './layoutControls';
import { bottomTabs } from './panelTabs';
import './workspace.css';

export function Workspace() {
  const maximized = useAppStore((s) => s.bottomMaximized);
  const outer = useDefaultLayout({
    id: 'spikewright.layout.workspace',
    panelIds: ['pane-palette', 'pane-center', 'pane-side'],
  });
  const inner = useDefaultLayout({ id: 'spikewright.layout.center', panelIds: ['pane-canvas', 'pane-bottom'] });

  useEffect(() => setMaximized(maximized), [maximized]);

  return (
    <Group
      orientation="horizontal"
      className="workspace"
      id="workspace"
      defaultLayout={outer.defaultLayout}
      onLayoutChanged={outer.onLayoutChanged}
    >
      <Panel
        id="pane-palette"
        className="workspace__panel"
        defaultSize={180}
        minSize={150}
        maxSize={320}
        collapsible
        collapsedSize={0}
        panelRef={(handle) => registerPanel('palette', handle)}
      >
        <Palette />
      </Panel>
      <Separator className="separator separator--vertical" aria-label="Resize the node palette" />
      <Panel id="pane-center" className="workspace__panel" minSize={240}>
        <Group
          orientation="vertical"
          className="center"
          id="center-group"
          defaultLayout={inner.defaultLayout}
          onLayoutChanged={inner.onLayoutChanged}
        >
          <Panel
            id="pane-canvas"
            className="workspace__panel"
            minSize={120}
            collapsible
            collapsedSize={0}
            panelRef={(handle) => registerPanel('canvas', handle)}
            onResize={(size) => {
              if (size.inPixels > 0 && useAppStore.getState().bottomMaximized)
                useAppStore.getState().setBottomMaximized(false);
            }}
          >
            <GraphCanvas />
          </Panel>
          <Separator className="separator separator--horizontal" aria-label="Resize the bottom panel" />
          <Panel
            id="pane-bottom"
            className="workspace__panel"
            defaultSize="45%"
            minSize={160}
            collapsible
            collapsedSize={34}
            panelRef={(handle) => registerPanel('bottom', handle)}
          >
            <BottomPanel />
          </Panel>
        </Group>
      </Panel>
      <Separator className="separator separator--vertical" aria-label="Resize the inspector" />
      <Panel
        id="pane-side"
        className="workspace__panel"
        defaultSize={300}
        minSize={240}
        maxSize={560}
        collapsible
        collapsedSize={0}
        panelRef={(handle) => registerPanel('side', handle)}
      >
        <aside className="side-panel">
          <Inspector />
          <ProblemsList />
        </aside>
      </Panel>
    </Group>
  );
}

function BottomPanel() {
  const active = useAppStore((s) => s.bottomTab);
  const maximized = useAppStore((s) => s.bottomMaximized);
  const setTab = useAppStore((s) => s.setBottomTab);
  const setMax = useAppStore((s) => s.setBottomMaximized);
  const tab = bottomTabs.find((t) => t.id === active) ?? bottomTabs[0];
  return (
    <section className="bottom-panel" data-testid="bottom-panel" data-maximized={maximized}>
      <div className="tab-strip" role="tablist" aria-label="Panels">
        {bottomTabs.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            aria-selected={t.id === tab?.id}
            aria-controls={`tabpanel-${t.id}`}
            className={`tab${t.id === tab?.id ? ' is-active' : ''}`}
            title={t.title}
            onClick={() => setTab(t.id)}
            data-testid={`tab-${t.id}`}
          >
            {t.label}
          </button>
        ))}
        <span className="tab-strip__spacer" />
        <button
          type="button"
          className="tool-button"
          onClick={() => setMax(!maximized)}
          title={maximized ? 'Give the canvas back (Ctrl+Shift+M)' : 'Let this panel take the window (Ctrl+Shift+M)'}
          aria-pressed={maximized}
          data-testid="maximize-bottom"
        >
          {maximized ? '⤡ Restore' : '⤢ Maximize'}
        </button>
      </div>
      {tab && (
        <div className="tab-panel" role="tabpanel" id={`tabpanel-${tab.id}`} aria-labelledby={`tab-${tab.id}`}>
          <tab.Component />
        </div>
      )}
    </section>
  );
}
