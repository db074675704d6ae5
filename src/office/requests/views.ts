import type { RequestView } from '../../shared/api/contract.js';
import type { AbsenceReason } from '../../shared/planning/reasons.js';
import type { OfficeDb } from '../db/open.js';
import { ibanVault } from '../sepa/iban-vault.js';
import { maskedChanges } from './sealed-changes.js';

/** Requests with their items and decisions, newest first: the family's file and the portal show them. */
export async function requestViews(db: OfficeDb, where: { familyId: number } | { requestId: number }): Promise<RequestView[]> {
  const requests = await db
    .selectFrom('requests as r')
    .innerJoin('responsables as r1', (join) => join.onRef('r1.family_id', '=', 'r.family_id').on('r1.rank', '=', 1))
    .select([
      'r.id',
      'r.uid',
      'r.family_id',
      'r1.nom',
      'r1.prenom',
      'r.kind',
      'r.absence_reason',
      'r.comment',
      'r.source',
      'r.submitted_at',
      // A photo's bytes are not part of the listing.
      (eb) => eb.case().when('r.kind', '=', 'data_change').then(eb.ref('r.payload')).else(null).end().as('changes'),
    ])
    .$call((query) => ('familyId' in where ? query.where('r.family_id', '=', where.familyId) : query.where('r.id', '=', where.requestId)))
    .orderBy('r.submitted_at', 'desc')
    .orderBy('r.id', 'desc')
    .execute();
  if (requests.length === 0) return [];
  const items = await db
    .selectFrom('request_items as i')
    .innerJoin('requests as r', 'r.id', 'i.request_id')
    .leftJoin('children as c', 'c.id', 'i.child_id')
    .leftJoin('services as s', 's.id', 'i.service_id')
    .leftJoin('staff_users as u', 'u.id', 'i.decided_by')
    .select([
      'i.id',
      'i.request_id',
      'i.child_id',
      'c.prenom',
      'c.nom',
      'i.service_id',
      's.name as service_name',
      'i.day',
      'i.status',
      'i.late',
      'i.refusal_reason',
      'i.decided_at',
      'u.display_name',
      'i.auto',
      'i.forced',
    ])
    .$call((query) => ('familyId' in where ? query.where('r.family_id', '=', where.familyId) : query.where('r.id', '=', where.requestId)))
    .orderBy('i.day')
    .orderBy('i.id')
    .execute();
  const byRequest = new Map<number, RequestView['items']>();
  for (const item of items) {
    const list = byRequest.get(item.request_id) ?? [];
    list.push({
      id: item.id,
      childId: item.child_id,
      childName: item.prenom ? `${item.prenom} ${item.nom ?? ''}`.trim() : '',
      serviceId: item.service_id,
      serviceName: item.service_name ?? '',
      day: item.day,
      status: item.status,
      late: item.late === 1,
      refusalReason: item.refusal_reason,
      decidedAt: item.decided_at,
      decidedBy: item.display_name ?? (item.auto === 1 ? 'Acceptation automatique' : null),
      auto: item.auto === 1,
      forced: item.forced === 1,
    });
    byRequest.set(item.request_id, list);
  }
  return requests.map((request) => ({
    id: request.id,
    uid: request.uid,
    familyId: request.family_id,
    familyName: `${request.nom} ${request.prenom}`,
    kind: request.kind,
    reason: request.absence_reason as AbsenceReason | null,
    comment: request.comment,
    source: request.source,
    submittedAt: request.submitted_at,
    changes: request.changes ? maskedChanges(ibanVault(db), request.changes) : [],
    items: byRequest.get(request.id) ?? [],
  }));
}
