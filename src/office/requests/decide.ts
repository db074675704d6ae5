import type { DecisionOutcome, RequestKind } from '../../shared/api/contract.js';
import { formatInstantFr, shortDayFr } from '../../shared/calendar/format.js';
import type { AbsenceReason } from '../../shared/planning/reasons.js';
import { fullWhy, judgeDayChange } from '../../shared/planning/transitions.js';
import { ApiFailure } from '../api/handler.js';
import { AuditBatch } from '../audit/write.js';
import { DayBook } from '../planning/day-facts.js';
import { loadCalendar, loadServices, type KnownDay } from '../planning/store.js';
import { applyAccepted } from './apply.js';
import { chunks, isPlanningKind, refused, type Trx } from './common.js';
import { checkDataChanges, DataChangeRecords } from './data-changes.js';
import { ibanVault } from '../sepa/iban-vault.js';
import { openedChanges } from './sealed-changes.js';

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
  /** The agent confirmed accepting bookings over the day's capacity: recorded on each item so accepted. */
  force?: boolean;
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
  submitted_at: string;
  late: number;
  kind: RequestKind;
  absence_reason: string | null;
  payload: string | null;
  child_archived: string | null;
  child_family: number | null;
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
        'r.submitted_at',
        'i.late',
        'r.kind',
        'r.absence_reason',
        'r.payload',
        'c.archived_at as child_archived',
        'c.family_id as child_family',
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
  const planning = items.filter((row) => isPlanningKind(row.kind) && row.day !== null && row.child_id !== null && row.service_id !== null);
  const [services, calendar] = await Promise.all([loadServices(trx), loadCalendar(trx)]);
  const cells = planning.map((row) => ({ childId: row.child_id!, serviceId: row.service_id!, day: row.day! }));
  const book = await DayBook.load(trx, cells, services, calendar, { ignorePendingItems: planning.map((row) => row.id) });

  // The queue's order (oldest request first), whatever the selection's: the same item is the one over capacity.
  items = [...items].sort((a, b) => a.submitted_at.localeCompare(b.submitted_at) || a.id - b.id);
  const applied: ItemRow[] = [];
  const forced: { row: ItemRow; why: string }[] = [];
  // Planning changes' audit rows are written together; flushed before a data change or photo writes its own.
  const audits = new AuditBatch();
  const records = new DataChangeRecords();
  for (const row of items) {
    const skip = (why: string) => outcome.skipped.push({ itemId: row.id, why });
    let known: KnownDay | undefined;
    if (row.family_archived !== null) {
      skip('La fiche de la famille est archivée.');
      continue;
    }
    if (row.child_archived !== null) {
      skip(`La fiche de ${row.prenom ?? "l'enfant"} est archivée.`);
      continue;
    }
    if (isPlanningKind(row.kind)) {
      const service = book.service(row.service_id ?? 0);
      if (!service || row.day === null || row.child_id === null) {
        skip('Service inconnu.');
        continue;
      }
      const cell = { childId: row.child_id, serviceId: service.id, day: row.day };
      const places = book.bookedOn(service.id, row.day);
      // The pending item decided here is not a conflict with itself; the family's deadline was judged when they asked.
      const judged = judgeDayChange({ ...book.facts(cell, { service: service.name }), pending: false }, {
        change: row.kind,
        asker: 'decision',
        at: new Date(row.submitted_at),
        today: decision.today,
        force: decision.force ?? false,
      });
      if (!judged.allowed) {
        if (judged.code === 'full') outcome.skipped.push({ itemId: row.id, why: judged.why, full: true });
        else skip(judged.why);
        continue;
      }
      if (judged.forced) forced.push({ row, why: fullWhy(places, service.capacity ?? 0, row.day) });
      known = { before: book.storedDay(cell), familyId: row.child_family, serviceName: service.name };
      book.record(cell, judged.effect, { absenceReason: row.absence_reason as AbsenceReason | null, late: row.late === 1 });
    } else if (row.kind === 'data_change') {
      try {
        await checkDataChanges(trx, row.family_id, openedChanges(ibanVault(trx), row.payload), decision.today, records);
      } catch (error) {
        if (!(error instanceof ApiFailure)) throw error;
        skip(error.message);
        continue;
      }
    }
    if (!isPlanningKind(row.kind)) await audits.flush(trx);
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
        late: row.late === 1,
        ...(known ? { known } : {}),
      },
      { userId: decision.userId, at: decision.at, today: decision.today, auto: false },
      audits,
      records,
    );
    applied.push(row);
  }
  await audits.flush(trx);
  await recordForced(trx, forced, decision);
  return applied;
}

/** A booking accepted over capacity: flagged on its item (decided_by and decided_at say who and when) and audited. */
async function recordForced(trx: Trx, forced: { row: ItemRow; why: string }[], decision: Decision): Promise<void> {
  for (const slice of chunks(forced.map((entry) => entry.row.id))) {
    await trx.updateTable('request_items').set({ forced: 1 }).where('id', 'in', slice).execute();
  }
  const audits = new AuditBatch();
  for (const { row, why } of forced) {
    audits.add(
      { at: decision.at, userId: decision.userId, entity: 'request', entityId: row.request_id, familyId: row.family_id, childId: row.child_id, action: 'force' },
      [{ field: `Demande n° ${row.request_id} · ${shortDayFr(row.day ?? '')}`, oldValue: why, newValue: 'Réservation acceptée au-delà de la capacité, sur confirmation' }],
    );
  }
  await audits.flush(trx);
}
