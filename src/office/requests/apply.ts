import { imageMime } from '../../shared/children/input.js';
import type { RequestKind } from '../../shared/api/contract.js';
import type { AbsenceReason } from '../../shared/planning/reasons.js';
import { writeAudit, type AuditBatch } from '../audit/write.js';
import { setPlanningDay, type KnownDay } from '../planning/store.js';
import type { Trx } from './common.js';
import { applyDataChanges, type DataChangeRecords } from './data-changes.js';
import { ibanVault } from '../sepa/iban-vault.js';
import { openedChanges } from './sealed-changes.js';

/** What accepting one item needs to know about it and its request. */
export interface AcceptedItem {
  itemId: number;
  requestId: number;
  familyId: number;
  kind: RequestKind;
  childId: number | null;
  serviceId: number | null;
  day: string | null;
  reason: AbsenceReason | null;
  payload: string | null;
  /** The family asked after the deadline (the item's stored flag): the day keeps it for billing. */
  late?: boolean;
  /** The day as a batch's DayBook holds it: nothing is read again per item. */
  known?: KnownDay;
}

const ACCEPT_LABEL: Record<RequestKind, string> = {
  book: 'Réservation acceptée',
  cancel: 'Annulation acceptée',
  absence: 'Absence acceptée',
  data_change: 'Modification acceptée',
  photo: 'Photo acceptée',
};

export interface PhotoPayload {
  childId: number;
  mime: string;
  base64: string;
}

/** Applies one accepted item to the planning or to the records, in the caller's transaction. */
export async function applyAccepted(
  trx: Trx,
  item: AcceptedItem,
  who: { userId: number | null; at: string; today: string; auto: boolean },
  /** A planning change's audit row goes there (the caller flushes it); other kinds write theirs at once. */
  audit?: AuditBatch,
  /** The records a batch's data changes read, shared with their check (one request's records are read once). */
  records?: DataChangeRecords,
): Promise<void> {
  const auditLabel = `${ACCEPT_LABEL[item.kind]}${who.auto ? ' automatiquement' : ''} (demande n° ${item.requestId})`;
  switch (item.kind) {
    case 'book':
    case 'cancel':
    case 'absence': {
      if (item.childId === null || item.serviceId === null || item.day === null) throw new Error(`planning item ${item.itemId} without cell`);
      await setPlanningDay(trx, {
        childId: item.childId,
        serviceId: item.serviceId,
        day: item.day,
        state: item.kind === 'book' ? 'booked' : item.kind === 'cancel' ? 'cancelled' : 'absent',
        absenceReason: item.kind === 'absence' ? item.reason : null,
        userId: who.userId,
        at: who.at,
        auditLabel,
        late: item.late ?? false,
        ...(item.known ? { known: item.known } : {}),
        ...(audit ? { audit } : {}),
      });
      return;
    }
    case 'data_change': {
      const changes = openedChanges(ibanVault(trx), item.payload);
      await applyDataChanges(trx, item.familyId, changes, who, records);
      return;
    }
    case 'photo': {
      const photo = JSON.parse(item.payload ?? 'null') as PhotoPayload | null;
      if (!photo) throw new Error(`photo item ${item.itemId} without photo`);
      const bytes = Buffer.from(photo.base64, 'base64');
      const mime = imageMime(bytes);
      if (!mime) throw new Error(`photo item ${item.itemId} is not an image`);
      records?.forgetChild(photo.childId);
      const child = await trx.selectFrom('children').select(['photo_mime']).where('id', '=', photo.childId).executeTakeFirstOrThrow();
      await trx.updateTable('children').set({ photo: bytes, photo_mime: mime, updated_at: who.at }).where('id', '=', photo.childId).execute();
      await writeAudit(
        trx,
        { at: who.at, userId: who.userId, entity: 'child', entityId: photo.childId, familyId: item.familyId, childId: photo.childId, action: 'update' },
        [{ field: 'Enfant · Photo', oldValue: child.photo_mime ? 'Photo précédente' : null, newValue: `Nouvelle photo (${Math.ceil(bytes.length / 1024)} Ko, ${auditLabel})` }],
      );
      return;
    }
  }
}
