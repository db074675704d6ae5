import { useState, type ReactNode } from 'react';
import { parseDayFr, shortDayFr, typedDay } from '../../shared/calendar/format.js';
import type { FieldErrors } from '../api/useApi.js';

/** Form controls wired for screen readers: real <label for>, error linked by aria-describedby, aria-invalid. */

export function fieldId(path: string): string {
  return `f-${path.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

interface Common {
  path: string;
  label: string;
  errors: FieldErrors;
  hint?: string;
  disabled?: boolean;
  className?: string;
}

function describedBy(path: string, error: string | undefined, hint: string | undefined): string | undefined {
  const ids = [error ? `${fieldId(path)}-error` : '', hint ? `${fieldId(path)}-hint` : ''].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

function FieldShell({ path, label, errors, hint, className, children }: Common & { children: ReactNode }) {
  const error = errors[path];
  return (
    <div className={`field ${error ? 'field-invalid' : ''} ${className ?? ''}`}>
      <label htmlFor={fieldId(path)}>{label}</label>
      {children}
      {hint ? (
        <span className="field-hint" id={`${fieldId(path)}-hint`}>
          {hint}
        </span>
      ) : null}
      {error ? (
        <span className="field-error" id={`${fieldId(path)}-error`}>
          {error}
        </span>
      ) : null}
    </div>
  );
}

export function TextField(
  props: Common & {
    value: string;
    onChange(value: string): void;
    type?: 'text' | 'email' | 'tel' | 'password' | 'number';
    autoComplete?: string;
    inputMode?: 'text' | 'numeric' | 'decimal' | 'tel' | 'email';
    maxLength?: number;
    autoFocus?: boolean;
  },
) {
  const error = props.errors[props.path];
  return (
    <FieldShell {...props}>
      <input
        id={fieldId(props.path)}
        name={props.path}
        type={props.type ?? 'text'}
        value={props.value}
        disabled={props.disabled}
        autoComplete={props.autoComplete ?? 'off'}
        inputMode={props.inputMode}
        maxLength={props.maxLength}
        autoFocus={props.autoFocus}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(props.path, error, props.hint)}
        onChange={(event) => props.onChange(event.target.value)}
      />
    </FieldShell>
  );
}

/**
 * A day typed jj/mm/aaaa (ISO is read too). `value` and onChange carry what the form holds, see typedDay: the ISO day,
 * '' when blank, or the text as typed when it is not a real day, so the form's check refuses it next to the field and
 * nothing is sent. A text box rather than <input type="date">, whose value silently becomes '' on a typo such as
 * 31/02/2026 (and so erased the saved date), and whose order of day and month follows the computer's language.
 */
export function DateField(props: Common & { value: string; onChange(value: string): void; autoFocus?: boolean }) {
  const error = props.errors[props.path];
  const [text, setText] = useState(() => shortDayFr(props.value));
  // The text follows a value changed from outside (Annuler, a reload) but not the agent's own typing.
  const [held, setHeld] = useState(props.value);
  if (held !== props.value) {
    setHeld(props.value);
    if (typedDay(text) !== props.value) setText(shortDayFr(props.value));
  }
  return (
    <FieldShell {...props}>
      <input
        id={fieldId(props.path)}
        name={props.path}
        type="text"
        autoComplete="off"
        placeholder="jj/mm/aaaa"
        maxLength={10}
        value={text}
        disabled={props.disabled}
        autoFocus={props.autoFocus}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(props.path, error, props.hint)}
        onChange={(event) => {
          const next = typedDay(event.target.value);
          setText(event.target.value);
          setHeld(next);
          props.onChange(next);
        }}
        onBlur={() => {
          // 1/2/2027 or 2027-02-01 reads back as 01/02/2027 once the agent leaves the field.
          const day = parseDayFr(text);
          if (day !== null && shortDayFr(day) !== text) setText(shortDayFr(day));
        }}
      />
    </FieldShell>
  );
}

export function TextArea(props: Common & { value: string; onChange(value: string): void; rows?: number }) {
  const error = props.errors[props.path];
  return (
    <FieldShell {...props} className={`${props.className ?? ''} field-wide`}>
      <textarea
        id={fieldId(props.path)}
        name={props.path}
        rows={props.rows ?? 3}
        value={props.value}
        disabled={props.disabled}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(props.path, error, props.hint)}
        onChange={(event) => props.onChange(event.target.value)}
      />
    </FieldShell>
  );
}

export function SelectField<V extends string>(
  props: Common & { value: V; options: Record<V, string> | readonly (readonly [V, string])[]; onChange(value: NoInfer<V>): void },
) {
  const error = props.errors[props.path];
  const options = (Array.isArray(props.options) ? props.options : Object.entries(props.options)) as readonly (readonly [V, string])[];
  // A choice longer than one column of a form holds (about 20 characters at 1366 px) takes two, so it is never cut.
  const wide = options.some(([, label]) => label.length > 20);
  return (
    <FieldShell {...props} className={wide ? `field-wide ${props.className ?? ''}` : props.className}>
      <select
        id={fieldId(props.path)}
        name={props.path}
        value={props.value}
        disabled={props.disabled}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(props.path, error, props.hint)}
        onChange={(event) => props.onChange(event.target.value as V)}
      >
        {options.map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}

export function CheckboxField(props: Common & { checked: boolean; onChange(checked: boolean): void }) {
  const error = props.errors[props.path];
  return (
    <div className={`field field-checkbox ${error ? 'field-invalid' : ''}`}>
      <input
        id={fieldId(props.path)}
        name={props.path}
        type="checkbox"
        checked={props.checked}
        disabled={props.disabled}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(props.path, error, props.hint)}
        onChange={(event) => props.onChange(event.target.checked)}
      />
      <label htmlFor={fieldId(props.path)}>{props.label}</label>
      {error ? (
        <span className="field-error" id={`${fieldId(props.path)}-error`}>
          {error}
        </span>
      ) : null}
    </div>
  );
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A day to go to (the day list, the planning): DateField's jj/mm/aaaa whatever the computer's language, which moves
 * as soon as a real day is typed and says so under the field while the text is not one.
 */
export function GoToDayField({ path, label, value, onGo }: { path: string; label: string; value: string; onGo(day: string): void }) {
  const [typed, setTyped] = useState(value);
  const errors = typed !== '' && !ISO_DAY.test(typed) && typed.length >= 8 ? { [path]: 'Date invalide : écrivez jj/mm/aaaa.' } : {};
  return (
    <DateField
      path={path}
      label={label}
      errors={errors}
      value={value}
      onChange={(next) => {
        setTyped(next);
        if (ISO_DAY.test(next)) onGo(next);
      }}
    />
  );
}
