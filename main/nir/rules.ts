// Checks an HDF5 tree against the rules the reference NIR reader (nir 1.0.7) enforces, plus
// the stricter habits of our writer. Tests run it on every file we write; the CLI can run it
// on any file to say why another tool would refuse it.

import { NEURON_TYPES, nirFieldsOf } from './fields';
import type { H5Dataset, H5Group, H5Node } from './h5';

/** Every rule the tree breaks, as sentences naming the path; empty when it is a clean NIR file. */
export function nirRuleViolations(root: H5Group, options: { strict?: boolean } = {}): string[] {
  const out: string[] = [];
  walkAttributes(root, '', out);
  const version = root.children.version;
  if (version?.kind !== 'dataset' || typeof version.value !== 'string') out.push('/version must be a string dataset');
  const node = root.children.node;
  if (node?.kind !== 'group') {
    out.push('/node must be a group');
    return out;
  }
  checkGraph(node, '/node', out, options.strict ?? true);
  return out;
}

function walkAttributes(node: H5Node, path: string, out: string[]) {
  if (node.attributes?.length) out.push(`${path || '/'} has HDF5 attributes (${node.attributes.join(', ')})`);
  if (node.kind === 'group') for (const [k, c] of Object.entries(node.children)) walkAttributes(c, `${path}/${k}`, out);
}

function str(node: H5Node | undefined): string | null {
  return node && node.kind === 'dataset' && typeof node.value === 'string' ? node.value : null;
}

function checkGraph(graph: H5Group, path: string, out: string[], strict: boolean) {
  if (str(graph.children.type) !== 'NIRGraph') out.push(`${path}/type must be the string 'NIRGraph'`);
  const nodes = graph.children.nodes;
  const edges = graph.children.edges;
  if (nodes?.kind !== 'group') {
    out.push(`${path}/nodes must be a group`);
    return;
  }
  const shapes = new Map<string, { input: number[] | null; output: number[] | null }>();
  for (const [name, n] of Object.entries(nodes.children)) {
    const at = `${path}/nodes/${name}`;
    if (n.kind !== 'group') {
      out.push(`${at} must be a group`);
      continue;
    }
    const type = str(n.children.type);
    const spec = type ? nirFieldsOf(type) : undefined;
    if (!type || !spec) {
      out.push(`${at}/type is ${type === null ? 'missing or not a string dataset' : `'${type}', not a NIR type`}`);
      continue;
    }
    if (type === 'NIRGraph') {
      checkGraph(n, at, out, strict);
      shapes.set(name, { input: null, output: null });
      continue;
    }
    for (const f of spec.required) if (!(f in n.children)) out.push(`${at} (${type}) lacks '${f}'`);
    const allowed = new Set([...spec.required, ...spec.optional, 'type', 'metadata']);
    if (!strict) for (const f of ['input_type', 'output_type']) allowed.add(f);
    for (const [f, d] of Object.entries(n.children)) {
      if (!allowed.has(f)) out.push(`${at} (${type}) has the field '${f}', which the reader rejects`);
      if (f === 'type' || f === 'metadata') continue;
      if (d.kind === 'dataset' && typeof d.value !== 'string' && d.shape.length === 0)
        out.push(`${at}/${f} is a 0-d array; use shape (n,)`);
    }
    const shape = (d: H5Node | undefined) => (d && d.kind === 'dataset' ? d.shape : null);
    if (NEURON_TYPES.has(type)) {
      const params = Object.entries(n.children).filter(([f, d]) => f !== 'type' && d.kind === 'dataset');
      const first = shape(params[0]?.[1]);
      for (const [f, d] of params) {
        const s = (d as H5Dataset).shape;
        if (s.length !== 1) out.push(`${at}/${f} must be 1-D (shape ${JSON.stringify(s)})`);
        if (first && JSON.stringify(s) !== JSON.stringify(first))
          out.push(`${at}/${f} has shape ${JSON.stringify(s)}, unlike the other parameters ${JSON.stringify(first)}`);
      }
      shapes.set(name, { input: first, output: first });
    } else if (type === 'Input' || type === 'Output') {
      const d = n.children.shape;
      const v = d && d.kind === 'dataset' && typeof d.value !== 'string' && !Array.isArray(d.value) ? d.value : null;
      const s = v ? Array.from(v as ArrayLike<number | bigint>, Number) : null;
      if (strict && s && s.length !== 1)
        out.push(`${at}/shape ${JSON.stringify(s)} is not a plain vector (no batch dims)`);
      shapes.set(name, { input: s, output: s });
    } else if (type === 'Linear' || type === 'Affine') {
      const s = shape(n.children.weight);
      if (s?.length !== 2) out.push(`${at}/weight must be 2-D (out, in)`);
      shapes.set(
        name,
        s && s.length === 2 ? { input: [s[1] as number], output: [s[0] as number] } : { input: null, output: null },
      );
      if (type === 'Affine') {
        const b = shape(n.children.bias);
        if (s && b && (b.length !== 1 || b[0] !== s[0])) out.push(`${at}/bias must have shape (out,)`);
      }
    } else shapes.set(name, { input: null, output: null });
  }
  if (edges?.kind !== 'dataset' || !Array.isArray(edges.value)) {
    out.push(`${path}/edges must be a string dataset of shape (E, 2)`);
    return;
  }
  if (edges.shape.length !== 2 || edges.shape[1] !== 2)
    out.push(`${path}/edges has shape ${JSON.stringify(edges.shape)}, not (E, 2)`);
  const list = edges.value;
  for (let k = 0; k + 1 < list.length; k += 2) {
    const a = list[k] as string;
    const b = list[k + 1] as string;
    if (!shapes.has(a) || !shapes.has(b)) {
      out.push(`${path}/edges: '${a}' → '${b}' names a node that does not exist`);
      continue;
    }
    const o = shapes.get(a)?.output;
    const i = shapes.get(b)?.input;
    if (o && i && JSON.stringify(o) !== JSON.stringify(i))
      out.push(`${path}/edges: '${a}' → '${b}' joins shape ${JSON.stringify(o)} to ${JSON.stringify(i)}`);
  }
  const metadata = graph.children.metadata;
  if (metadata?.kind === 'group') walkMetadata(metadata, `${path}/metadata`, out);
}

function walkMetadata(g: H5Group, path: string, out: string[]) {
  for (const [k, d] of Object.entries(g.children)) {
    if (d.kind === 'group') walkMetadata(d, `${path}/${k}`, out);
    else if (typeof d.value !== 'string' && d.shape.length === 0) out.push(`${path}/${k} is a 0-d array`);
  }
}
