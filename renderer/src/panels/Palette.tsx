// The node palette: every node kind and preset (adaptive LIF), dragged onto the canvas (or
// clicked) to add it. The drag carries the entry's id (graph/nodeEntries).
import { NODE_KINDS } from '../../../shared/graph/kinds';
import { PALETTE_MIME } from '../canvas/GraphCanvas';
import { KindIcon } from '../canvas/KindIcon';
import { runCommand } from '../commands/appCommands';
import { type NodeEntry, nodeEntry } from '../graph/nodeEntries';

const GROUPS: { title: string; entries: NodeEntry[] }[] = [
  { title: 'Network', entries: entries('dataset', 'lif', 'adlif', 'readout') },
  { title: 'Objective', entries: entries('loss', 'regularizer', 'training') },
];

function entries(...ids: string[]): NodeEntry[] {
  return ids.map((id) => nodeEntry(id)).filter((e): e is NodeEntry => !!e);
}

export function Palette() {
  return (
    <aside className="palette" data-testid="palette" aria-label="Node palette">
      {GROUPS.map((group) => (
        <div key={group.title} className="palette__group">
          <div className="panel-title">{group.title}</div>
          {group.entries.map((entry) => (
            <button
              key={entry.id}
              type="button"
              className={`palette__item palette__item--${entry.kind}`}
              draggable
              data-testid={`palette-${entry.id}`}
              title={`${entry.description} Drag onto the canvas, or click to add.`}
              onDragStart={(e) => {
                e.dataTransfer.setData(PALETTE_MIME, entry.id);
                e.dataTransfer.effectAllowed = 'copy';
              }}
              onClick={() => runCommand(`insert.${entry.id}`)}
            >
              <KindIcon kind={entry.kind} preset={entry.id} />
              <span>{entry.label}</span>
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
