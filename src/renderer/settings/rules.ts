import type { ChangeKind, DeadlineRule } from '../../shared/planning/rules.js';

export const CHANGE_KINDS: Record<ChangeKind, string> = {
  booking: 'Réservation',
  cancel: 'Annulation',
  absence: 'Absence',
};

export const RULE_KINDS: Record<DeadlineRule['kind'], string> = {
  weekday_of_previous_week: 'Un jour de la semaine précédente',
  days_before: 'J-n (jours calendaires)',
  working_days_before: 'n jours ouvrés avant',
  day_of_previous_month: 'Un jour du mois précédent',
  none: 'Sans délai',
};

/** Editing form of a rule: every number kept as typed, so a half-typed value is not lost between kinds. */
export interface RuleDraft {
  kind: DeadlineRule['kind'];
  weekday: string;
  days: string;
  day: string;
  time: string;
}

export function ruleToDraft(rule: DeadlineRule): RuleDraft {
  return {
    kind: rule.kind,
    weekday: String(rule.kind === 'weekday_of_previous_week' ? rule.weekday : 3),
    days: String(rule.kind === 'days_before' || rule.kind === 'working_days_before' ? rule.days : 2),
    day: String(rule.kind === 'day_of_previous_month' ? rule.day : 20),
    time: rule.kind === 'none' ? '12:00' : rule.time,
  };
}

/** The rule, or French errors keyed under `prefix` (e.g. 'deadlines.booking.days'). */
export function draftToRule(draft: RuleDraft, prefix: string): { rule: DeadlineRule | null; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  if (draft.kind === 'none') return { rule: { kind: 'none' }, errors };
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(draft.time)) errors[`${prefix}.time`] = 'Heure invalide (format hh:mm attendu).';
  const whole = (text: string, min: number, max: number, field: string, message: string): number => {
    const value = Number(text.trim());
    if (text.trim() === '' || !Number.isInteger(value) || value < min || value > max) errors[`${prefix}.${field}`] = message;
    return value;
  };
  let rule: DeadlineRule;
  switch (draft.kind) {
    case 'weekday_of_previous_week':
      rule = { kind: draft.kind, weekday: whole(draft.weekday, 1, 7, 'weekday', 'Jour de semaine inconnu.'), time: draft.time };
      break;
    case 'days_before':
      rule = { kind: draft.kind, days: whole(draft.days, 0, 60, 'days', 'Nombre de jours entre 0 et 60.'), time: draft.time };
      break;
    case 'working_days_before':
      rule = { kind: draft.kind, days: whole(draft.days, 0, 40, 'days', 'Nombre de jours ouvrés entre 0 et 40.'), time: draft.time };
      break;
    case 'day_of_previous_month':
      rule = { kind: draft.kind, day: whole(draft.day, 1, 28, 'day', 'Choisissez un jour entre 1 et 28.'), time: draft.time };
      break;
  }
  return Object.keys(errors).length > 0 ? { rule: null, errors } : { rule, errors };
}

/** « 19 enfants marqués absents sur 1 jour. »: children and days counted apart (the office answers both). */
export function eventAbsenceNote({ children, days }: { children: number; days: number }): string {
  if (children === 0) return 'Aucun enfant attendu ces jours-là : aucune absence enregistrée.';
  const s = children > 1 ? 's' : '';
  return `${children} enfant${s} marqué${s} absent${s} sur ${days} jour${days > 1 ? 's' : ''}.`;
}
