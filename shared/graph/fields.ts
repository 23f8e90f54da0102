// Parameter field declarations: one place states each parameter's type, unit, default and
// bounds. The inspector renders from these, validation checks against them, and the
// parameter types of every node kind are derived from them.

export interface NumberField {
  readonly type: 'number';
  readonly label: string;
  readonly unit?: string;
  readonly default: number;
  /** Inclusive lower bound unless `exclusiveMin` is set. */
  readonly min?: number;
  readonly exclusiveMin?: boolean;
  readonly max?: number;
  readonly integer?: boolean;
  readonly help?: string;
}

export interface EnumField<V extends string = string> {
  readonly type: 'enum';
  readonly label: string;
  readonly options: readonly { readonly value: V; readonly label: string }[];
  readonly default: V;
  readonly help?: string;
}

export interface BooleanField {
  readonly type: 'boolean';
  readonly label: string;
  readonly default: boolean;
  readonly help?: string;
}

export interface StringField {
  readonly type: 'string';
  readonly label: string;
  readonly default: string;
  readonly help?: string;
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
