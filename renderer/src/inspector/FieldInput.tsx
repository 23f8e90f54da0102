// One parameter, rendered from its field declaration: label, unit, bounds, and an inline
// error. Numbers are typed freely: text that is not a number shows an error and leaves the
// document alone; a number applies at once (out of bounds too, so validation can say so).
import { useEffect, useId, useState } from 'react';
import { type Field, fieldProblem, type NumberField } from '../../../shared/graph/fields';
import { useAppStore } from '../store';

interface Props {
  name: string;
  field: Field;
  value: unknown;
  onChange(value: unknown): void;
  /** A problem validation found with this field (beyond the field's own bounds). */
  problem?: string | undefined;
}

export function boundsText(field: NumberField): string | null {
  const parts: string[] = [];
  if (field.min !== undefined) parts.push(`${field.exclusiveMin ? '>' : '≥'} ${field.min}`);
  if (field.max !== undefined) parts.push(`≤ ${field.max}`);
  if (field.integer) parts.push('whole');
  return parts.length ? parts.join(', ') : null;
}

const sealHistory = () => useAppStore.getState().sealHistory();

export function FieldInput({ name, field, value, onChange, problem }: Props) {
  const id = useId();
  const own = fieldProblem(field, value);
  const help = field.help;
  const testId = `field-${name}`;
  if (field.type === 'boolean')
    return (
      <div className={`field field--check${problem ? ' has-error' : ''}`}>
        <label htmlFor={id}>
          <input
            id={id}
            type="checkbox"
            checked={value === true}
            onChange={(e) => {
              onChange(e.target.checked);
              sealHistory();
            }}
            data-testid={testId}
          />
          <span>{field.label}</span>
        </label>
        <FieldNote error={problem} help={help} bounds={null} />
      </div>
    );
  return (
    <div className={`field${own || problem ? ' has-error' : ''}`}>
      <label className="field__label" htmlFor={id}>
        <span>{field.label}</span>
        {field.type === 'number' && field.unit && <span className="field__unit">{field.unit}</span>}
      </label>
      {field.type === 'enum' ? (
        <select
          id={id}
          value={String(value)}
          onChange={(e) => {
            onChange(e.target.value);
            sealHistory();
          }}
          data-testid={testId}
        >
          {field.options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      ) : field.type === 'number' ? (
        <NumberInput
          id={id}
          field={field}
          value={value}
          onChange={onChange}
          testId={testId}
          error={own ? `${field.label} ${own}` : problem}
        />
      ) : (
        <input
          id={id}
          type="text"
          value={typeof value === 'string' ? value : ''}
          onChange={(e) => onChange(e.target.value)}
          onBlur={sealHistory}
          data-testid={testId}
          spellCheck={false}
        />
      )}
      {field.type !== 'number' && (
        <FieldNote error={own ? `${field.label} ${own}` : problem} help={help} bounds={null} />
      )}
    </div>
  );
}

function FieldNote({
  error,
  help,
  bounds,
}: {
  error?: string | null | undefined;
  help?: string | undefined;
  bounds: string | null;
}) {
  if (error)
    return (
      <div className="field__error" role="alert">
        {error}
      </div>
    );
  if (help || bounds) return <div className="field__help">{[bounds, help].filter(Boolean).join(' · ')}</div>;
  return null;
}

function NumberInput({
  id,
  field,
  value,
  onChange,
  testId,
  error,
}: {
  id: string;
  field: NumberField;
  value: unknown;
  onChange(value: unknown): void;
  testId: string;
  error: string | null | undefined;
}) {
  const [draft, setDraft] = useState(() => String(value));
  // The document changed under the field (undo, another edit): show the new value unless
  // the draft already means it ("1." while typing "1.5").
  useEffect(() => {
    setDraft((d) => (parseNumber(d) === value ? d : String(value)));
  }, [value]);
  const parsed = parseNumber(draft);
  const draftError = parsed === null ? `${field.label} must be a number` : null;
  return (
    <>
      <input
        id={id}
        type="text"
        inputMode="decimal"
        className={draftError ? 'is-invalid' : undefined}
        value={draft}
        onChange={(e) => {
          setDraft(e.target.value);
          const n = parseNumber(e.target.value);
          if (n !== null && n !== value) onChange(n);
        }}
        onBlur={() => {
          sealHistory();
          if (parseNumber(draft) !== null) setDraft(String(value));
        }}
        aria-invalid={draftError !== null}
        data-testid={testId}
        spellCheck={false}
        autoComplete="off"
      />
      <FieldNote error={draftError ?? error} help={field.help} bounds={boundsText(field)} />
    </>
  );
}

/** A finite number from what the user typed, or null ("", "abc", "1e", "Infinity"). */
export function parseNumber(text: string): number | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  const n = Number(trimmed);
  return Number.isFinite(n) ? n : null;
}
