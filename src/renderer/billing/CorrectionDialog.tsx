import { useEffect, useMemo, useState } from 'react';
import type { CorrectionInput, InvoiceSummary, InvoiceView } from '../../shared/api/billing.js';
import { formatEuros } from '../../shared/money.js';
import { api } from '../api/bridge.js';
import { describeError, type FieldErrors } from '../api/useApi.js';
import { readCorrection, type LineDraft } from './correction.js';
import { ErrorBanner } from '../components/Banner.js';
import { SelectField, TextArea, TextField } from '../components/fields.js';
import { Dialog } from '../planning/Dialog.js';

type Kind = CorrectionInput['kind'];


const KINDS: [Kind, string][] = [
  ['credit_note', 'Avoir (montant à déduire)'],
  ['complementary', 'Facture complémentaire (montant à ajouter)'],
];

const emptyLine = (): LineDraft => ({ label: '', amount: '', childId: '', serviceId: '' });

/** The children and services of the corrected invoice, offered for a correction line (both optional). */
function choices(view: InvoiceView | null) {
  const children = new Map<string, string>([['', '—']]);
  const services = new Map<string, string>([['', '—']]);
  for (const line of view?.document.lines ?? []) {
    if (line.childId !== null) children.set(String(line.childId), line.childName);
    if (line.serviceId !== null) services.set(String(line.serviceId), line.serviceName);
  }
  return { children: [...children.entries()], services: [...services.entries()] };
}

/** « Avoir / facture complémentaire » on an issued invoice, for the régisseur. */
export function CorrectionDialog({ invoice, onDone, onClose }: { invoice: InvoiceSummary; onDone(view: InvoiceView): void; onClose(): void }) {
  const [view, setView] = useState<InvoiceView | null>(null);
  const [kind, setKind] = useState<Kind>('credit_note');
  const [reason, setReason] = useState('');
  const [lines, setLines] = useState<LineDraft[]>([emptyLine()]);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [banner, setBanner] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void api.call('invoices.get', { id: invoice.id }).then((result) => {
      if (result.ok) setView(result.value);
      else setBanner(result.error.message);
    });
  }, [invoice.id]);

  const { children, services } = useMemo(() => choices(view), [view]);
  const setLine = (index: number, patch: Partial<LineDraft>) => setLines((current) => current.map((line, i) => (i === index ? { ...line, ...patch } : line)));

  async function submit() {
    setBanner(null);
    const { input, errors: found } = readCorrection(invoice.id, kind, reason, lines);
    setErrors(found);
    if (!input) return;
    setBusy(true);
    const result = await api.call('invoices.correct', input);
    setBusy(false);
    if (result.ok) return onDone(result.value);
    const described = describeError(result.error);
    setErrors(described.fields);
    // A refusal about a field not on this form (or about the whole correction) stays visible as a banner.
    const shown = Object.keys(described.fields).filter((path) => path === 'reason' || path === 'kind' || path === 'lines' || /^lines\.\d+\.(label|amountCents|childId|serviceId)$/.test(path));
    const hidden = Object.entries(described.fields).filter(([path]) => !shown.includes(path)).map(([, message]) => message);
    setBanner([described.banner, ...hidden].filter(Boolean).join(' ') || null);
  }

  const remaining = invoice.totalCents - invoice.creditedCents;
  return (
    <Dialog id="correction-dialog" title={`Avoir / facture complémentaire sur ${invoice.number}`} onClose={busy ? () => undefined : onClose}>
      <form
        className="billing-correction"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <p>
          Facture de {formatEuros(invoice.totalCents)}
          {invoice.creditedCents > 0 ? `, dont ${formatEuros(invoice.creditedCents)} déjà crédités par avoir (reste ${formatEuros(remaining)})` : ''}. La pièce
          créée est numérotée à la suite et publiée sur le portail ; la facture d’origine ne change pas.
        </p>
        <SelectField<Kind> path="kind" label="Type de pièce" value={kind} options={KINDS} errors={errors} onChange={setKind} />
        <TextArea path="reason" label="Motif (obligatoire, imprimé sur la pièce)" value={reason} onChange={setReason} errors={errors} rows={2} />
        <fieldset className="plain-fieldset">
          <legend>Lignes</legend>
          {lines.map((line, index) => (
            <div key={index} className="line-row">
              <TextField path={`lines.${index}.label`} label={`Libellé (ligne ${index + 1})`} value={line.label} onChange={(label) => setLine(index, { label })} errors={errors} />
              <TextField
                path={`lines.${index}.amountCents`}
                label="Montant (€)"
                inputMode="decimal"
                value={line.amount}
                onChange={(amount) => setLine(index, { amount })}
                errors={errors}
              />
              <SelectField<string>
                path={`lines.${index}.childId`}
                label="Enfant (facultatif)"
                value={line.childId}
                options={children}
                errors={errors}
                onChange={(childId) => setLine(index, { childId })}
              />
              <SelectField<string>
                path={`lines.${index}.serviceId`}
                label="Service (facultatif)"
                value={line.serviceId}
                options={services}
                errors={errors}
                onChange={(serviceId) => setLine(index, { serviceId })}
              />
              <button
                type="button"
                className="button small link danger"
                disabled={lines.length === 1}
                onClick={() => setLines((current) => current.filter((_, i) => i !== index))}
                aria-label={`Retirer la ligne ${index + 1}`}
              >
                Retirer
              </button>
            </div>
          ))}
          {errors.lines ? <p className="field-error">{errors.lines}</p> : null}
          <button type="button" className="button small" onClick={() => setLines((current) => [...current, emptyLine()])}>
            Ajouter une ligne
          </button>
        </fieldset>
        <ErrorBanner message={banner} />
        <div className="form-actions">
          <button type="submit" className="button primary" disabled={busy} aria-busy={busy}>
            {busy ? 'Émission…' : kind === 'credit_note' ? 'Émettre l’avoir' : 'Émettre la facture complémentaire'}
          </button>
          <button type="button" className="button" onClick={onClose} disabled={busy}>
            Annuler
          </button>
        </div>
      </form>
    </Dialog>
  );
}
