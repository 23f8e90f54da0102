// Building NIR trees by hand for the importer's tests (not used by the app): a graph file from
// its nodes and edges, and the small datasets NIR fields are made of.
import { dataset, group, type H5Group, type H5Node } from './h5';

export const f32 = (values: number[], shape: number[]) => dataset(Float32Array.from(values), shape);
export const shape = (n: number) => dataset(BigInt64Array.of(BigInt(n)));
/** NIR's edge list: an (edges x 2) array of source and target names. */
export const edgesOf = (pairs: [string, string][]) => dataset(pairs.flat(), [pairs.length, 2]);

/** A NIR file's tree: its version and the top NIRGraph of these nodes and edges. */
export function nirTree(nodes: Record<string, H5Node>, edges: [string, string][], version = '1.0.7'): H5Group {
  return group({
    version: dataset(version),
    node: group({ type: dataset('NIRGraph'), nodes: group(nodes), edges: edgesOf(edges) }),
  });
}
