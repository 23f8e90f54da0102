// What the palette, quick add, the canvas menu and the Insert commands offer: one entry per
// node kind, plus presets of a kind (an adaptive LIF population is a LIF node with
// `neuron: 'adlif'`). Pure data; the store adds an entry's node.
import { NODE_KINDS, type NodeKind, nodeKindInfo } from '../../../shared/graph/kinds';

export interface NodeEntry {
  /** The node kind itself, or the preset's own id ("adlif"). */
  id: string;
  kind: NodeKind;
  label: string;
  /** A shorter label for the node's head on the canvas; the label otherwise. */
  short?: string;
  description: string;
  /** Parameters that differ from the kind's defaults. */
  params?: Readonly<Record<string, unknown>>;
  /** The new node's name (made unique), instead of the kind's default. */
  name?: string;
}

const PRESETS: Partial<Record<NodeKind, NodeEntry[]>> = {
  lif: [
    {
      id: 'adlif',
      kind: 'lif',
      label: 'Adaptive LIF population',
      short: 'Adaptive LIF',
      description: 'LIF neurons with an adaptation current fed by the membrane and by spikes.',
      params: { neuron: 'adlif' },
      name: 'adaptive',
    },
  ],
};

/** Every entry, each kind followed by its presets. */
export const NODE_ENTRIES: readonly NodeEntry[] = NODE_KINDS.flatMap((kind) => [
  { id: kind, kind, label: nodeKindInfo[kind].label, description: nodeKindInfo[kind].description },
  ...(PRESETS[kind] ?? []),
]);

export function nodeEntry(id: string): NodeEntry | undefined {
  return NODE_ENTRIES.find((e) => e.id === id);
}
