// Parameter field declarations: one place states each parameter's type, unit, default and
// bounds. The inspector renders from these, validation checks against them, and the
// parameter types of every node kind are derived from them.

/**
 * When a field applies: only while another field of the same set holds one of `equals`
 * (e.g. adaptation parameters only for `neuron: 'adlif'`). A field whose condition fails is
 * hidden in the inspector and not checked by validation; its value stays in the document.
 */
export interface FieldCondition {
  readonly field: string;
  readonly equals: readonly (string | number | boolean)[];
}

interface FieldBase {
  readonly label: string;
  readonly help?: string;
  /** Applies only while this holds (all of them, when a list); absent: always applies. */
  readonly when?: FieldCondition | readonly FieldCondition[];
}

export interface NumberField extends FieldBase {
  readonly type: 'number';
  readonly unit?: string;
  readonly default: number;
  /** Inclusive lower bound unless `exclusiveMin` is set. */
  readonly min?: number;
  readonly exclusiveMin?: boolean;
  readonly max?: number;
  readonly integer?: boolean;
}

export interface EnumField<V extends string = string> extends FieldBase {
  readonly type: 'enum';
  readonly options: readonly { readonly value: V; readonly label: string }[];
  readonly default: V;
}

export interface BooleanField extends FieldBase {
  readonly type: 'boolean';
  readonly default: boolean;
}

export interface StringField extends FieldBase {
  readonly type: 'string';
  readonly default: string;
}

export type Field = NumberField | EnumField | BooleanField | StringField;
export type FieldSet = Readonly<Record<string, Field>>;

export type FieldValue<F> = F extends NumberField
  ? number
  : F extends BooleanField
    ? boolean
    : F extends EnumField<infer V>
      ? V
      : string;

export type ValuesOf<Fs extends FieldSet> = { -readonly [K in keyof Fs]: FieldValue<Fs[K]> };

export function defaultsOf<Fs extends FieldSet>(fields: Fs): ValuesOf<Fs> {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(fields)) out[key] = field.default;
  return out as ValuesOf<Fs>;
}

/**
 * Whether `key` applies given the other values of its set: its `when` conditions hold, and so
 * do those of each field they depend on (a field depending on a hidden one is hidden too).
 * Unknown keys and cycles count as not applying.
 */
export function fieldApplies(fields: FieldSet, key: string, values: Readonly<Record<string, unknown>>): boolean {
  const seen = new Set<string>();
  const applies = (k: string): boolean => {
    const field = fields[k];
    if (!field || seen.has(k)) return false;
    if (!field.when) return true;
    seen.add(k);
    const conditions: readonly FieldCondition[] = Array.isArray(field.when)
      ? (field.when as readonly FieldCondition[])
      : [field.when as FieldCondition];
    const ok = conditions.every((c) => c.equals.includes(values[c.field] as never) && applies(c.field));
    seen.delete(k);
    return ok;
  };
  return applies(key);
}

/** The fields of a set that apply to these values, in declaration order. */
export function applicableFields(
  fields: FieldSet,
  values: Readonly<Record<string, unknown>>,
): [key: string, field: Field][] {
  return Object.entries(fields).filter(([key]) => fieldApplies(fields, key, values));
}

/** Why a value breaks its field's rules, as a sentence fragment ("must be greater than 0 ms"), or null. */
export function fieldProblem(field: Field, value: unknown): string | null {
  switch (field.type) {
    case 'number': {
      if (typeof value !== 'number' || Number.isNaN(value)) return 'must be a number';
      if (!Number.isFinite(value)) return 'must be a finite number';
      const unit = field.unit ? ` ${field.unit}` : '';
      if (field.integer && !Number.isInteger(value)) return 'must be a whole number';
      if (field.min !== undefined) {
        if (field.exclusiveMin && value <= field.min) return `must be greater than ${field.min}${unit}`;
        if (!field.exclusiveMin && value < field.min) return `must be at least ${field.min}${unit}`;
      }
      if (field.max !== undefined && value > field.max) return `must be at most ${field.max}${unit}`;
      return null;
    }
    case 'enum':
      return field.options.some((o) => o.value === value)
        ? null
        : `must be one of ${field.options.map((o) => o.value).join(', ')}`;
    case 'boolean':
      return typeof value === 'boolean' ? null : 'must be true or false';
    case 'string':
      return typeof value === 'string' ? null : 'must be text';
  }
}
