// How the inspector groups a node's or connection's parameters under headings. A field the
// table does not name joins the group of the field declared before it, so a parameter added
// to kinds.ts later lands beside its neighbours instead of vanishing or floating to the top.
import { applicableFields, type Field, type FieldSet } from '../../../shared/graph/fields';
import type { NodeKind } from '../../../shared/graph/kinds';

export interface FieldGroup {
  /** Null for the group at the top, shown without a heading. */
  title: string | null;
  fields: [key: string, field: Field][];
}

type Table = readonly { title: string | null; keys: readonly string[] }[];

const POPULATION: Table = [
  { title: null, keys: ['size', 'neuron'] },
  { title: 'Dynamics', keys: ['tauMem', 'tauSyn', 'threshold', 'reset', 'detachReset', 'scaleInput'] },
  { title: 'Adaptation', keys: ['adaptation', 'tauAdapt', 'adaptA', 'adaptB', 'adaptScale'] },
  { title: 'Learnable', keys: ['learnTauMem', 'learnTauSyn', 'learnThreshold', 'learnAdaptation', 'bias'] },
  { title: 'Initial distribution', keys: ['tauInit', 'tauSpread'] },
];

export const FIELD_GROUPS: Partial<Record<NodeKind | 'connection', Table>> = {
  lif: POPULATION,
  readout: POPULATION,
  connection: [
    { title: null, keys: ['init', 'scale'] },
    { title: 'Delay', keys: ['delay', 'delaySteps', 'maxDelay'] },
  ],
};

/** The fields that apply to `values`, grouped by `table` (groups left empty are left out). */
export function groupFields(
  table: Table | undefined,
  fields: FieldSet,
  values: Readonly<Record<string, unknown>>,
): FieldGroup[] {
  const groups: FieldGroup[] = (table ?? [{ title: null, keys: [] }]).map((g) => ({ title: g.title, fields: [] }));
  const home = new Map<string, number>();
  table?.forEach((g, i) => {
    for (const key of g.keys) home.set(key, i);
  });
  const shown = new Set(applicableFields(fields, values).map(([key]) => key));
  let current = 0;
  for (const [key, field] of Object.entries(fields)) {
    current = home.get(key) ?? current;
    if (shown.has(key)) groups[current]?.fields.push([key, field]);
  }
  return groups.filter((g) => g.fields.length > 0);
}
