import type { ServiceBillingRules } from '../../shared/api/billing.js';
import { checkBillingRules, DEFAULT_BILLING_RULES, type BillingRules, type ReasonRule } from '../../shared/billing/rules.js';
import { describeReasonRule, RULE_FLAG_LABELS } from '../../shared/billing/settings.js';
import { ABSENCE_REASON_CODES, ABSENCE_REASONS, type AbsenceReason } from '../../shared/planning/reasons.js';
import { api } from '../api/bridge.js';
import { CheckboxField, SelectField, TextField } from '../components/fields.js';
import { SectionForm } from '../components/SectionForm.js';

type Flag = keyof typeof RULE_FLAG_LABELS;
const FLAGS = Object.keys(RULE_FLAG_LABELS) as Flag[];

interface ReasonDraft {
  kind: ReasonRule['kind'];
  /** As typed, kept when the kind changes. */
  days: string;
  certificateRequired: boolean;
}

type RulesDraft = { reasons: Record<AbsenceReason, ReasonDraft> } & Record<Flag, boolean>;

const KINDS: Record<ReasonRule['kind'], string> = {
  billed: 'Facturée',
  not_billed: 'Non facturée',
  waiting_days: 'Facturée les premiers jours (carence)',
};

function toDraft(rules: BillingRules): RulesDraft {
  const reasons = Object.fromEntries(
    ABSENCE_REASON_CODES.map((code) => {
      const rule = rules.reasons[code];
      return [code, rule.kind === 'waiting_days' ? { kind: rule.kind, days: String(rule.days), certificateRequired: rule.certificateRequired } : { kind: rule.kind, days: '1', certificateRequired: true }];
    }),
  ) as Record<AbsenceReason, ReasonDraft>;
  const flags = Object.fromEntries(FLAGS.map((flag) => [flag, rules[flag]])) as Record<Flag, boolean>;
  return { reasons, ...flags };
}

function fromDraft(draft: RulesDraft): { rules: BillingRules | null; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const reasons = {} as Record<AbsenceReason, ReasonRule>;
  for (const code of ABSENCE_REASON_CODES) {
    const reason = draft.reasons[code];
    if (reason.kind !== 'waiting_days') {
      reasons[code] = { kind: reason.kind };
      continue;
    }
    const text = reason.days.trim();
    if (!/^\d+$/.test(text)) errors[`reasons.${code}.days`] = 'Le nombre de jours de carence est un nombre entier.';
    reasons[code] = { kind: 'waiting_days', days: Number(text), certificateRequired: reason.certificateRequired };
  }
  const rules = { reasons, ...Object.fromEntries(FLAGS.map((flag) => [flag, draft[flag]])) } as BillingRules;
  // The shared check gives the same messages the office would.
  const checked = checkBillingRules(rules);
  if (!checked.ok) for (const [path, message] of Object.entries(checked.error.fields ?? {})) errors[path] ??= message;
  return Object.keys(errors).length > 0 ? { rules: null, errors } : { rules, errors };
}

/** The billing rules of one service: each absence reason declared after its deadline, and the service-wide flags. */
export function BillingRulesForm({ serviceName, entry, canEdit, onSaved }: { serviceName: string; entry: ServiceBillingRules; canEdit: boolean; onSaved(next: ServiceBillingRules): void }) {
  return (
    <SectionForm<RulesDraft>
      id="billing-rules-form"
      title={`Règles de facturation : ${serviceName}`}
      headerExtra={entry.custom ? null : <span className="badge badge-muted">Règles par défaut</span>}
      initial={toDraft(entry.rules)}
      canEdit={canEdit}
      validate={(draft) => fromDraft(draft).errors}
      save={async (draft) => {
        const result = await api.call('billingRules.save', { serviceId: entry.serviceId, rules: fromDraft(draft).rules! });
        if (result.ok) onSaved(result.value);
        return result;
      }}
    >
      {(draft, setDraft, errors) => {
        const setReason = (code: AbsenceReason, patch: Partial<ReasonDraft>) =>
          setDraft({ ...draft, reasons: { ...draft.reasons, [code]: { ...draft.reasons[code], ...patch } } });
        return (
          <>
            <p className="muted">
              Un jour réservé et présent est facturé ; une absence déclarée dans les délais ou une annulation à temps ne l’est pas ; un jour de
              fermeture ne l’est jamais. Pour une absence déclarée hors délai, la règle dépend du motif :
            </p>
            <div className="form-grid form-grid-panels">
              {ABSENCE_REASON_CODES.map((code) => {
                const reason = draft.reasons[code];
                return (
                  <fieldset key={code} className="subpanel">
                    <legend>{ABSENCE_REASONS[code]}</legend>
                    <SelectField path={`reasons.${code}.kind`} label="Absence hors délai" errors={errors} value={reason.kind} options={KINDS} onChange={(kind) => setReason(code, { kind })} />
                    {reason.kind === 'waiting_days' ? (
                      <>
                        <TextField path={`reasons.${code}.days`} label="Jours de carence facturés" inputMode="numeric" errors={errors} value={reason.days} onChange={(days) => setReason(code, { days })} />
                        <CheckboxField
                          path={`reasons.${code}.certificateRequired`}
                          label="Justificatif exigé pour ne pas facturer la suite"
                          errors={errors}
                          checked={reason.certificateRequired}
                          onChange={(certificateRequired) => setReason(code, { certificateRequired })}
                        />
                      </>
                    ) : null}
                  </fieldset>
                );
              })}
            </div>
            <fieldset className="subpanel">
              <legend>Autres règles du service</legend>
              <div className="form-grid">
                {FLAGS.map((flag) => (
                  <CheckboxField key={flag} path={flag} label={RULE_FLAG_LABELS[flag]} errors={errors} checked={draft[flag]} onChange={(checked) => setDraft({ ...draft, [flag]: checked })} />
                ))}
              </div>
            </fieldset>
            <p className="muted">
              Par défaut : {ABSENCE_REASONS.MEDICAL}, {describeReasonRule(DEFAULT_BILLING_RULES.reasons.MEDICAL).toLowerCase()}.
            </p>
          </>
        );
      }}
    </SectionForm>
  );
}
