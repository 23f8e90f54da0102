// The workspace: palette | (canvas over the bottom panel) | inspector and problems, each
// boundary a resizable separator (react-resizable-panels), each side panel collapsible, the
// sizes remembered between sessions. The bottom panel holds tabs (see panelTabs.tsx); its
// Maximize button lets the training view take the window.
import { type ComponentProps, useEffect } from 'react';
import { Group, Panel, Separator, useDefaultLayout } from 'react-resizable-panels';
import { GraphCanvas } from '../canvas/GraphCanvas';
import { Inspector } from '../inspector/Inspector';
import { Palette } from '../panels/Palette';
import { ProblemsList } from '../panels/ProblemsList';
import { useAppStore } from '../store';
import { type PanelId, registerPanel, setMaximized } from './layoutControls';
import { bottomTabs } from './panelTabs';
import './workspace.css';

export function Workspace() {
  const maximized = useAppStore((s) => s.bottomMaximized);
  useEffect(() => setMaximized(maximized), [maximized]);

  return (
    <RememberedGroup
      storageId="spikewright.layout.workspace"
      panelIds={['pane-palette', 'pane-center', 'pane-side']}
      orientation="horizontal"
      className="workspace"
      id="workspace"
    >
      <CollapsiblePane pane="palette" defaultSize={180} minSize={150} maxSize={320} collapsedSize={0}>
        <Palette />
      </CollapsiblePane>
      <Separator className="separator separator--vertical" aria-label="Resize the node palette" />
      <Panel id="pane-center" className="workspace__panel" minSize={240}>
        <RememberedGroup
          storageId="spikewright.layout.center"
          panelIds={['pane-canvas', 'pane-bottom']}
          orientation="vertical"
          className="center"
          id="center-group"
        >
          <CollapsiblePane
            pane="canvas"
            minSize={120}
            collapsedSize={0}
            onResize={(size) => {
              if (size.inPixels > 0 && useAppStore.getState().bottomMaximized)
                useAppStore.getState().setBottomMaximized(false);
            }}
          >
            <GraphCanvas />
          </CollapsiblePane>
          <Separator className="separator separator--horizontal" aria-label="Resize the bottom panel" />
          <CollapsiblePane pane="bottom" defaultSize="45%" minSize={160} collapsedSize={34}>
            <BottomPanel />
          </CollapsiblePane>
        </RememberedGroup>
      </Panel>
      <Separator className="separator separator--vertical" aria-label="Resize the inspector" />
      <CollapsiblePane pane="side" defaultSize={300} minSize={240} maxSize={560} collapsedSize={0}>
        <aside className="side-panel">
          <Inspector />
          <ProblemsList />
        </aside>
      </CollapsiblePane>
    </RememberedGroup>
  );
}

/** A split whose sizes are remembered between sessions under `storageId`. */
function RememberedGroup({
  storageId,
  panelIds,
  ...props
}: { storageId: string; panelIds: string[] } & Omit<
  ComponentProps<typeof Group>,
  'defaultLayout' | 'onLayoutChanged'
>) {
  const layout = useDefaultLayout({ id: storageId, panelIds });
  return <Group {...props} defaultLayout={layout.defaultLayout} onLayoutChanged={layout.onLayoutChanged} />;
}

/** A collapsible pane (id `pane-<pane>`), registered with layoutControls so it can be folded and unfolded from outside. */
function CollapsiblePane({
  pane,
  ...props
}: { pane: PanelId } & Omit<ComponentProps<typeof Panel>, 'id' | 'className' | 'collapsible' | 'panelRef'>) {
  return (
    <Panel
      {...props}
      id={`pane-${pane}`}
      className="workspace__panel"
      collapsible
      panelRef={(handle) => registerPanel(pane, handle)}
    />
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
