import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../../shared/clock.js';
import { photosMissingRequestSchema, photosUploadRequestSchema, publishRequestSchema, pullQuerySchema, SYNC_PATHS } from '../../shared/sync/contract.js';
import { photosMissingRequestSchemaV1, photosUploadRequestSchemaV1, publishRequestSchemaV1 } from '../../shared/sync/contract-v1.js';
import { acceptedProtocol, OLDEST_ACCEPTED_PROTOCOL, protocolOfHeader, protocolRefusal, SYNC_PROTOCOL, SYNC_PROTOCOL_HEADER, type SyncProtocol } from '../../shared/sync/protocol.js';
import { NONCE_RETENTION_MS, SIGNATURE_HEADERS, verifyCall } from '../../shared/sync/signature.js';
import { withoutNul } from '../../shared/text/control-chars.js';
import type { PortalDb } from '../db/open.js';
import { missingPhotos, storePhotos } from '../photos/store.js';
import { acknowledgePulled } from '../uploads/retention.js';
import { portalIdentity } from './identity.js';
import { applyPublish, type PublishAnswer } from './publish.js';
import { pullPage } from './pull.js';

/**
 * The protocols this portal accepts, said with every refusal of a call: an office refused by a portal that does not
 * say them (protocol 1, which does not know the signed protocol line) is told the portal may be out of date, not only
 * to check its secret (office/sync/client.ts).
 */
const PROTOCOLS = { oldest: OLDEST_ACCEPTED_PROTOCOL, current: SYNC_PROTOCOL } as const;

export interface SyncRouteOptions {
  db: PortalDb;
  clock: Clock;
  /** GRENETTE_SYNC_SECRET; null leaves the sync closed (503) until the portal is paired. */
  secret: string | null;
  log: FastifyBaseLogger;
  /** The files a page of the pull carries at most (PULL_PAGE_MAX_FILE_BYTES; tests lower it). */
  pullMaxFileBytes?: number;
  /** Called after a publish was stored (e.g. to deliver the decision mails now rather than at the next pass). */
  onPublished?: (response: PublishAnswer) => void;
}

const REGISTERED = 'grenetteSyncRoutes';

/** A publish carries up to 500 families; a photo upload a batch's photos (base64). */
export const SYNC_BODY_LIMIT = 64 * 1024 * 1024;

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Each call's body schema by protocol: what an office of that protocol sends. */
const PUBLISH_SCHEMAS = { 1: publishRequestSchemaV1, 2: publishRequestSchema } as const;
const PHOTOS_MISSING_SCHEMAS = { 1: photosMissingRequestSchemaV1, 2: photosMissingRequestSchema } as const;
const PHOTOS_UPLOAD_SCHEMAS = { 1: photosUploadRequestSchemaV1, 2: photosUploadRequestSchema } as const;

/**
 * The signed endpoints the office calls. Every call says its protocol (the signed x-grenette-protocol header; none:
 * protocol 1): one this portal does not accept is refused first, in words saying which side to update; the others are
 * verified on their raw body (signature with the protocol, timestamp within five minutes, nonce never seen) before
 * anything is parsed, read with their protocol's schema and answered in it. Refusals are JSON { error } in French.
 */
export function registerSyncRoutes(app: FastifyInstance, options: SyncRouteOptions): void {
  // buildPortal registers them, and a test may pass them as a module too: the first registration wins.
  if (app.hasDecorator(REGISTERED)) return;
  app.decorate(REGISTERED, true);
  const { db, clock, log } = options;

  /** The call's protocol when it is authentic and of a protocol accepted here; null when refused (answered). */
  async function authenticate(request: FastifyRequest, reply: FastifyReply, body: string): Promise<SyncProtocol | null> {
    if (!options.secret) {
      await reply.code(503).send({ error: 'La synchronisation n’est pas configurée sur ce portail (GRENETTE_SYNC_SECRET).' });
      return null;
    }
    const said = header(request, SYNC_PROTOCOL_HEADER);
    const protocol = protocolOfHeader(said);
    if (protocol === null || !acceptedProtocol(protocol)) {
      log.warn({ protocol: said, url: request.url }, 'sync call of a protocol not accepted');
      // Before the signature: nothing of the call is used, and the office is told which side to update.
      await reply.code(400).send({ error: protocolRefusal(protocol), protocolRefused: true, protocols: PROTOCOLS });
      return null;
    }
    const now = clock();
    const outcome = await verifyCall(
      options.secret,
      // A call without the header was signed without the protocol line (protocol 1's offices).
      { method: request.method, path: request.url, body, ...(said === undefined ? {} : { protocol }) },
      {
        timestamp: header(request, SIGNATURE_HEADERS.timestamp),
        nonce: header(request, SIGNATURE_HEADERS.nonce),
        signature: header(request, SIGNATURE_HEADERS.signature),
      },
      now,
    );
    if (!outcome.ok) {
      log.warn({ reason: outcome.reason, url: request.url }, 'sync call refused');
      // The portal's time goes with a clock refusal so the office can tell its agent by how much its clock is off
      // (harmless to anyone: every HTTP answer carries a Date header).
      await reply.code(401).send(outcome.clockSkew ? { error: outcome.reason, clockSkew: true, portalTime: now.toISOString(), protocols: PROTOCOLS } : { error: outcome.reason, protocols: PROTOCOLS });
      return null;
    }
    await db.deleteFrom('sync_nonces').where('seen_at', '<', new Date(now.getTime() - NONCE_RETENTION_MS).toISOString()).execute();
    const fresh = await db
      .insertInto('sync_nonces')
      .values({ nonce: outcome.nonce, seen_at: now.toISOString() })
      .onConflict((oc) => oc.column('nonce').doNothing())
      .executeTakeFirst();
    if (Number(fresh.numInsertedOrUpdatedRows ?? 0) === 0) {
      log.warn({ url: request.url }, 'sync call replayed');
      await reply.code(401).send({ error: 'Appel rejoué : ce nonce a déjà été utilisé.', protocols: PROTOCOLS });
      return null;
    }
    return protocol;
  }

  function parseJson(text: string): unknown {
    try {
      return text === '' ? {} : JSON.parse(text);
    } catch {
      return undefined;
    }
  }

  void app.register(async (scope) => {
    // The signature covers the exact bytes sent: keep the body as text and parse it after verification.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: SYNC_BODY_LIMIT }, (_request, body, done) => done(null, body));

    const pull = async (request: FastifyRequest, reply: FastifyReply) => {
      const raw = typeof request.body === 'string' ? request.body : '';
      const protocol = await authenticate(request, reply, raw);
      if (protocol === null) return reply;
      const source = request.method === 'GET' ? (request.query as Record<string, string>) : parseJson(raw);
      const numbers =
        request.method === 'GET' && source && typeof source === 'object'
          ? { after: Number((source as Record<string, string>).after ?? 0), limit: Number((source as Record<string, string>).limit ?? 100) }
          : source;
      const query = pullQuerySchema.safeParse(numbers);
      if (!query.success) return reply.code(400).send({ error: 'Requête de synchronisation invalide (after, limit).', issues: query.error.issues });
      // The office's cursor: everything up to it is stored at the office, so those requests' files may be purged later.
      await acknowledgePulled(db, query.data.after, clock());
      return reply.send({ ...(await pullPage(db, query.data.after, query.data.limit, options.pullMaxFileBytes, protocol)), portalId: await portalIdentity(db) });
    };
    scope.get(SYNC_PATHS.pull, pull);
    scope.post(SYNC_PATHS.pull, { bodyLimit: SYNC_BODY_LIMIT }, pull);

    scope.post(SYNC_PATHS.publish, { bodyLimit: SYNC_BODY_LIMIT }, async (request, reply) => {
      const raw = typeof request.body === 'string' ? request.body : '';
      const protocol = await authenticate(request, reply, raw);
      if (protocol === null) return reply;
      const parsed = PUBLISH_SCHEMAS[protocol].safeParse(parseJson(raw));
      if (!parsed.success) {
        return reply.code(400).send({ error: 'Publication invalide : elle ne respecte pas le contrat de synchronisation.', issues: parsed.error.issues.slice(0, 20) });
      }
      // NUL has no place in text and PostgreSQL refuses it: taken out (and said) rather than failing the whole batch.
      const { value: body, cleaned } = withoutNul(parsed.data);
      if (cleaned > 0) log.warn({ strings: cleaned, families: body.families.map((f) => f.familyId) }, 'publication held NUL characters: removed');
      const response = await applyPublish(db, body, clock());
      log.info({ applied: response.applied.length, ignored: response.ignored.length }, 'publication stored');
      options.onPublished?.(response);
      return reply.send(response);
    });

    scope.post(SYNC_PATHS.photosMissing, { bodyLimit: SYNC_BODY_LIMIT }, async (request, reply) => {
      const raw = typeof request.body === 'string' ? request.body : '';
      const protocol = await authenticate(request, reply, raw);
      if (protocol === null) return reply;
      const parsed = PHOTOS_MISSING_SCHEMAS[protocol].safeParse(parseJson(raw));
      if (!parsed.success) return reply.code(400).send({ error: 'Liste de photos invalide.', issues: parsed.error.issues.slice(0, 20) });
      return reply.send({ protocol, missing: await missingPhotos(db, parsed.data.hashes) });
    });

    scope.post(SYNC_PATHS.photos, { bodyLimit: SYNC_BODY_LIMIT }, async (request, reply) => {
      const raw = typeof request.body === 'string' ? request.body : '';
      const protocol = await authenticate(request, reply, raw);
      if (protocol === null) return reply;
      const parsed = PHOTOS_UPLOAD_SCHEMAS[protocol].safeParse(parseJson(raw));
      if (!parsed.success) return reply.code(400).send({ error: 'Envoi de photos invalide : il ne respecte pas le contrat de synchronisation.', issues: parsed.error.issues.slice(0, 20) });
      const outcome = await storePhotos(db, parsed.data.photos, clock());
      if (!outcome.ok) {
        log.warn({ reason: outcome.message }, 'photos refused');
        return reply.code(400).send({ error: outcome.message });
      }
      log.info({ stored: outcome.stored.length }, 'photos stored');
      return reply.send({ protocol, stored: outcome.stored });
    });
  });
}
