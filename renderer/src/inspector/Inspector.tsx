// The right-hand panel: the parameters of the selected node or edge, or the document's name
// and description when nothing is selected.
import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { GraphEdge, GraphNode } from '../../../shared/graph/document';
import { connectionFields, nodeKindFields, nodeKindInfo } from '../../../shared/graph/kinds';
import { datasetShape, outputSize } from '../../../shared/graph/shapes';
import { formatCount } from '../canvas/edges';
import { KindIcon } from '../canvas/KindIcon';
import { nodeEntry } from '../graph/nodeEntries';
import { problemsOf } from '../graph/problems';
import { useAppStore } from '../store';
import { DatasetPreview } from './DatasetPreview';
import { FieldInput } from './FieldInput';
import { FIELD_GROUPS, type FieldGroup, groupFields } from './fieldGroups';
import { delayDistribution, neuronParamDistributions } from './histogram';
import { MemoryEstimate } from './MemoryEstimate';
import { ParamHistogram } from './ParamHistogram';

export function Inspector() {
  const { nodeIds, edgeIds } = useAppStore(
    useShallow((s) => ({ nodeIds: s.selectedNodeIds, edgeIds: s.selectedEdgeIds })),
  );
  const node = useAppStore((s) =>
    nodeIds.length === 1 && edgeIds.length === 0 ? s.graph.nodes.find((n) => n.id === nodeIds[0]) : undefined,
  );
  const edge = useAppStore((s) =>
    edgeIds.length === 1 && nodeIds.length === 0 ? s.graph.edges.find((e) => e.id === edgeIds[0]) : undefined,
  );
  let body: React.ReactNode;
  if (node) body = <NodeInspector key={node.id} node={node} />;
  else if (edge) body = <EdgeInspector key={edge.id} edge={edge} />;
  else if (nodeIds.length + edgeIds.length > 1)
    body = (
      <div className="inspector__empty">
        {nodeIds.length} nodes and {edgeIds.length} edges selected. Select one to edit its parameters.
      </div>
    );
  else body = <DocumentInspector />;
  return (
    <section className="inspector" data-testid="inspector" aria-label="Inspector">
      {body}
    </section>
  );
}

function useFieldProblems(type: 'node' | 'edge', id: string): Map<string, string> {
  const graph = useAppStore((s) => s.graph);
  const list = (type === 'node' ? problemsOf(graph).byNode : problemsOf(graph).byEdge).get(id) ?? [];
  const out = new Map<string, string>();
  for (const p of list) if (p.field && !out.has(p.field)) out.set(p.field, p.message);
  return out;
}

function NodeInspector({ node }: { node: GraphNode }) {
  const setParam = useAppStore((s) => s.setNodeParam);
  const rename = useAppStore((s) => s.renameNode);
  const fieldProblems = useFieldProblems('node', node.id);
  const graph = useAppStore((s) => s.graph);
  const other = (problemsOf(graph).byNode.get(node.id) ?? []).filter((p) => !p.field || !(p.field in node.params));
  const fields = nodeKindFields[node.kind];
  const size = outputSize(node);
  const preset = node.kind === 'lif' && node.params.neuron === 'adlif' ? nodeEntry('adlif') : undefined;
  return (
    <>
      <header className={`inspector__head inspector__head--${node.kind}`}>
        <KindIcon kind={node.kind} preset={preset?.id} />
        <div>
          <div className="inspector__kind">{(preset ?? nodeKindInfo[node.kind]).label}</div>
          <div className="inspector__desc">{(preset ?? nodeKindInfo[node.kind]).description}</div>
        </div>
      </header>
      <div className="inspector__body">
        <FieldInput
          name="name"
          field={{ type: 'string', label: 'Name', default: '' }}
          value={node.name}
          onChange={(v) => rename(node.id, String(v))}
          problem={fieldProblems.get('name')}
        />
        {node.kind === 'dataset' && (
          <div className="inspector__fact">
            {datasetShape(node.params).units} input units · {datasetShape(node.params).classes} classes
          </div>
        )}
        {node.kind === 'dataset' && <DatasetPreview params={node.params} />}
        {size !== null && node.kind !== 'dataset' && <div className="inspector__fact">{size} units out</div>}
        <MemoryEstimate target={{ type: 'node', id: node.id }} />
        {other.map((p) => (
          <div key={p.message} className={`inspector__problem inspector__problem--${p.severity}`}>
            {p.message}
          </div>
        ))}
        <GroupedFields
          groups={groupFields(FIELD_GROUPS[node.kind], fields, node.params)}
          values={node.params}
          onChange={(key, v) => setParam(node.id, key, v)}
          problems={fieldProblems}
        />
        <TrainedValues id={node.id} part="neuronParams" />
      </div>
    </>
  );
}

/** The parameters that apply, under their group headings (the first group has none). */
function GroupedFields({
  groups,
  values,
  onChange,
  problems,
}: {
  groups: FieldGroup[];
  values: object;
  onChange(key: string, value: unknown): void;
  problems: Map<string, string>;
}) {
  return groups.map((group) => {
    const inputs = group.fields.map(([key, field]) => (
      <FieldInput
        key={key}
        name={key}
        field={field}
        value={(values as Record<string, unknown>)[key]}
        onChange={(v) => onChange(key, v)}
        problem={problems.get(key)}
      />
    ));
    if (group.title === null) return inputs;
    return (
      <section
        key={group.title}
        className="inspector__group"
        aria-label={group.title}
        data-testid={`field-group-${group.title.toLowerCase().replace(/ /g, '-')}`}
      >
        <h3 className="inspector__group-title">{group.title}</h3>
        {inputs}
      </section>
    );
  });
}

/**
 * Histograms of the document's trained per-neuron values of a population, or of a connection's
 * per-synapse delays (the file's `neuronParams` / `delays`), when it holds any.
 */
function TrainedValues({ id, part }: { id: string; part: 'neuronParams' | 'delays' }) {
  const stored = useAppStore((s) => (s.trained as Record<string, unknown>)[part]);
  const dists = useMemo(() => {
    if (part === 'delays') {
      const d = delayDistribution(stored, id);
      return d ? [d] : [];
    }
    return neuronParamDistributions(stored, id);
  }, [stored, id, part]);
  if (dists.length === 0) return null;
  const title = part === 'delays' ? 'Trained delays' : 'Per-neuron values';
  return (
    <section className="inspector__group" aria-label={title} data-testid={`trained-${part}`}>
      <h3 className="inspector__group-title">{title}</h3>
      <div className="field__help">
        {part === 'delays'
          ? 'Per-synapse delays in steps, as the last run left them (saved with the document).'
          : 'As the last run trained or drew them (saved with the document).'}
      </div>
      {dists.map((d) => (
        <ParamHistogram key={d.key} dist={d} />
      ))}
    </section>
  );
}

function EdgeInspector({ edge }: { edge: GraphEdge }) {
  const setParam = useAppStore((s) => s.setEdgeParam);
  const { source, target } = useAppStore(
    useShallow((s) => ({
      source: s.graph.nodes.find((n) => n.id === edge.source),
      target: s.graph.nodes.find((n) => n.id === edge.target),
    })),
  );
  const fieldProblems = useFieldProblems('edge', edge.id);
  const graph = useAppStore((s) => s.graph);
  const other = (problemsOf(graph).byEdge.get(edge.id) ?? []).filter((p) => !p.field);
  const a = source ? outputSize(source) : null;
  const b = target ? outputSize(target) : null;
  const recurrent = edge.source === edge.target;
  return (
    <>
      <header className="inspector__head inspector__head--edge">
        <div>
          <div className="inspector__kind">
            {edge.kind === 'signal' ? 'Signal' : recurrent ? 'Recurrent connection' : 'Connection'}
          </div>
          <div className="inspector__desc">
            {source?.name ?? edge.source} → {target?.name ?? edge.target}
          </div>
        </div>
      </header>
      <div className="inspector__body">
        {edge.kind === 'connection' ? (
          <>
            <div className="inspector__fact">
              {a !== null && b !== null ? `${a} × ${b} = ${formatCount(a * b)} weights` : 'Weights: unknown'}
            </div>
            <MemoryEstimate target={{ type: 'edge', id: edge.id }} />
            {other.map((p) => (
              <div key={p.message} className={`inspector__problem inspector__problem--${p.severity}`}>
                {p.message}
              </div>
            ))}
            <GroupedFields
              groups={groupFields(FIELD_GROUPS.connection, connectionFields, edge.params)}
              values={edge.params}
              onChange={(key, v) => setParam(edge.id, key, v)}
              problems={fieldProblems}
            />
            <TrainedValues id={edge.id} part="delays" />
          </>
        ) : (
          <>
            <div className="inspector__fact">
              Carries {source?.kind === 'dataset' ? 'the labels' : source?.kind === 'readout' ? 'the scores' : 'spikes'}{' '}
              into {target?.name ?? edge.target}. Signals have no weights.
            </div>
            {other.map((p) => (
              <div key={p.message} className={`inspector__problem inspector__problem--${p.severity}`}>
                {p.message}
              </div>
            ))}
          </>
        )}
      </div>
    </>
  );
}

function DocumentInspector() {
  const metadata = useAppStore((s) => s.metadata);
  const setMetadata = useAppStore((s) => s.setMetadata);
  const sealHistory = useAppStore((s) => s.sealHistory);
  const counts = useAppStore(useShallow((s) => ({ nodes: s.graph.nodes.length, edges: s.graph.edges.length })));
  return (
    <>
      <header className="inspector__head">
        <div>
          <div className="inspector__kind">Document</div>
          <div className="inspector__desc">
            {counts.nodes} nodes · {counts.edges} edges. Select a node or edge to edit it.
          </div>
        </div>
      </header>
      <div className="inspector__body">
        <MemoryEstimate />
        <FieldInput
          name="doc-name"
          field={{ type: 'string', label: 'Name', default: '' }}
          value={metadata.name}
          onChange={(v) => setMetadata({ name: String(v) })}
        />
        <div className="field">
          <label className="field__label" htmlFor="doc-description">
            <span>Description</span>
          </label>
          <textarea
            id="doc-description"
            rows={6}
            value={metadata.description}
            onChange={(e) => setMetadata({ description: e.target.value })}
            onBlur={sealHistory}
            data-testid="field-doc-description"
          />
        </div>
      </div>
    </>
  );
}
