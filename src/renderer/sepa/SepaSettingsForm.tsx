import { useEffect, useState } from 'react';
import { formatCents, parseEuros } from '../../shared/money.js';
import { icsProblem } from '../../shared/sepa/ics.js';
import { checkSepaSettings, type SepaSettings } from '../../shared/sepa/settings.js';
import type { Result } from '../../shared/result.js';
import { api } from '../api/bridge.js';
import { ErrorBanner } from '../components/Banner.js';
import { TextField } from '../components/fields.js';
import { SectionForm } from '../components/SectionForm.js';
import { formatIban } from '../lib/format.js';

/**
 * Paramètres › Prélèvement: the creditor (its identifier ICS, checked mod 97-10 as it is typed, its name and the
 * régie's account), the pre-notification delay, the day of the month debits are planned and the fee proposed on a
 * reject. Checked with the office's own rules (checkSepaSettings) before saving; its refusals land under the fields.
 */

type Draft = Record<keyof SepaSettings, string>;

function toDraft(settings: SepaSettings): Draft {
  return {
    ics: settings.ics,
    creditorName: settings.creditorName,
    creditorIban: formatIban(settings.creditorIban),
    creditorBic: settings.creditorBic,
    preNotificationDays: String(settings.preNotificationDays),
    collectionDay: String(settings.collectionDay),
    rejectFeeCents: settings.rejectFeeCents > 0 ? formatCents(settings.rejectFeeCents) : '',
  };
}

function fromDraft(draft: Draft): { settings: SepaSettings | null; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const whole = (text: string, field: string, message: string): number => {
    if (/^\d+$/.test(text.trim())) return Number(text.trim());
    errors[field] = message;
    return Number.NaN;
  };
  let rejectFeeCents = 0;
  if (draft.rejectFeeCents.trim() !== '') {
    const parsed = parseEuros(draft.rejectFeeCents);
    if (parsed.ok) rejectFeeCents = parsed.cents;
    else errors.rejectFeeCents = parsed.error;
  }
  const value = {
    ics: draft.ics,
    creditorName: draft.creditorName,
    creditorIban: draft.creditorIban,
    creditorBic: draft.creditorBic,
    preNotificationDays: whole(draft.preNotificationDays, 'preNotificationDays', 'Le délai de pré-notification est un nombre entier de jours.'),
    collectionDay: whole(draft.collectionDay, 'collectionDay', 'Le jour des prélèvements est un nombre entier entre 1 et 28.'),
    rejectFeeCents,
  };
  const checked = checkSepaSettings(value);
  for (const [path, message] of Object.entries(checked.ok ? {} : (checked.error.fields ?? {}))) errors[path] ??= message;
  return checked.ok && Object.keys(errors).length === 0 ? { settings: checked.value, errors } : { settings: null, errors };
}

export function SepaSettingsForm({ canEdit }: { canEdit: boolean }) {
  const [settings, setSettings] = useState<SepaSettings | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    void api.call('sepa.settings', {}).then((result) => {
      if (result.ok) setSettings(result.value);
      else setError(result.error.message);
    });
  }, []);

  if (settings === null) {
    return (
      <section className="card" aria-labelledby="sepa-settings-loading">
        <h2 id="sepa-settings-loading">Prélèvement SEPA</h2>
        <ErrorBanner message={error} />
        {error ? null : <p className="muted">Chargement des réglages…</p>}
      </section>
    );
  }
  return (
    <SectionForm<Draft>
      id="sepa-settings-form"
      title="Prélèvement SEPA"
      initial={toDraft(settings)}
      canEdit={canEdit}
      validate={(draft) => fromDraft(draft).errors}
      save={async (draft): Promise<Result<SepaSettings>> => {
        const result = await api.call('sepa.saveSettings', fromDraft(draft).settings!);
        if (result.ok) setSettings(result.value);
        return result;
      }}
    >
      {(draft, setDraft, saveErrors) => {
        // The ICS is checked as it is typed (mod 97-10); the other fields when saving.
        const icsLive = draft.ics.trim() !== '' && draft.ics !== settings.ics ? icsProblem(draft.ics) : null;
        const errors = icsLive ? { ...saveErrors, ics: icsLive } : saveErrors;
        const set = (field: keyof Draft) => (value: string) => setDraft({ ...draft, [field]: value });
        return (
          <>
            <fieldset className="subpanel">
              <legend>Créancier</legend>
              <div className="form-grid">
                <TextField path="ics" label="Identifiant créancier SEPA (ICS)" hint="Attribué par la Banque de France, ex. FR72ZZZ123456." maxLength={35} errors={errors} value={draft.ics} onChange={set('ics')} />
                <TextField path="creditorName" label="Nom du créancier" className="field-wide" maxLength={70} errors={errors} value={draft.creditorName} onChange={set('creditorName')} />
                <TextField path="creditorIban" label="IBAN du compte crédité" className="field-wide" hint="Le compte de la régie au Trésor public." maxLength={42} errors={errors} value={draft.creditorIban} onChange={set('creditorIban')} />
                <TextField path="creditorBic" label="BIC du compte crédité" maxLength={11} errors={errors} value={draft.creditorBic} onChange={set('creditorBic')} />
              </div>
            </fieldset>
            <fieldset className="subpanel">
              <legend>Prélèvements</legend>
              <div className="form-grid">
                <TextField
                  path="preNotificationDays"
                  label="Délai de pré-notification (jours)"
                  hint="14 jours, ou au moins 2 jours par accord avec les familles."
                  inputMode="numeric"
                  errors={errors}
                  value={draft.preNotificationDays}
                  onChange={set('preNotificationDays')}
                />
                <TextField path="collectionDay" label="Jour du mois des prélèvements" hint="De 1 à 28 ; reporté au jour ouvré suivant." inputMode="numeric" errors={errors} value={draft.collectionDay} onChange={set('collectionDay')} />
                <TextField path="rejectFeeCents" label="Frais proposés sur un rejet (€)" hint="Vide : aucun frais." inputMode="decimal" errors={errors} value={draft.rejectFeeCents} onChange={set('rejectFeeCents')} />
              </div>
            </fieldset>
          </>
        );
      }}
    </SectionForm>
  );
}
