import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GraphDocument, GraphEdge, GraphNode } from '../graph/document';
import type { Field } from '../graph/fields';
import { connectionFields, type NodeKind, nodeKindFields } from '../graph/kinds';
import { validateGraph } from '../graph/validate';
import { float32ToBase64 } from './base64';
import { FILE_VERSION, loadSnnFile, newSnnFile, restoreSnnFile, type SnnFile, serializeSnnFile } from './snnFile';

const example = readFileSync(new URL('../../examples/randman.snn.json', import.meta.url), 'utf8');

function fieldValue(field: Field): fc.Arbitrary<unknown> {
  switch (field.type) {
    case 'number':
      return field.integer
        ? fc.integer({ min: field.min ?? -1000, max: Math.min(field.max ?? 100000, 100000) })
        : fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 });
    case 'enum':
      return fc.constantFrom(...field.options.map((o) => o.value));
    case 'boolean':
      return fc.boolean();
    case 'string':
      return fc.string({ maxLength: 20 });
  }
}

function paramsArb(fields: Record<string, Field>) {
  return fc.record(Object.fromEntries(Object.entries(fields).map(([k, f]) => [k, fieldValue(f)])));
}

const kinds = Object.keys(nodeKindFields) as NodeKind[];
const graphArb: fc.Arbitrary<GraphDocument> = fc
  .array(
    fc.constantFrom(...kinds).chain((kind) =>
      fc.record({
        kind: fc.constant(kind),
        name: fc.string({ maxLength: 12 }),
        params: paramsArb(nodeKindFields[kind]),
      }),
    ),
    { maxLength: 8 },
  )
  .chain((raw) => {
    const nodes = raw.map((n, i) => ({ id: `n${i}`, ...n }) as GraphNode);
    if (nodes.length === 0) return fc.constant({ nodes, edges: [] });
    const ids = nodes.map((n) => n.id);
    const edgeArb = fc.oneof(
      fc.record({
        kind: fc.constant('connection' as const),
        source: fc.constantFrom(...ids),
        target: fc.constantFrom(...ids),
        params: paramsArb(connectionFields),
      }),
      fc.record({
        kind: fc.constant('signal' as const),
        source: fc.constantFrom(...ids),
        target: fc.constantFrom(...ids),
      }),
    );
    return fc
      .array(edgeArb, { maxLength: 10 })
      .map((edges) => ({ nodes, edges: edges.map((e, i) => ({ id: `e${i}`, ...e }) as GraphEdge) }));
  });

const fileArb: fc.Arbitrary<SnnFile> = fc
  .record({
    graph: graphArb,
    name: fc.string({ maxLength: 30 }),
    description: fc.string({ maxLength: 60 }),
    zoom: fc.double({ min: 0.1, max: 4, noNaN: true }),
    weights: fc.option(fc.float32Array({ maxLength: 16, noDefaultInfinity: true, noNaN: true }), { nil: undefined }),
  })
  .map(({ graph, name, description, zoom, weights }) => {
    const positions = Object.fromEntries(graph.nodes.map((n, i) => [n.id, { x: i * 10.5, y: -i * 3 }]));
    const file = newSnnFile(graph, { positions, viewport: { x: 1, y: 2, zoom } }, { name, description }, '0.1.0');
    const firstConnection = graph.edges.find((e) => e.kind === 'connection');
    if (weights && firstConnection)
      file.weights = {
        [firstConnection.id]: { shape: [weights.length], dtype: 'float32', data: float32ToBase64(weights) },
      };
    return file;
  });

describe('.snn.json files', () => {
  it('save → load → save gives identical text', () => {
    fc.assert(
      fc.property(fileArb, (file) => {
        const text = serializeSnnFile(file);
        const loaded = loadSnnFile(text);
        expect(loaded.ok).toBe(true);
        if (loaded.ok) expect(serializeSnnFile(loaded.file)).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  it('the examples load without warnings and validate without errors', () => {
    for (const name of ['randman', 'fashion-mnist', 'shd']) {
      const loaded = loadSnnFile(readFileSync(new URL(`../../examples/${name}.snn.json`, import.meta.url), 'utf8'));
      expect(loaded.ok).toBe(true);
      if (!loaded.ok) continue;
      expect(loaded.warnings).toEqual([]);
      expect(validateGraph(loaded.file.graph).filter((p) => p.severity === 'error')).toEqual([]);
    }
  });

  it('thousands of mutated files each give a document or a readable error, never a crash', () => {
    const json = JSON.parse(example);
    const paths: (string | number)[][] = [];
    const walk = (value: unknown, path: (string | number)[]) => {
      paths.push(path);
      if (value && typeof value === 'object')
        for (const [k, v] of Object.entries(value)) walk(v, [...path, Array.isArray(value) ? Number(k) : k]);
    };
    walk(json, []);
    const mutation = fc.record({
      path: fc.constantFrom(...paths.filter((p) => p.length > 0)),
      action: fc.constantFrom('delete', 'replace'),
      value: fc.jsonValue({ maxDepth: 2 }),
    });
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
        const doc = structuredClone(json);
        for (const m of mutations) {
          let parent: Record<string | number, unknown> | undefined = doc;
          for (const key of m.path.slice(0, -1)) parent = parent?.[key] as Record<string | number, unknown> | undefined;
          if (!parent || typeof parent !== 'object') continue;
          const last = m.path[m.path.length - 1] as string | number;
          if (m.action === 'delete') delete parent[last];
          else parent[last] = m.value;
        }
        const result = loadSnnFile(JSON.stringify(doc), 'mutated.snn.json');
        if (result.ok) {
          expect(() => validateGraph(result.file.graph)).not.toThrow();
          expect(() => serializeSnnFile(result.file)).not.toThrow();
        } else {
          expect(result.error).toMatch(/^mutated\.snn\.json /);
          expect(result.error.length).toBeLessThan(2000);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('garbage text and arbitrary JSON are refused with a message', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        (text) => {
          const result = loadSnnFile(text, 'x.snn.json');
          expect(result.ok).toBe(false);
          if (!result.ok) expect(result.error).toContain('x.snn.json');
        },
      ),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: example.trimEnd().length - 1 }), (cut) => {
        const result = loadSnnFile(example.slice(0, cut), 'cut.snn.json');
        expect(result.ok).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('opens a file saved by Spikeforge 0.1 (format version 1) through the migration table', () => {
    const old = readFileSync(new URL('./fixtures/spikeforge-0.1-randman.snn.json', import.meta.url), 'utf8');
    expect(JSON.parse(old)).toMatchObject({ format: 'spikeforge.snn', version: 1, app: { name: 'Spikeforge' } });
    const result = loadSnnFile(old, 'old.snn.json');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.file.format).toBe('spikewright.snn');
    expect(result.file.version).toBe(FILE_VERSION);
    // The app field still says who wrote it; the content is the current example's.
    expect(result.file.app.name).toBe('Spikeforge');
    const current = loadSnnFile(example);
    if (!current.ok) throw new Error(current.error);
    expect(result.file.graph).toEqual(current.file.graph);
    expect(result.file.layout).toEqual(current.file.layout);
    // Saving writes the new format, and that text loads unchanged.
    const saved = serializeSnnFile(result.file);
    expect(JSON.parse(saved).format).toBe('spikewright.snn');
    expect(serializeSnnFile((loadSnnFile(saved) as { ok: true; file: SnnFile }).file)).toBe(saved);
  });

  it('loads a version-2 file (saved before the discretisation existed) as SpyTorch, and a version-3 file keeps what it says', () => {
    const doc = JSON.parse(example);
    const training = doc.graph.nodes.find((n: { kind: string }) => n.kind === 'training');
    delete training.params.discretisation;
    for (const n of doc.graph.nodes) delete n.params.bias;
    const v2 = restoreSnnFile({ ...doc, version: 2 }, 'v2.snn.json');
    expect(v2.ok).toBe(true);
    if (!v2.ok) return;
    expect(v2.file.version).toBe(FILE_VERSION);
    const t = v2.file.graph.nodes.find((n) => n.kind === 'training');
    expect(t?.kind === 'training' && t.params.discretisation).toBe('spytorch');
    const hidden = v2.file.graph.nodes.find((n) => n.id === 'hidden');
    expect(hidden?.kind === 'lif' && hidden.params.bias).toBe(false);
    // Saved again it says so explicitly, and reloads the same.
    const saved = serializeSnnFile(v2.file);
    expect(saved).toContain('"discretisation": "spytorch"');
    training.params.discretisation = 'nir';
    const v3 = restoreSnnFile({ ...doc, version: 3 });
    expect(v3.ok && v3.file.graph.nodes.find((n) => n.kind === 'training')?.params).toMatchObject({
      discretisation: 'nir',
    });
  });

  it('migrates a version-3 file (before adLIF, per-neuron parameters and delays) to version 4 with the old model', () => {
    // A version-3 file: the example without the fields format 4 added.
    const doc = { ...JSON.parse(example), version: 3 };
    for (const n of doc.graph.nodes)
      for (const k of ['neuron', 'learnTauMem', 'tauInit', 'tauAdapt']) delete n.params[k];
    for (const e of doc.graph.edges) for (const k of ['delay', 'delaySteps', 'maxDelay']) delete e.params?.[k];
    const v3 = restoreSnnFile(doc, 'v3.snn.json');
    expect(v3.ok).toBe(true);
    if (!v3.ok) return;
    expect(v3.file.version).toBe(4);
    const hidden = v3.file.graph.nodes.find((n) => n.id === 'hidden');
    expect(hidden?.kind === 'lif' && hidden.params).toMatchObject({
      neuron: 'lif',
      learnTauMem: false,
      learnThreshold: false,
      tauInit: 'constant',
    });
    expect(v3.file.neuronParams).toBeUndefined();
    expect(v3.file.delays).toBeUndefined();
    expect(v3.warnings).toEqual([]);
    expect(JSON.parse(serializeSnnFile(v3.file)).version).toBe(4);
  });

  it('keeps per-neuron parameters and delays that fit the graph, and warns by name about those that do not', () => {
    const doc = { ...JSON.parse(example), version: FILE_VERSION };
    const tau = new Float32Array(128).map((_, i) => 5 + i / 10);
    const t = (values: Float32Array) => ({ shape: [values.length], dtype: 'float32', data: float32ToBase64(values) });
    doc.neuronParams = {
      hidden: { tauMem: t(tau), threshold: t(new Float32Array(128).fill(1)) },
      out: { tauSyn: t(new Float32Array(10).fill(5)), adaptA: t(new Float32Array(10)) },
      nowhere: { tauMem: t(new Float32Array(3)) },
    };
    const edge = doc.graph.edges.find((e: { kind: string }) => e.kind === 'connection');
    const delays = new Float32Array(20 * 128).map((_, i) => i % 7);
    doc.delays = { [edge.id]: { shape: [20, 128], dtype: 'float32', data: float32ToBase64(delays) } };
    const result = restoreSnnFile(doc);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.warnings).toEqual([
      "Stored adaptA values for 'readout' do not apply to a readout and are ignored.",
      "Stored neuron parameters for 'nowhere' belong to no population and are ignored.",
    ]);
    const again = loadSnnFile(serializeSnnFile(result.file));
    expect(again.ok && again.file.neuronParams?.hidden?.tauMem?.data).toBe(float32ToBase64(tau));
    expect(again.ok && again.file.delays?.[edge.id]?.data).toBe(float32ToBase64(delays));
    doc.neuronParams = { hidden: { tauMem: t(new Float32Array(3)) } };
    doc.delays = { [edge.id]: { shape: [2], dtype: 'float32', data: float32ToBase64(new Float32Array([1, -1])) } };
    const bad = restoreSnnFile(doc);
    expect(bad.ok && bad.warnings).toEqual([
      "Stored tauMem values for 'hidden' do not match its size and will be drawn afresh.",
      `Stored delays for connection '${edge.id}' do not match its size and will be drawn afresh.`,
    ]);
    doc.neuronParams = { hidden: { bogus: t(new Float32Array(128)) } };
    const unknown = restoreSnnFile(doc);
    expect(unknown.ok).toBe(false);
  });

  it('keeps stored biases of populations with a trainable bias and warns about the others', () => {
    const doc = JSON.parse(example);
    doc.graph.nodes.find((n: { id: string }) => n.id === 'hidden').params.bias = true;
    const b = new Float32Array(128).map((_, i) => i / 100);
    doc.biases = {
      hidden: { shape: [128], dtype: 'float32', data: float32ToBase64(b) },
      out: { shape: [10], dtype: 'float32', data: float32ToBase64(new Float32Array(10)) },
    };
    const result = restoreSnnFile(doc);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(Object.keys(result.file.biases ?? {})).toEqual(['hidden', 'out']);
    expect(result.warnings).toEqual([expect.stringMatching(/biases for 'out' belong to no population/)]);
    const again = loadSnnFile(serializeSnnFile(result.file));
    expect(again.ok && again.file.biases?.hidden?.data).toBe(float32ToBase64(b));
    doc.biases.hidden.shape = [3];
    const bad = restoreSnnFile(doc);
    expect(bad.ok && bad.warnings.some((w) => /'hidden' do not match its size/.test(w))).toBe(true);
  });

  it('refuses an old-format name with a version that was never written under it', () => {
    const old = JSON.parse(
      readFileSync(new URL('./fixtures/spikeforge-0.1-randman.snn.json', import.meta.url), 'utf8'),
    );
    expect(restoreSnnFile({ ...old, version: 2 }, 'e.snn.json')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/Spikeforge format version 2/),
    });
  });

  it('names what is wrong', () => {
    expect(loadSnnFile('{', 'a.snn.json')).toMatchObject({ ok: false, error: expect.stringMatching(/not valid JSON/) });
    expect(loadSnnFile('{"format":"other"}', 'b.snn.json')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/not a Spikewright document/),
    });
    const future = { ...JSON.parse(example), version: FILE_VERSION + 1 };
    expect(restoreSnnFile(future, 'c.snn.json')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/newer Spikewright/),
    });
    const badGraph = JSON.parse(example);
    badGraph.graph.nodes[0].kind = 'quantum';
    const result = restoreSnnFile(badGraph, 'd.snn.json');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain('graph.nodes.0.kind');
  });

  it('fills missing parameters with defaults and warns about weights that do not fit', () => {
    const doc = JSON.parse(example);
    delete doc.graph.nodes.find((n: { id: string }) => n.id === 'hidden').params.tauSyn;
    doc.weights = { w_in: { shape: [2, 2], dtype: 'float32', data: float32ToBase64(new Float32Array(4)) } };
    const result = restoreSnnFile(doc);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const hidden = result.file.graph.nodes.find((n) => n.id === 'hidden');
    expect(hidden?.kind === 'lif' && hidden.params.tauSyn).toBe(5);
    expect(result.warnings[0]).toMatch(/w_in.*re-initialised/);
  });
});
