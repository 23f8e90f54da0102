// The node palette: every node kind, dragged onto the canvas (or clicked) to add it.
import { NODE_KINDS, type NodeKind, nodeKindInfo } from '../../../shared/graph/kinds';
import { PALETTE_MIME } from '../canvas/GraphCanvas';
import { KindIcon } from '../canvas/KindIcon';
import { runCommand } from '../commands/appCommands';

const GROUPS: { title: string; kinds: NodeKind[] }[] = [
  { title: 'Network', kinds: ['dataset', 'lif', 'readout'] },
  { title: 'Objective', kinds: ['loss', 'regularizer', 'training'] },
];

export function Palette() {
  return (
    <aside className="palette" data-testid="palette" aria-label="Node palette">
      {GROUPS.map((group) => (
        <div key={group.title} className="palette__group">
          <div className="panel-title">{group.title}</div>
          {group.kinds.map((kind) => (
            <button
              key={kind}
              type="button"
              className={`palette__item palette__item--${kind}`}
              draggable
              data-testid={`palette-${kind}`}
              title={`${nodeKindInfo[kind].description} Drag onto the canvas, or click to add.`}
              onDragStart={(e) => {
                e.dataTransfer.setData(PALETTE_MIME, kind);
                e.dataTransfer.effectAllowed = 'copy';
              }}
              onClick={() => runCommand(`insert.${kind}`)}
            >
              <KindIcon kind={kind} />
              <span>{nodeKindInfo[kind].label}</span>
            </button>
          ))}
        </div>
      ))}
      <div className="palette__hint">
        Drag onto the canvas · double-click the canvas to search · drag between handles to connect
      </div>
    </aside>
  );
}

export { NODE_KINDS };
