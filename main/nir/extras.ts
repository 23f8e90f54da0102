// What a NIR file written by Spikewright keeps in /node/metadata/spikewright (JSON text): our
// node and connection behind each NIR node, the nodes NIR has no place for, the document's
// metadata and order. The importer reads it back only through `parseExtras`, which validates it
// with zod like our own files, so a damaged or hand-edited block is refused in a sentence.
import { z } from 'zod';
import type { FileMetadata } from '../../shared/file/snnFile';
import {
  describeZodIssues,
  type GraphEdge,
  type GraphNode,
  graphEdgeSchema,
  graphNodeSchema,
  restoreConnectionParams,
  restoreParams,
} from '../../shared/graph/document';

export const EXTRAS_FORMAT = 'spikewright.nir-extras';
/** The block's name in files written by Spikeforge 0.1 (this app's former name). */
export const LEGACY_EXTRAS_FORMAT = 'spikeforge.nir-extras';

export interface SpikewrightNirExtras {
  format: typeof EXTRAS_FORMAT;
  version: 1;
  /** Our node behind each NIR neuron or Input node, by NIR node name. */
  nodes: Record<string, { id: string; name: string; params: Record<string, unknown> }>;
  /** Our connection behind each NIR Linear node, by NIR node name. */
  connections: Record<string, { id: string; params: Record<string, unknown> }>;
  /** Nodes NIR has no place for (loss, regularisers, training) and the signal edges into them. */
  dropped: { nodes: GraphNode[]; edges: GraphEdge[] };
  metadata: FileMetadata;
  /** The document's order of node and edge ids (HDF5 lists groups by name). */
  order?: { nodes: string[]; edges: string[] };
}

const id = z.string().min(1).max(200);
const scalar = z.union([z.number(), z.string(), z.boolean(), z.null()]);
const params = z.record(z.string(), scalar);
const finite = z.number().refine(Number.isFinite, 'must be a finite number');

const extrasSchema = z.object({
  format: z.enum([EXTRAS_FORMAT, LEGACY_EXTRAS_FORMAT]),
  version: z.literal(1),
  nodes: z.record(z.string(), z.object({ id, name: z.string().max(200), params })),
  connections: z.record(z.string(), z.object({ id, params })),
  dropped: z.object({
    nodes: z.array(graphNodeSchema).max(100000),
    edges: z.array(graphEdgeSchema).max(1000000),
  }),
  metadata: z.object({
    name: z.string(),
    description: z.string(),
    training: z
      .object({
        epochs: finite,
        testAccuracy: finite.optional(),
        trainAccuracy: finite.optional(),
        backend: z.string().optional(),
        engine: z.string().optional(),
      })
      .optional(),
  }),
  order: z.object({ nodes: z.array(z.string()).max(100000), edges: z.array(z.string()).max(1000000) }).optional(),
});

export type ExtrasResult = { ok: true; extras: SpikewrightNirExtras } | { ok: false; error: string } | null;

/**
 * The block from its JSON text: the extras, a sentence saying why they were set aside, or null
 * when the text is no extras block of ours at all. Never throws.
 */
export function parseExtras(text: string): ExtrasResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `it is not valid JSON (${(e as Error).message})` };
  }
  const format = (json as { format?: unknown } | null)?.format;
  if (format !== EXTRAS_FORMAT && format !== LEGACY_EXTRAS_FORMAT) return null;
  const parsed = extrasSchema.safeParse(json);
  if (!parsed.success) return { ok: false, error: describeZodIssues(parsed.error.issues, 'metadata').join('; ') };
  const d = parsed.data;
  const metadata: FileMetadata = { name: d.metadata.name, description: d.metadata.description };
  if (d.metadata.training) metadata.training = { ...d.metadata.training };
  const extras: SpikewrightNirExtras = {
    format: EXTRAS_FORMAT,
    version: 1,
    nodes: d.nodes,
    connections: d.connections,
    dropped: {
      nodes: d.dropped.nodes.map(
        (n) => ({ id: n.id, kind: n.kind, name: n.name, params: restoreParams(n.kind, n.params) }) as GraphNode,
      ),
      edges: d.dropped.edges.map((e) =>
        e.kind === 'connection'
          ? { ...e, params: restoreConnectionParams(e.params) }
          : { id: e.id, kind: 'signal', source: e.source, target: e.target },
      ),
    },
    metadata,
  };
  if (d.order) extras.order = d.order;
  return { ok: true, extras };
}
