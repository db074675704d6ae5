import type { DataChange, DecisionOutcome, RequestKind } from '../../shared/api/contract.js';
import { formatInstantFr, shortDayFr } from '../../shared/calendar/format.js';
import { openingOn } from '../../shared/calendar/opening.js';
import type { AbsenceReason } from '../../shared/planning/reasons.js';
import { ApiFailure } from '../api/handler.js';
import { loadCalendar, loadServices } from '../planning/store.js';
import { applyAccepted } from './apply.js';
import { cellKey, chunks, dayFr, isPlanningKind, refused, type Trx } from './common.js';
import { checkDataChanges } from './data-changes.js';

export const REFUSAL_MAX = 300;

export interface Decision {
  itemIds: number[];
  decision: 'accept' | 'refuse';
  refusalReason: string | null;
  userId: number;
  /** ISO instant of the decision. */
  at: string;
  /** Paris day of the decision (data changes are checked against it). */
  today: string;
}

interface ItemRow {
  id: number;
  status: 'pending' | 'accepted' | 'refused';
  child_id: number | null;
  service_id: number | null;
  day: string | null;
  decided_at: string | null;
  decided_by_name: string | null;
  request_id: number;
  family_id: number;
  kind: RequestKind;
  absence_reason: string | null;
  payload: string | null;
  child_archived: string | null;
  prenom: string | null;
  family_archived: string | null;
}

/**
 * Accepts or refuses a selection of pending items in the caller's transaction: accepted items change the planning (or
 * the records) at once, every decision records who and when. Items no longer pending, or that the planning no longer
 * allows, are skipped with the reason instead of failing the whole selection.
 */
export async function decideItems(trx: Trx, decision: Decision): Promise<DecisionOutcome> {
  const reason = decision.refusalReason?.trim() ?? '';
  if (decision.decision === 'refuse') {
    if (reason === '') throw refused('Indiquez le motif du refus : la famille le lira.', 'refusalReason');
    if (reason.length > REFUSAL_MAX) throw refused(`Le motif du refus fait ${REFUSAL_MAX} caractères au plus.`, 'refusalReason');
  }
  const ids = [...new Set(decision.itemIds)];
  const rows = new Map<number, ItemRow>();
  for (const slice of chunks(ids)) {
    const found = await trx
      .selectFrom('request_items as i')
      .innerJoin('requests as r', 'r.id', 'i.request_id')
      .innerJoin('families as f', 'f.id', 'r.family_id')
      .leftJoin('children as c', 'c.id', 'i.child_id')
      .leftJoin('staff_users as u', 'u.id', 'i.decided_by')
      .select([
        'i.id',
        'i.status',
        'i.child_id',
        'i.service_id',
        'i.day',
        'i.decided_at',
        'u.display_name as decided_by_name',
        'r.id as request_id',
        'r.family_id',
        'r.kind',
        'r.absence_reason',
        'r.payload',
        'c.archived_at as child_archived',
        'c.prenom',
        'f.archived_at as family_archived',
      ])
      .where('i.id', 'in', slice)
      .execute();
    for (const row of found) rows.set(row.id, row);
  }

  const outcome: DecisionOutcome = { accepted: 0, refused: 0, skipped: [] };
  const decidable: ItemRow[] = [];
  for (const id of ids) {
    const row = rows.get(id);
    if (!row) outcome.skipped.push({ itemId: id, why: 'Demande introuvable.' });
    else if (row.status !== 'pending') {
      const who = row.decided_by_name ?? 'la règle automatique';
      const when = row.decided_at ? ` le ${formatInstantFr(row.decided_at)}` : '';
      outcome.skipped.push({ itemId: id, why: `Déjà ${row.status === 'accepted' ? 'acceptée' : 'refusée'} par ${who}${when}.` });
    } else decidable.push(row);
  }

  const done: ItemRow[] = [];
  if (decision.decision === 'refuse') done.push(...decidable);
  else done.push(...(await acceptAll(trx, decidable, decision, outcome)));

  for (const slice of chunks(done.map((row) => row.id))) {
    await trx
      .updateTable('request_items')
      .set({
        status: decision.decision === 'accept' ? 'accepted' : 'refused',
        refusal_reason: decision.decision === 'refuse' ? reason : null,
        decided_by: decision.userId,
        decided_at: decision.at,
        auto: 0,
      })
      .where('id', 'in', slice)
      .where('status', '=', 'pending')
      .execute();
  }
  if (decision.decision === 'refuse') {
    outcome.refused = done.length;
    // Accepted changes are audited where they are applied; a refusal changes nothing but must still be traceable.
    for (const slice of chunks(done, 300)) {
      await trx
        .insertInto('audit_log')
        .values(
          slice.map((row) => ({
            at: decision.at,
            user_id: decision.userId,
            family_id: row.family_id,
            child_id: row.child_id,
            entity: 'request',
            entity_id: row.request_id,
            action: 'refuse',
            field: row.day ? `Demande n° ${row.request_id} · ${shortDayFr(row.day)}` : `Demande n° ${row.request_id}`,
            old_value: 'En attente',
            new_value: `Refusée : ${reason}`,
          })),
        )
        .execute();
    }
  } else outcome.accepted = done.length;
  return outcome;
}

/** Applies each acceptable item; returns those applied and records the others as skipped. */
async function acceptAll(trx: Trx, items: ItemRow[], decision: Decision, outcome: DecisionOutcome): Promise<ItemRow[]> {
  const planning = items.filter((row) => isPlanningKind(row.kind) && row.day !== null);
  const [services, calendar] = await Promise.all([loadServices(trx), loadCalendar(trx)]);
  const serviceById = new Map(services.map((service) => [service.id, service]));
  const stateOf = new Map<string, string>();
  if (planning.length > 0) {
    const days = planning.map((row) => row.day!).sort();
    for (const slice of chunks([...new Set(planning.map((row) => row.child_id!))])) {
      const states = await trx
        .selectFrom('planning_days')
        .select(['child_id', 'service_id', 'day', 'state'])
        .where('child_id', 'in', slice)
        .where('day', '>=', days[0]!)
        .where('day', '<=', days[days.length - 1]!)
        .execute();
      for (const row of states) stateOf.set(cellKey(row.child_id, row.service_id, row.day), row.state);
    }
  }

  const applied: ItemRow[] = [];
  for (const row of items) {
    const skip = (why: string) => outcome.skipped.push({ itemId: row.id, why });
    if (row.family_archived !== null) {
      skip('La fiche de la famille est archivée.');
      continue;
    }
    if (row.child_archived !== null) {
      skip(`La fiche de ${row.prenom ?? "l'enfant"} est archivée.`);
      continue;
    }
    if (isPlanningKind(row.kind)) {
      const service = serviceById.get(row.service_id ?? 0);
      const day = row.day ?? '';
      if (!service) {
        skip('Service inconnu.');
        continue;
      }
      const opening = openingOn(service, day, calendar);
      if (!opening.open) {
        skip(`${service.name} est fermé le ${dayFr(day)} : ${opening.why}.`);
        continue;
      }
      const key = cellKey(row.child_id!, service.id, day);
      const state = stateOf.get(key);
      if (row.kind === 'book' && state === 'booked') {
        skip(`Le ${dayFr(day)} est déjà réservé.`);
        continue;
      }
      if (row.kind !== 'book' && state !== 'booked') {
        skip(`Le ${dayFr(day)} n'est plus réservé (${state === 'absent' ? 'déjà absent' : state === 'cancelled' ? 'déjà annulé' : 'jamais réservé'}).`);
        continue;
      }
      stateOf.set(key, row.kind === 'book' ? 'booked' : row.kind === 'cancel' ? 'cancelled' : 'absent');
    } else if (row.kind === 'data_change') {
      try {
        await checkDataChanges(trx, row.family_id, JSON.parse(row.payload ?? '[]') as DataChange[], decision.today);
      } catch (error) {
        if (!(error instanceof ApiFailure)) throw error;
        skip(error.message);
        continue;
      }
    }
    await applyAccepted(
      trx,
      {
        itemId: row.id,
        requestId: row.request_id,
        familyId: row.family_id,
        kind: row.kind,
        childId: row.child_id,
        serviceId: row.service_id,
        day: row.day,
        reason: row.absence_reason as AbsenceReason | null,
        payload: row.payload,
      },
      { userId: decision.userId, at: decision.at, today: decision.today, auto: false },
    );
    applied.push(row);
  }
  return applied;
}
