import type { NewRequest, ServiceConfig } from '../../shared/api/contract.js';
import { daysBetween } from '../../shared/calendar/days.js';
import { imageMime, PHOTO_MAX_BYTES } from '../../shared/children/input.js';
import { parisDay } from '../../shared/clock.js';
import { ABSENCE_REASONS, type AbsenceReason } from '../../shared/planning/reasons.js';
import { judgeDayChange } from '../../shared/planning/transitions.js';
import { AuditBatch } from '../audit/write.js';
import { decodeBase64, DOCUMENT_MAX_BYTES, documentMime } from '../families/documents.js';
import { CERTIFICATE_TOO_BIG_MESSAGE, PHOTO_ALREADY_PENDING_MESSAGE } from '../../shared/files/limits.js';
import type { DayBook } from '../planning/day-facts.js';
import { applyAccepted } from './apply.js';
import { cellKey, dayFr, isPlanningKind, refused, type PlanningKind, type Trx } from './common.js';
import { checkDataChanges, officeLabelled } from './data-changes.js';
import { SubmissionFacts } from './submission-facts.js';
import { ibanVault } from '../sepa/iban-vault.js';
import { sealedPayload } from './sealed-changes.js';

/** A request as it arrives, from the office's counter or from the portail famille. */
export interface RequestSubmission extends NewRequest {
  /** Born where the request is created: the portal's sync sends the same uid again and nothing is doubled. */
  uid: string;
  source: 'office' | 'portal';
  /** When the family asked: the deadlines are judged at this instant. */
  submittedAt: Date;
  /** The staff member who typed it at the office; null for the portal. */
  submittedBy: number | null;
}

interface PlannedItem {
  childId: number;
  serviceId: number;
  day: string;
  late: boolean;
}

/**
 * Checks a request, stores it with its items and accepts at once what the services' automatic rules allow, in the
 * caller's transaction. Any problem refuses the whole request with a French message and nothing is written (the
 * caller's transaction rolls back). Returns the request's id (the existing one when the uid was already received).
 * A caller storing many requests (the sync pull) loads `facts` once for all of them and passes it to each call; the
 * request is then judged in memory and the facts are kept in step with what it stored.
 */
export async function submitRequest(trx: Trx, request: RequestSubmission, facts?: SubmissionFacts, audits?: AuditBatch): Promise<number> {
  if (!facts || !audits) {
    // One request on its own: its facts are read for it, its audit rows written before returning.
    const own = new AuditBatch();
    const id = await submitRequest(trx, request, facts ?? (await SubmissionFacts.load(trx, [request])), own);
    await own.flush(trx);
    return id;
  }
  const seen = facts.requestId(request.uid);
  if (seen !== undefined) return seen;

  const at = request.submittedAt.toISOString();
  const today = parisDay(request.submittedAt);
  const family = facts.family(request.familyId);
  if (!family) throw refused('Famille introuvable.', 'familyId');
  if (family.archived_at !== null) throw refused('La fiche de cette famille est archivée : réactivez-la avant d’enregistrer une demande.', 'familyId');

  const comment = request.comment.trim();
  let reason: AbsenceReason | null = null;
  let planned: PlannedItem[] = [];
  let payload: string | null = null;
  let itemChildId: number | null = null;
  const { services, book } = facts;

  if (isPlanningKind(request.kind)) {
    if (request.kind === 'absence') {
      if (request.reason === null) throw refused("Choisissez le motif de l'absence.", 'reason');
      if (!(request.reason in ABSENCE_REASONS)) throw refused(`Motif d'absence inconnu : ${String(request.reason)}.`, 'reason');
      reason = request.reason;
    }
    planned = checkPlanningItems(request, request.kind, facts);
  } else if (request.kind === 'data_change') {
    if (request.changes.length === 0) throw refused('La demande ne contient aucune modification.', 'changes');
    await checkDataChanges(trx, request.familyId, request.changes, today);
    payload = sealedPayload(ibanVault(trx), officeLabelled(request.changes));
    const children = new Set(request.changes.filter((change) => change.entity === 'child').map((change) => change.entityId));
    itemChildId = children.size === 1 && request.changes.every((change) => change.entity === 'child') ? [...children][0]! : null;
  } else {
    const photo = request.photo;
    if (!photo) throw refused('Joignez la nouvelle photo.', 'photo');
    checkFamilyChild(facts, request.familyId, photo.childId, 'photo');
    const bytes = decodeBase64(photo.base64);
    if (!bytes || bytes.length === 0 || !imageMime(bytes)) throw refused("Ce fichier n'est pas une image (JPEG, PNG ou WebP).", 'photo');
    if (bytes.length > PHOTO_MAX_BYTES) throw refused(`La photo dépasse ${PHOTO_MAX_BYTES / 1024 / 1024} Mo.`, 'photo');
    const base64 = bytes.toString('base64');
    if (await photoPendingAlready(trx, photo.childId, base64)) throw refused(PHOTO_ALREADY_PENDING_MESSAGE, 'photo');
    payload = JSON.stringify({ childId: photo.childId, mime: imageMime(bytes), base64 });
    itemChildId = photo.childId;
  }

  const certificateId = request.certificate ? await storeCertificate(trx, request, at, today, audits) : null;

  const { id: requestId } = await trx
    .insertInto('requests')
    .values({
      uid: request.uid,
      family_id: request.familyId,
      kind: request.kind,
      absence_reason: reason,
      comment,
      certificate_document_id: certificateId,
      payload,
      source: request.source,
      submitted_at: at,
      submitted_by: request.submittedBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();

  const rows = isPlanningKind(request.kind)
    ? planned.map((item) => ({ request_id: requestId, child_id: item.childId, service_id: item.serviceId, day: item.day, late: item.late ? 1 : 0 }))
    : [{ request_id: requestId, child_id: itemChildId, service_id: null, day: null, late: 0 }];
  const inserted = await trx.insertInto('request_items').values(rows).returning(['id', 'child_id', 'service_id', 'day', 'late']).execute();

  audits.add(
    { at, userId: request.submittedBy, entity: 'request', entityId: requestId, familyId: request.familyId, childId: itemChildId, action: 'create' },
    [{ field: 'Demande reçue', oldValue: null, newValue: `${REQUEST_KIND_TEXT[request.kind]} (${request.source === 'office' ? "saisie à l'accueil" : 'portail famille'}, ${rows.length} élément${rows.length > 1 ? 's' : ''})` }],
  );

  // First change to the facts, before the pending cells and the automatic acceptances: a caller whose savepoint rolls
  // this request back reloads the facts when it finds the uid held.
  facts.held(request.uid, requestId);
  if (isPlanningKind(request.kind)) {
    for (const item of planned) book.markPending(item);
    await acceptAutomatically(trx, request.kind, requestId, request.familyId, reason, inserted, services, book, request.submittedAt, at, today, audits);
  }
  return requestId;
}

export const REQUEST_KIND_TEXT = {
  book: 'Réservation',
  cancel: 'Annulation',
  absence: 'Absence',
  data_change: 'Modification de données',
  photo: 'Nouvelle photo',
} as const;

/**
 * Whether a photo with these very bytes awaits a decision for this child: a second one would only be a copy in the
 * database and a second identical line in the queue (a portal sends each request once, but a family may send the same
 * file twice, or an older portal did). Only the child's pending photos are read.
 */
async function photoPendingAlready(trx: Trx, childId: number, base64: string): Promise<boolean> {
  const pending = await trx
    .selectFrom('requests')
    .innerJoin('request_items', 'request_items.request_id', 'requests.id')
    .select('requests.payload')
    .where('requests.kind', '=', 'photo')
    .where('request_items.child_id', '=', childId)
    .where('request_items.status', '=', 'pending')
    .execute();
  return pending.some((row) => {
    const stored = JSON.parse(row.payload ?? 'null') as { base64?: unknown } | null;
    return stored?.base64 === base64;
  });
}

function checkFamilyChild(facts: SubmissionFacts, familyId: number, childId: number, field: string): void {
  const child = facts.child(childId);
  if (!child || child.family_id !== familyId) throw refused("Cet enfant n'appartient pas à cette famille.", field);
  if (child.archived_at !== null) throw refused(`La fiche de ${child.prenom} est archivée.`, field);
}

function checkPlanningItems(request: RequestSubmission, kind: PlanningKind, facts: SubmissionFacts): PlannedItem[] {
  const { services, book } = facts;
  const items = request.items;
  if (items.length === 0) throw refused('La demande ne porte sur aucun jour : choisissez au moins un jour.');
  const days = items.map((item) => item.day).sort();
  const first = days[0]!;
  const last = days[days.length - 1]!;
  if (daysBetween(first, last) + 1 > facts.longestYear) {
    throw refused(`La demande va du ${dayFr(first)} au ${dayFr(last)} : c'est plus d'une année scolaire. Faites une demande par année.`);
  }

  const childIds = [...new Set(items.map((item) => item.childId))];
  const children = new Map(childIds.map((childId) => [childId, facts.child(childId)]));
  for (const childId of childIds) {
    const child = children.get(childId);
    if (!child || child.family_id !== request.familyId) throw refused("Un des enfants de la demande n'appartient pas à cette famille.");
    if (child.archived_at !== null) throw refused(`La fiche de ${child.prenom} est archivée : aucune demande ne peut la concerner.`);
  }
  for (const serviceId of new Set(items.map((item) => item.serviceId))) {
    if (!services.get(serviceId)?.active) throw refused('Service inconnu.', 'serviceId');
  }

  const seen = new Set<string>();
  const asker = request.source === 'portal' ? 'family' : 'counter';
  const today = parisDay(request.submittedAt);

  const planned: PlannedItem[] = [];
  for (const item of [...items].sort((a, b) => a.day.localeCompare(b.day) || a.childId - b.childId || a.serviceId - b.serviceId)) {
    const service = services.get(item.serviceId)!;
    const child = children.get(item.childId)!;
    const key = cellKey(item.childId, item.serviceId, item.day);
    if (seen.has(key)) throw refused(`Le ${dayFr(item.day)} (${service.name}, ${child.prenom}) figure deux fois dans la demande.`);
    seen.add(key);
    const judged = judgeDayChange(book.facts(item, { service: service.name, child: child.prenom }), {
      change: kind,
      asker,
      at: request.submittedAt,
      today,
    });
    if (!judged.allowed) throw refused(judged.why);
    planned.push({ childId: item.childId, serviceId: item.serviceId, day: item.day, late: judged.late });
  }
  return planned;
}

async function storeCertificate(trx: Trx, request: RequestSubmission, at: string, today: string, audits: AuditBatch): Promise<number> {
  const certificate = request.certificate!;
  const bytes = decodeBase64(certificate.base64);
  if (!bytes || bytes.length === 0) throw refused('Le justificatif est vide ou illisible.', 'certificate');
  if (bytes.length > DOCUMENT_MAX_BYTES) throw refused(CERTIFICATE_TOO_BIG_MESSAGE, 'certificate');
  const mime = documentMime(bytes);
  if (!mime) throw refused('Le justificatif doit être un fichier PDF, JPEG ou PNG.', 'certificate');
  const fileName = certificate.fileName.trim().slice(0, 200) || 'justificatif';
  const { id } = await trx
    .insertInto('family_documents')
    .values({
      family_id: request.familyId,
      kind: 'certificat_medical',
      label: `Justificatif joint à une demande du ${dayFr(today)}`.slice(0, 120),
      document_date: today,
      file_name: fileName,
      mime,
      content: bytes,
      created_at: at,
      archived_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  audits.add({ at, userId: request.submittedBy, entity: 'document', entityId: id, familyId: request.familyId, action: 'create' }, [
    { field: 'Document ajouté', oldValue: null, newValue: `Certificat médical du ${today} (${fileName})` },
  ]);
  return id;
}

/**
 * The services' automatic rules: on-time absences, on-time bookings while places remain. Each item is judged again
 * as an acceptance (no force), with the places taken by the items accepted before it.
 */
async function acceptAutomatically(
  trx: Trx,
  kind: PlanningKind,
  requestId: number,
  familyId: number,
  reason: AbsenceReason | null,
  items: { id: number; child_id: number | null; service_id: number | null; day: string | null; late: number }[],
  services: Map<number, ServiceConfig>,
  book: DayBook,
  submittedAt: Date,
  at: string,
  today: string,
  audits: AuditBatch,
): Promise<void> {
  if (kind === 'cancel') return;
  const accepted: number[] = [];
  for (const item of items) {
    const service = services.get(item.service_id ?? 0);
    if (!service || item.late === 1 || item.day === null || item.child_id === null) continue;
    if (kind === 'absence' && !service.autoRules.absencesOnTime) continue;
    if (kind === 'book' && !service.autoRules.bookingsWithinCapacity) continue;
    const cell = { childId: item.child_id, serviceId: service.id, day: item.day };
    const judged = judgeDayChange(book.facts(cell), { change: kind, asker: 'decision', at: submittedAt, today });
    if (!judged.allowed || judged.late) continue;
    // The child belongs to the request's family: checkPlanningItems refused the request otherwise.
    const known = { before: book.storedDay(cell), familyId, serviceName: service.name };
    await applyAccepted(
      trx,
      { itemId: item.id, requestId, familyId, kind, childId: item.child_id, serviceId: item.service_id, day: item.day, reason, payload: null, late: false, known },
      { userId: null, at, today, auto: true },
      audits,
    );
    book.record(cell, judged.effect, { absenceReason: reason, late: false });
    book.settlePending(cell);
    accepted.push(item.id);
  }
  if (accepted.length > 0) {
    await trx.updateTable('request_items').set({ status: 'accepted', auto: 1, decided_at: at, decided_by: null }).where('id', 'in', accepted).execute();
  }
}
