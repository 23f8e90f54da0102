import { describe, expect, it } from 'vitest';
import type { FieldSet } from '../../../shared/graph/fields';
import { FIELD_GROUPS, groupFields } from './fieldGroups';

const num = (label: string, extra: object = {}) => ({ type: 'number', label, default: 1, ...extra }) as const;
const adlifOnly = { when: { field: 'neuron', equals: ['adlif'] } } as const;
const fields = {
  size: num('Neurons'),
  neuron: {
    type: 'enum',
    label: 'Neuron model',
    options: ['lif', 'adlif'].map((value) => ({ value, label: value })),
    default: 'lif',
  },
  tauMem: num('Membrane'),
  tauAdapt: num('Adaptation tau', adlifOnly),
  adaptNew: num('A parameter the table does not know', adlifOnly),
  learnTauMem: { type: 'boolean', label: 'Learn', default: false },
} as const satisfies FieldSet;

const titles = (values: Record<string, unknown>) =>
  groupFields(FIELD_GROUPS.lif, fields, values).map((g) => [g.title, g.fields.map(([k]) => k)]);

describe('groupFields', () => {
  it('puts each field under its heading and leaves out groups with nothing that applies', () => {
    expect(titles({ neuron: 'lif' })).toEqual([
      [null, ['size', 'neuron']],
      ['Dynamics', ['tauMem']],
      ['Learnable', ['learnTauMem']],
    ]);
  });

  it('shows the adaptation group for adLIF, with a field it does not name beside its predecessor', () => {
    expect(titles({ neuron: 'adlif' })).toEqual([
      [null, ['size', 'neuron']],
      ['Dynamics', ['tauMem']],
      ['Adaptation', ['tauAdapt', 'adaptNew']],
      ['Learnable', ['learnTauMem']],
    ]);
  });

  it('keeps every field of a kind without a table in one untitled group', () => {
    expect(groupFields(undefined, fields, { neuron: 'adlif' })).toEqual([
      { title: null, fields: Object.entries(fields) },
    ]);
  });
});
