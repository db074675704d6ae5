import { controlCharsProblem } from '../../shared/text/control-chars.js';
import { changeField, displayChangeValue, fullLabel, parseChangeValue, type ChangeField, type ChangeFieldKey } from '../../shared/requests/change-fields.js';
import { REQUEST_LIMITS } from '../../shared/requests/schema.js';
import type { DataChange } from '../../shared/api/contract.js';
import { html, type SafeHtml } from '../http/html.js';

/**
 * « Demander une modification »: one form for a group of fields of the list a family may change
 * (src/shared/requests/change-fields.ts), on « Mon compte » and « Mes enfants » alike. The value is typed as the
 * page shows it, checked with the office's rule for the field before anything is recorded, and sent in canonical form.
 */

export interface ShownField {
  key: ChangeFieldKey;
  label: string;
  /** The published value in canonical form (the old value of a change request); a masked IBAN as published. */
  value: string;
  /** As shown: « 32 450,50 € », 31/12/2027, Oui. */
  shown: string;
}

/** A change the family typed that was refused: shown again next to its field with the French reason. */
export interface FormError {
  formId: string;
  key: string;
  value: string;
  message: string;
}

export function shownField(f: ChangeField, value: string): ShownField {
  return { key: f.key, label: f.label, value, shown: f.format.display(value) };
}

/** What to type for the fields that have a form of their own (dates, amounts, IBAN, lists …). */
function formHint(fields: ShownField[]): string {
  return fields
    .map((f) => changeField(f.key)!)
    .filter((f) => f.format.hint !== '' && f.format.kind !== 'phone' && f.format.kind !== 'email')
    .map((f) => `${f.label} : ${f.format.hint}`)
    .join(' · ');
}

/** The changes already asked and not yet decided, as the family typed them. */
export function pendingChanges(fields: ShownField[], pending: Array<{ field: string; newValue: string }>): SafeHtml | '' {
  const mine = pending.filter((c) => fields.some((f) => f.key === c.field));
  if (mine.length === 0) return '';
  const labelOf = (key: string) => fields.find((f) => f.key === key)?.label ?? key;
  return html`<ul class="pending">${mine.map((c) => html`<li>🚧 Modification demandée, en attente : ${labelOf(c.field)} → « ${displayChangeValue(c.field, c.newValue)} »</li>`)}</ul>`;
}

export function changeForm(o: { id: string; action: string; fields: ShownField[]; csrf: SafeHtml; error: FormError | null }): SafeHtml {
  const { id, error } = o;
  const hint = formHint(o.fields);
  const described = [hint ? `${id}-aide` : '', error ? `${id}-erreur` : ''].filter(Boolean).join(' ');
  return html`<details${error ? html` open` : ''}><summary>Demander une modification</summary>
<form method="post" action="${o.action}" class="form">
${o.csrf}
<div class="field"><label for="${id}-champ">Information à modifier</label>
<select id="${id}-champ" name="field">${o.fields.map((f) => html`<option value="${f.key}"${error?.key === f.key ? html` selected` : ''}>${f.label}</option>`)}</select></div>
<div class="field"><label for="${id}-valeur">Nouvelle valeur</label>
${hint ? html`<p class="hint" id="${id}-aide">${hint}</p>` : ''}
${error ? html`<p class="error" id="${id}-erreur">${error.message}</p>` : ''}
<input id="${id}-valeur" name="value" type="text" maxlength="${REQUEST_LIMITS.value}"${error ? html` value="${error.value}" aria-invalid="true"` : ''}${described ? html` aria-describedby="${described}"` : ''}></div>
<button type="submit">Envoyer la demande</button>
</form></details>`;
}

/**
 * A typed change of one of the offered fields → the change to record, or the French message to show next to the
 * field (unknown fields are the caller's 400).
 */
export function typedChange(
  target: ShownField,
  typed: string,
  entity: DataChange['entity'],
  entityId: number,
  today: string,
): { ok: true; change: DataChange } | { ok: false; message: string } {
  const f = changeField(target.key)!;
  const hidden = controlCharsProblem(typed, 'single-line', f.label);
  if (hidden) return { ok: false, message: hidden };
  const parsed = parseChangeValue(target.key, typed, today);
  if (!parsed.ok) return { ok: false, message: `${f.label} : ${parsed.error}` };
  if (parsed.value === target.value) return { ok: false, message: `${f.label} : c’est déjà la valeur enregistrée.` };
  return { ok: true, change: { entity, entityId, field: f.key, label: fullLabel(f), oldValue: target.value, newValue: parsed.value } };
}
