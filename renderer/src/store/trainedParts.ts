// The parts of a document that training produced besides the weights and optimizer moments.
// The store keeps them whole, so a save writes back what was opened or trained, and a part
// the format gains later travels without a change here.
import type { SnnFile } from '../../../shared/file/snnFile';
import type { GraphDocument } from '../../../shared/graph/document';

/**
 * What a file holds from training besides the weights and optimizer moments: biases,
 * per-neuron parameters, delays, and whatever trained part the format gains next.
 */
export type TrainedParts = Omit<
  SnnFile,
  'format' | 'version' | 'app' | 'graph' | 'layout' | 'metadata' | 'weights' | 'optimizerState'
>;

export function trainedPartsOf(file: SnnFile): TrainedParts {
  const { format, version, app, graph, layout, metadata, weights, optimizerState, ...parts } = file;
  return parts;
}

/**
 * The trained parts whose entries name a node or edge of `graph` (each part is a map keyed by
 * node or edge id); the rest belong to nodes or edges deleted since the run began.
 */
export function trainedPartsFor(parts: TrainedParts, graph: GraphDocument): TrainedParts {
  const ids = new Set<string>([...graph.nodes.map((n) => n.id), ...graph.edges.map((e) => e.id)]);
  const out: Record<string, Record<string, unknown>> = {};
  for (const [part, map] of Object.entries(parts)) {
    if (!map) continue;
    const kept = Object.entries(map as Record<string, unknown>).filter(([id]) => ids.has(id));
    if (kept.length) out[part] = Object.fromEntries(kept);
  }
  return out as TrainedParts;
}
