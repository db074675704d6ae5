import { portalRequestSchema, type FamilyPublication, type PortalRequest } from '../../shared/sync/contract.js';
import { latestRequests } from '../db/hot-queries.js';
import type { PortalDb } from '../db/open.js';

export type RequestKind = PortalRequest['kind'];

export const KIND_LABELS: Record<RequestKind, string> = {
  book: 'Réservation',
  cancel: 'Annulation',
  absence: 'Absence',
  data_change: 'Modification de données',
  photo: 'Nouvelle photo',
};

export type RequestStatus = 'sent' | 'pending' | 'accepted' | 'refused' | 'partial';

export const STATUS_LABELS: Record<RequestStatus, string> = {
  sent: '🚧 Envoyée, en attente de transmission au service',
  pending: '🚧 En attente de validation',
  accepted: 'Acceptée',
  refused: 'Refusée',
  partial: 'Partiellement acceptée',
};

export interface FamilyRequestView {
  uid: string;
  kind: RequestKind;
  submittedAt: string;
  status: RequestStatus;
  /** Days concerned, when the request is about days. */
  days: string[];
  refusals: Array<{ day: string | null; reason: string }>;
  /** The local body (data changes, comment) while the portal still holds it. */
  local: PortalRequest | null;
}

type PublishedRequest = FamilyPublication['requests'][number];

function statusOf(published: PublishedRequest): RequestStatus {
  const statuses = new Set(published.items.map((item) => item.status));
  if (statuses.size === 0 || statuses.has('pending')) return 'pending';
  if (statuses.size === 1) return statuses.has('accepted') ? 'accepted' : 'refused';
  return 'partial';
}

/**
 * The family's requests, newest first: the office's view (with decisions) for those it has published, and the
 * portal's own copy for those not yet published (shown 🚧).
 */
export async function familyRequests(db: PortalDb, familyId: number, publication: FamilyPublication | null): Promise<FamilyRequestView[]> {
  const rows = await latestRequests.all(db, familyId);
  const local = new Map<string, PortalRequest>();
  for (const row of rows) {
    const parsed = portalRequestSchema.safeParse(JSON.parse(row.body));
    if (parsed.success) local.set(row.uid, parsed.data);
  }
  const views: FamilyRequestView[] = [];
  const published = new Set<string>();
  for (const request of publication?.requests ?? []) {
    published.add(request.uid);
    views.push({
      uid: request.uid,
      kind: request.kind,
      submittedAt: request.submittedAt,
      status: statusOf(request),
      days: request.items.flatMap((item) => (item.day ? [item.day] : [])),
      refusals: request.items.filter((item) => item.status === 'refused').map((item) => ({ day: item.day, reason: item.refusalReason ?? '' })),
      local: local.get(request.uid) ?? null,
    });
  }
  for (const request of local.values()) {
    if (published.has(request.uid)) continue;
    views.push({
      uid: request.uid,
      kind: request.kind,
      submittedAt: request.submittedAt,
      status: 'sent',
      days: request.items.map((item) => item.day),
      refusals: [],
      local: request,
    });
  }
  return views.sort((a, b) => b.submittedAt.localeCompare(a.submittedAt));
}
