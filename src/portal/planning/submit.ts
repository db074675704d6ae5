import { addDays } from '../../shared/calendar/days.js';
import { formatDayFr } from '../../shared/calendar/format.js';
import { describeDeadline } from '../../shared/planning/deadlines.js';
import { ABSENCE_REASON_CODES, type AbsenceReason } from '../../shared/planning/reasons.js';
import type { PortalRequest } from '../../shared/sync/contract.js';
import { controlCharsProblem, normaliseLineBreaks } from '../../shared/text/control-chars.js';
import { findCell, type PlanningAction, type PlanningContext } from './model.js';

/** A repeat never reaches beyond the published window; this bounds it anyway (a school year of one weekday). */
export const MAX_REPEATS = 45;

export interface PlanningForm {
  action: PlanningAction;
  childId: number;
  serviceId: number;
  day: string;
  /** Repeat the same weekday until this day (included); null for the chosen day only. */
  until: string | null;
  siblings: number[];
  reason: AbsenceReason | null;
  comment: string;
}

export type Built =
  | { ok: true; items: PortalRequest['items']; late: boolean; skipped: string[] }
  | { ok: false; message: string };

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Reads the fields of the action form; a missing or malformed field gives the French message to show. */
export function readForm(body: Record<string, unknown> | null, cell: { childId: number; serviceId: number; day: string }): { form: PlanningForm } | { message: string } {
  const text = (name: string): string => {
    const value = body?.[name];
    if (typeof value === 'string') return value;
    if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
    return '';
  };
  const action = text('action');
  if (action !== 'book' && action !== 'cancel' && action !== 'absence') return { message: 'Choisissez une action : réserver, annuler ou déclarer une absence.' };
  const until = text('jusqu_au').trim();
  if (until !== '' && (!ISO_DAY.test(until) || Number.isNaN(Date.parse(until)))) return { message: 'La date de fin de la répétition est invalide (jj/mm/aaaa).' };
  if (until !== '' && until < cell.day) return { message: 'La date de fin de la répétition doit être après le jour choisi.' };
  const rawSiblings = body?.freres;
  // Ticked boxes come as one value each; the confirmation page carries them in one hidden field, « 12 13 » (a
  // multipart form holds few fields).
  const siblings = [rawSiblings]
    .flat()
    .flatMap((v) => (typeof v === 'string' ? v.split(/[\s,]+/) : []))
    .filter((v) => /^\d{1,12}$/.test(v))
    .map(Number);
  let reason: AbsenceReason | null = null;
  if (action === 'absence') {
    const code = text('motif');
    if (!(ABSENCE_REASON_CODES as readonly string[]).includes(code)) return { message: 'Choisissez le motif de l’absence.' };
    reason = code as AbsenceReason;
  }
  // A textarea sends CRLF: stored as LF; any other control character is refused, not silently dropped.
  const comment = normaliseLineBreaks(text('commentaire')).trim();
  if (comment.length > 2000) return { message: 'Le commentaire ne doit pas dépasser 2 000 caractères.' };
  const hidden = controlCharsProblem(comment, 'multi-line', 'Commentaire');
  if (hidden) return { message: hidden };
  return { form: { action, ...cell, until: until === '' ? null : until, siblings, reason, comment } };
}

/**
 * The items of one request: the chosen day, the same weekday each week until `until`, for the chosen child and each
 * sibling ticked. Every item is judged now, by the portal's clock: a late one refuses the whole request for a
 * 'refuse' service (with the deadline in words), or marks it late for a 'late' service. Repeated or sibling days
 * where the action does not apply (closed, already asked) are left out and named; the chosen cell itself must allow it.
 */
export function buildItems(pc: PlanningContext, form: PlanningForm): Built {
  const days = [form.day];
  if (form.until) {
    const last = form.until < pc.publication.planning.to ? form.until : pc.publication.planning.to;
    for (let day = addDays(form.day, 7); day <= last && days.length < MAX_REPEATS; day = addDays(day, 7)) days.push(day);
  }
  const children = [form.childId, ...form.siblings.filter((id) => id !== form.childId)];
  const items: PortalRequest['items'] = [];
  const skipped: string[] = [];
  let late = false;
  for (const childId of children) {
    const child = pc.publication.children.find((c) => c.id === childId);
    if (!child) return { ok: false, message: 'Un des enfants choisis n’appartient pas à votre famille.' };
    for (const day of days) {
      const found = findCell(pc, childId, form.serviceId, day);
      const primary = childId === form.childId && day === form.day;
      const what = `${formatDayFr(day)}${children.length > 1 ? ` (${child.prenom})` : ''}`;
      if (!found) {
        if (primary) return { ok: false, message: 'Ce jour ne figure pas dans le planning publié.' };
        skipped.push(what);
        continue;
      }
      const offer = found.cell.offers.find((o) => o.action === form.action);
      if (!offer) {
        const missed = found.cell.missedDeadline;
        if (missed) {
          return {
            ok: false,
            message: `Demande refusée, hors délai : les changements du ${what} pour ${found.service.name} étaient possibles jusqu’au ${describeDeadline(missed)}.`,
          };
        }
        if (primary) return { ok: false, message: `Impossible pour le ${what} : ${lowerFirst(found.cell.lockedWhy ?? 'cette action n’est pas possible ce jour-là.')}` };
        skipped.push(what);
        continue;
      }
      if (!offer.onTime) late = true;
      items.push({ childId, serviceId: form.serviceId, day });
    }
  }
  if (items.length === 0) return { ok: false, message: 'Aucun jour ne peut recevoir cette demande.' };
  return { ok: true, items, late, skipped };
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
