import type { Clock } from '../../shared/clock.js';
import {
  photosMissingResponseSchema,
  photosUploadResponseSchema,
  publishResponseSchema,
  pullResponseSchema,
  SYNC_PATHS,
  SYNC_PROTOCOL,
  type FamilyPublication,
  type PortalPhotoMime,
  type PortalSettings,
  type PublishResponse,
  type PullResponse,
} from '../../shared/sync/contract.js';
import { clockSkewMessage } from '../../shared/sync/clock-skew.js';
import { outdatedPortalHint, portalProtocolMismatch, SYNC_PROTOCOL_HEADER } from '../../shared/sync/protocol.js';
import { SIGNATURE_HEADERS, signCall } from '../../shared/sync/signature.js';

/** A refusal or failure of the portal, with a short French message for the sync status. */
export class SyncError extends Error {
  constructor(message: string, options?: { cause: unknown }) {
    super(message, options);
    this.name = 'SyncError';
  }
}

export interface PortalClient {
  pull(after: number, limit: number): Promise<PullResponse>;
  publish(settings: PortalSettings | null, families: FamilyPublication[]): Promise<PublishResponse>;
  /** The hashes the portal lacks among these. */
  missingPhotos(hashes: string[]): Promise<string[]>;
  uploadPhotos(photos: Array<{ sha256: string; mime: PortalPhotoMime; base64: string }>): Promise<string[]>;
}

const TIMEOUT_MS = 60_000;

/**
 * The office's side of the signed calls, in the current protocol (SYNC_PROTOCOL, said in a signed header); every
 * answer is checked against the contract before it is used. The portal is updated before the offices: one answering
 * in another protocol stops the run with a sentence saying which side to update.
 */
export function portalClient(portalUrl: string, secret: string, clock: Clock): PortalClient {
  const base = portalUrl.replace(/\/+$/, '');

  async function call(path: string, payload: unknown): Promise<unknown> {
    const body = JSON.stringify(payload);
    const sentAt = clock();
    const signed = await signCall(secret, { method: 'POST', path, body, protocol: SYNC_PROTOCOL }, sentAt);
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [SIGNATURE_HEADERS.timestamp]: signed.timestamp,
          [SIGNATURE_HEADERS.nonce]: signed.nonce,
          [SIGNATURE_HEADERS.signature]: signed.signature,
          [SYNC_PROTOCOL_HEADER]: String(SYNC_PROTOCOL),
        },
        body,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      // Node's own wording (fetch failed, ECONNREFUSED ...) stays in the cause for the log, not in the status line.
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      throw new SyncError(
        timedOut
          ? `Le portail (${base}) n'a pas répondu dans les ${TIMEOUT_MS / 1000} secondes.`
          : `Portail injoignable (${base}) : vérifiez son adresse et la connexion à Internet.`,
        { cause: error },
      );
    }
    const text = await response.text();
    if (!response.ok) {
      let reason = text.slice(0, 200);
      try {
        const answer = JSON.parse(text) as { error?: unknown; clockSkew?: unknown; portalTime?: unknown; protocolRefused?: unknown; protocols?: unknown };
        reason = String(answer.error ?? reason);
        // A portal of protocol 1 does not know the protocol line this office signs: its refusal of the signature
        // says nothing of protocols, and the agent must hear that the portal may be out of date, not only the secret.
        if (response.status === 401 && answer.protocols === undefined) reason = `${reason} ${outdatedPortalHint()}`;
        // The portal's own sentence says which side to update: shown as it is.
        if (answer.protocolRefused === true && typeof answer.error === 'string') throw new SyncError(answer.error.slice(0, 300));
        const portalTime = typeof answer.portalTime === 'string' ? new Date(answer.portalTime) : null;
        if (answer.clockSkew === true && portalTime && !Number.isNaN(portalTime.getTime())) {
          throw new SyncError(clockSkewMessage(sentAt, portalTime));
        }
      } catch (error) {
        if (error instanceof SyncError) throw error;
        // not JSON: keep the raw start of the answer
      }
      throw new SyncError(`Le portail a refusé la synchronisation (${response.status}) : ${reason}`);
    }
    let answer: unknown;
    try {
      answer = JSON.parse(text);
    } catch {
      throw new SyncError('Réponse illisible du portail.');
    }
    const protocol = answer !== null && typeof answer === 'object' ? (answer as { protocol?: unknown }).protocol : undefined;
    if (protocol !== SYNC_PROTOCOL) throw new SyncError(portalProtocolMismatch(protocol));
    return answer;
  }

  return {
    async pull(after, limit) {
      const parsed = pullResponseSchema.safeParse(await call(SYNC_PATHS.pull, { after, limit }));
      if (!parsed.success) throw new SyncError('Réponse du portail non conforme au contrat de synchronisation (demandes).');
      return parsed.data;
    },
    async publish(settings, families) {
      const parsed = publishResponseSchema.safeParse(await call(SYNC_PATHS.publish, { protocol: SYNC_PROTOCOL, settings, families }));
      if (!parsed.success) throw new SyncError('Réponse du portail non conforme au contrat de synchronisation (publication).');
      return parsed.data;
    },
    async missingPhotos(hashes) {
      const parsed = photosMissingResponseSchema.safeParse(await call(SYNC_PATHS.photosMissing, { protocol: SYNC_PROTOCOL, hashes }));
      if (!parsed.success) throw new SyncError('Réponse du portail non conforme au contrat de synchronisation (photos manquantes).');
      return parsed.data.missing;
    },
    async uploadPhotos(photos) {
      const parsed = photosUploadResponseSchema.safeParse(await call(SYNC_PATHS.photos, { protocol: SYNC_PROTOCOL, photos }));
      if (!parsed.success) throw new SyncError('Réponse du portail non conforme au contrat de synchronisation (photos).');
      const stored = new Set(parsed.data.stored);
      if (photos.some((photo) => !stored.has(photo.sha256))) throw new SyncError('Le portail n’a pas enregistré toutes les photos envoyées.');
      return parsed.data.stored;
    },
  };
}
