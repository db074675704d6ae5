import { useEffect, useState } from 'react';
import { QF_RULES, type QfRule } from '../../shared/billing/qf.js';
import { checkBillingSettings, DUE_DAYS_MAX, DUE_DAYS_MIN, type BillingSettings } from '../../shared/billing/settings.js';
import type { Result } from '../../shared/result.js';
import { api } from '../api/bridge.js';
import { ErrorBanner } from '../components/Banner.js';
import { SelectField, TextArea, TextField } from '../components/fields.js';
import { SectionForm } from '../components/SectionForm.js';

type Issuer = BillingSettings['issuer'];
type LineField = 'address' | 'regieAddress';
type TextFieldName = Exclude<keyof Issuer, LineField>;

interface SettingsDraft {
  qfRule: QfRule;
  dueDays: string;
  issuer: Record<TextFieldName, string> & Record<LineField, string>;
}

function toDraft(settings: BillingSettings): SettingsDraft {
  return {
    qfRule: settings.qfRule,
    dueDays: String(settings.dueDays),
    issuer: { ...settings.issuer, address: settings.issuer.address.join('\n'), regieAddress: settings.issuer.regieAddress.join('\n') },
  };
}

/** Postal lines typed one per line; blank lines between them are only spacing. */
const lines = (text: string): string[] => text.split('\n').map((line) => line.trim()).filter((line) => line !== '');

/** An error on one line of an address ('issuer.address.1') is shown under the address as a whole. */
function onWholeFields(fields: Record<string, string>): Record<string, string> {
  const shown: Record<string, string> = {};
  for (const [path, message] of Object.entries(fields)) shown[path.replace(/^(issuer\.(?:address|regieAddress))\.\d+$/, '$1')] ??= message;
  return shown;
}

function fromDraft(draft: SettingsDraft): { settings: BillingSettings | null; errors: Record<string, string> } {
  const text = draft.dueDays.trim();
  const value = {
    qfRule: draft.qfRule,
    dueDays: /^\d+$/.test(text) ? Number(text) : Number.NaN,
    issuer: { ...draft.issuer, address: lines(draft.issuer.address), regieAddress: lines(draft.issuer.regieAddress) },
  };
  const checked = checkBillingSettings(value);
  const errors = checked.ok ? {} : onWholeFields(checked.error.fields ?? {});
  if (!/^\d+$/.test(text)) errors.dueDays = 'Le délai de paiement est un nombre entier de jours.';
  return checked.ok && Object.keys(errors).length === 0 ? { settings: checked.value, errors } : { settings: null, errors };
}

// `wide`: a text longer than one column of the form holds at 1366 px (a commune's or a régie's name, opening hours,
// an e-mail address) takes two, so it is read whole; the opening hours, a sentence, the whole row.
const ISSUER_FIELDS: { field: TextFieldName; label: string; hint?: string; inputMode?: 'numeric' | 'email' | 'tel'; wide?: boolean | 'full' }[] = [
  { field: 'communeName', label: 'Commune (émetteur)', wide: true },
  { field: 'siret', label: 'SIRET', hint: '14 chiffres, espaces permis.', inputMode: 'numeric' },
  { field: 'signatoryName', label: 'Signataire (nom et prénom)' },
  { field: 'signatoryQuality', label: 'Qualité du signataire', hint: 'Maire, adjoint délégué…' },
  { field: 'regieName', label: 'Régie', wide: true },
  { field: 'regieHours', label: 'Horaires de la régie', wide: 'full' },
  { field: 'phone', label: 'Téléphone de la régie', inputMode: 'tel' },
  { field: 'email', label: 'E-mail de la régie', inputMode: 'email', wide: true },
  { field: 'chequeOrder', label: 'Ordre des chèques', hint: 'Trésor public, Régie Enfance Jeunesse…' },
  { field: 'payfipId', label: 'Identifiant PayFiP', hint: 'Vide : pas de paiement en ligne.', inputMode: 'numeric' },
];

/** Paramètres › Facturation: the QF rule, when invoices fall due, and the issuer printed on every invoice. */
export function BillingSettingsForm({ canEdit }: { canEdit: boolean }) {
  const [settings, setSettings] = useState<BillingSettings | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    void api.call('billing.settings', {}).then((result) => {
      if (result.ok) setSettings(result.value);
      else setError(result.error.message);
    });
  }, []);

  if (settings === null) {
    return (
      <section className="card" aria-labelledby="billing-settings-loading">
        <h2 id="billing-settings-loading">Facturation</h2>
        <ErrorBanner message={error} />
        {error ? null : <p className="muted">Chargement des réglages…</p>}
      </section>
    );
  }
  return (
    <SectionForm<SettingsDraft>
      id="billing-settings-form"
      title="Facturation"
      initial={toDraft(settings)}
      canEdit={canEdit}
      validate={(draft) => fromDraft(draft).errors}
      save={async (draft): Promise<Result<BillingSettings>> => {
        const result = await api.call('billing.saveSettings', fromDraft(draft).settings!);
        if (result.ok) {
          setSettings(result.value);
          return result;
        }
        return { ok: false, error: { ...result.error, fields: result.error.fields ? onWholeFields(result.error.fields) : undefined } };
      }}
    >
      {(draft, setDraft, errors) => {
        const setIssuer = (field: keyof SettingsDraft['issuer'], value: string) => setDraft({ ...draft, issuer: { ...draft.issuer, [field]: value } });
        return (
          <>
            <fieldset className="subpanel">
              <legend>Quotient familial et échéance</legend>
              <div className="form-grid">
                <SelectField path="qfRule" label="QF retenu pour la facturation" errors={errors} value={draft.qfRule} options={QF_RULES} onChange={(qfRule) => setDraft({ ...draft, qfRule })} />
                <TextField
                  path="dueDays"
                  label="Délai de paiement (jours après l’émission)"
                  hint={`De ${DUE_DAYS_MIN} à ${DUE_DAYS_MAX} jours.`}
                  inputMode="numeric"
                  errors={errors}
                  value={draft.dueDays}
                  onChange={(dueDays) => setDraft({ ...draft, dueDays })}
                />
              </div>
              <p className="muted">Sans justificatif valable, la tranche la plus haute s’applique et la famille figure dans « QF à mettre à jour ».</p>
            </fieldset>
            <fieldset className="subpanel">
              <legend>Émetteur des factures</legend>
              <div className="form-grid">
                {ISSUER_FIELDS.map(({ field, label, hint, inputMode, wide }) => (
                  <TextField key={field} path={`issuer.${field}`} label={label} hint={hint} inputMode={inputMode} className={wide === 'full' ? 'field-full' : wide ? 'field-wide' : undefined} errors={errors} value={draft.issuer[field]} onChange={(value) => setIssuer(field, value)} />
                ))}
                <TextArea path="issuer.address" label="Adresse de la commune" hint="Une ligne par ligne d’adresse." errors={errors} value={draft.issuer.address} onChange={(value) => setIssuer('address', value)} />
                <TextArea path="issuer.regieAddress" label="Adresse de la régie" hint="Une ligne par ligne d’adresse." errors={errors} value={draft.issuer.regieAddress} onChange={(value) => setIssuer('regieAddress', value)} />
                <TextArea path="issuer.appeal" label="Voies et délais de recours" rows={6} errors={errors} value={draft.issuer.appeal} onChange={(value) => setIssuer('appeal', value)} />
              </div>
            </fieldset>
          </>
        );
      }}
    </SectionForm>
  );
}
