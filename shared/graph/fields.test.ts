import { describe, expect, it } from 'vitest';
import { applicableFields, type FieldSet, fieldApplies } from './fields';

const choice = (label: string, values: readonly string[]) =>
  ({
    type: 'enum',
    label,
    options: values.map((value) => ({ value, label: value })),
    default: values[0] as string,
  }) as const;

const fields = {
  neuron: choice('Neuron model', ['lif', 'adlif']),
  tauAdapt: {
    type: 'number',
    label: 'Adaptation time constant',
    default: 100,
    when: { field: 'neuron', equals: ['adlif'] },
  },
  learnAdaptation: {
    type: 'boolean',
    label: 'Learn adaptation',
    default: false,
    when: { field: 'neuron', equals: ['adlif'] },
  },
  adaptInit: {
    ...choice('Adaptation init', ['constant', 'uniform']),
    when: { field: 'learnAdaptation', equals: [true] },
  },
  both: {
    type: 'number',
    label: 'Both',
    default: 0,
    when: [
      { field: 'neuron', equals: ['adlif'] },
      { field: 'adaptInit', equals: ['uniform'] },
    ],
  },
  loopA: { type: 'number', label: 'A', default: 0, when: { field: 'loopB', equals: [0] } },
  loopB: { type: 'number', label: 'B', default: 0, when: { field: 'loopA', equals: [0] } },
  size: { type: 'number', label: 'Neurons', default: 100 },
} as const satisfies FieldSet;

const keys = (values: Record<string, unknown>) => applicableFields(fields, values).map(([k]) => k);

describe('fieldApplies', () => {
  it('hides a field whose condition names another value, shows it when the value matches', () => {
    expect(fieldApplies(fields, 'tauAdapt', { neuron: 'lif' })).toBe(false);
    expect(fieldApplies(fields, 'tauAdapt', { neuron: 'adlif' })).toBe(true);
    expect(fieldApplies(fields, 'size', {})).toBe(true);
  });

  it('hides a field that depends on a hidden field even when its own condition holds', () => {
    expect(fieldApplies(fields, 'adaptInit', { neuron: 'adlif', learnAdaptation: true })).toBe(true);
    expect(fieldApplies(fields, 'adaptInit', { neuron: 'lif', learnAdaptation: true })).toBe(false);
  });

  it('needs every condition of a list', () => {
    const on = { neuron: 'adlif', learnAdaptation: true, adaptInit: 'uniform' };
    expect(fieldApplies(fields, 'both', on)).toBe(true);
    expect(fieldApplies(fields, 'both', { ...on, adaptInit: 'constant' })).toBe(false);
    expect(fieldApplies(fields, 'both', { ...on, learnAdaptation: false })).toBe(false);
  });

  it('treats unknown keys and conditions that loop as not applying, without recursing forever', () => {
    expect(fieldApplies(fields, 'nope', {})).toBe(false);
    expect(fieldApplies(fields, 'loopA', { loopA: 0, loopB: 0 })).toBe(false);
  });

  it('lists the applicable fields in declaration order', () => {
    expect(keys({ neuron: 'lif' })).toEqual(['neuron', 'size']);
    expect(keys({ neuron: 'adlif', learnAdaptation: false })).toEqual([
      'neuron',
      'tauAdapt',
      'learnAdaptation',
      'size',
    ]);
  });
});
