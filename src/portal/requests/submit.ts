import { randomUUID } from 'node:crypto';
import { portalRequestSchema, type PortalRequest } from '../../shared/sync/contract.js';
import type { FamilySession } from '../auth/sessions.js';
import type { PortalDb, PortalTrx } from '../db/open.js';
import { HttpError } from '../http/context.js';

/** The parts a request may leave out (a draft, or a body stored before the field existed), as the contract wants them. */
export const REQUEST_DEFAULTS = {
  items: [],
  reason: null,
  comment: '',
  changes: [],
  photo: null,
  certificate: null,
} satisfies Omit<PortalRequest, 'uid' | 'familyId' | 'submittedAt' | 'kind'>;

export type RequestDraft = Partial<Omit<PortalRequest, 'uid' | 'familyId' | 'submittedAt'>> & Pick<PortalRequest, 'kind'>;

/**
 * Records a family's request: uid born here, submittedAt from the portal's clock (deadlines are judged by it),
 * familyId from the session only. The body is validated against the sync contract before it is stored, so the
 * office never pulls something it cannot read.
 */
export async function recordRequest(
  db: PortalDb | PortalTrx,
  session: Pick<FamilySession, 'familyId' | 'accountId'>,
  now: Date,
  draft: RequestDraft,
  late = false,
): Promise<PortalRequest> {
  const parsed = portalRequestSchema.safeParse({
    uid: randomUUID(),
    familyId: session.familyId,
    submittedAt: now.toISOString(),
    ...REQUEST_DEFAULTS,
    ...draft,
  });
  if (!parsed.success) throw new HttpError(400, 'La demande est incomplète ou mal formée.');
  const request = parsed.data;
  await db
    .insertInto('requests')
    .values({
      uid: request.uid,
      family_id: request.familyId,
      account_id: session.accountId,
      kind: request.kind,
      body: JSON.stringify(request),
      submitted_at: request.submittedAt,
      late: late ? 1 : 0,
    })
    .execute();
  return request;
}
