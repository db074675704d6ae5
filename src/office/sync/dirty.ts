import { sql, type Transaction } from 'kysely';
import type { OfficeDatabase } from '../db/schema.js';
import { planningWindow } from './publication.js';

type Trx = Transaction<OfficeDatabase>;

/**
 * Calendar and service changes reach families through their own publications, not through the commune-wide settings.
 *
 * Chosen over letting the portal derive opening and deadlines from the published calendar and services: each family's
 * publication already carries its cells as the office computed them (closed and why, the deadline of each day), the
 * office is the source of truth, and the portal then shows exactly what the office decided, with one computation in
 * one place (src/office/planning/child-planning.ts over src/shared/calendar/opening.ts) instead of two that must agree
 * forever. The settings stay a summary for the portal's texts.
 *
 * The cost is republishing the families concerned, so they are chosen narrowly: the change's days cut to the window
 * families see (a change beyond it costs nothing now; the window's move republishes everyone anyway), and only the
 * families with a child inscribed, booked or asking on those days for the service. A commune-wide closure inside the
 * window still marks most families: 30,000 of them go out in the publisher's batches over the following syncs, while
 * the office keeps working (nothing here waits for the portal).
 *
 * Marked by the office's own writers, in the change's transaction, rather than by SQL triggers like the family data of
 * 0003: which days a change touches depends on its kind and on the window the office's clock gives.
 */

/** Days whose opening or rules changed: for one service, or every service when serviceId is null. */
export interface ChangedDays {
  serviceId: number | null;
  from: string;
  to: string;
}

async function markService(trx: Trx, serviceId: number, from: string, to: string, inscriptionsTo: string): Promise<void> {
  await sql`
    INSERT INTO sync_dirty (family_id, mark)
    SELECT DISTINCT c.family_id, 1 FROM children AS c
    WHERE c.id IN (
      SELECT child_id FROM inscriptions WHERE service_id = ${serviceId} AND start_date <= ${inscriptionsTo} AND end_date >= ${from}
      UNION SELECT child_id FROM planning_days WHERE service_id = ${serviceId} AND day >= ${from} AND day <= ${to}
      UNION SELECT child_id FROM request_items WHERE status = 'pending' AND service_id = ${serviceId} AND day >= ${from} AND day <= ${to}
    )
    ON CONFLICT (family_id) DO UPDATE SET mark = mark + 1`.execute(trx);
}

export async function markFamiliesForDays(trx: Trx, changes: ChangedDays[], now: Date): Promise<void> {
  const window = planningWindow(now);
  const allServices = changes.some((change) => change.serviceId === null)
    ? (await trx.selectFrom('services').select('id').execute()).map((row) => row.id)
    : [];
  for (const change of changes) {
    const from = change.from > window.from ? change.from : window.from;
    const to = change.to < window.to ? change.to : window.to;
    if (from > to) continue;
    // One service at a time, so planning_days is read through its (service_id, day) index even at 30,000 families.
    for (const serviceId of change.serviceId === null ? allServices : [change.serviceId]) await markService(trx, serviceId, from, to, to);
  }
}

/**
 * A service changed in a way families see (name, days, rules, capacity): its families over the visible window, and
 * those with a later inscription to it, since the publication lists inscriptions with the service's name.
 */
export async function markFamiliesForService(trx: Trx, serviceId: number, now: Date): Promise<void> {
  const window = planningWindow(now);
  await markService(trx, serviceId, window.from, window.to, '9999-12-31');
}

/**
 * Every family, for a change that may alter what each of them sees: the QF rule of Paramètres › Facturation decides
 * every family's bracket. To call in the transaction that saves the billing settings when qfRule changed (the issuer
 * and due days only reach families through invoices issued afterwards, which mark their own families).
 */
export async function markAllFamilies(trx: Trx): Promise<void> {
  await sql`INSERT INTO sync_dirty (family_id, mark) SELECT id, 1 FROM families WHERE true ON CONFLICT (family_id) DO UPDATE SET mark = mark + 1`.execute(trx);
}
