/**
 * A portal process for crash tests: the portal's database and sync routes, plus a bare submission endpoint that records
 * a request through the portal's own recordRequest and answers 201 only once it is committed (after `holdMs` more
 * milliseconds in its transaction, if given). Prints "listening <url>".
 * Args: data folder (on PostgreSQL, the key of its schema).
 */
import Fastify from 'fastify';
import { recordRequest, type RequestDraft } from '../../src/portal/requests/submit.js';
import { registerSyncRoutes } from '../../src/portal/sync/routes.js';
import { openTestPortalDatabase } from './portal-db.js';

const [dataDir] = process.argv.slice(2) as [string];
// The parent's instant, moving with real time, so both ends agree within the signature's five minutes.
const start = new Date(process.env.GRENETTE_TEST_NOW ?? Date.now()).getTime();
const origin = Date.now();
const clock = () => new Date(start + (Date.now() - origin));
// The folder's SQLite file, or its PostgreSQL schema (GRENETTE_TEST_PORTAL_DB=pg, inherited from the test).
const opened = await openTestPortalDatabase(dataDir, clock);
const app = Fastify();
registerSyncRoutes(app, { db: opened.db, clock, secret: process.env.GRENETTE_SYNC_SECRET ?? '', log: app.log });
app.post('/test/submit', async (request, reply) => {
  const { familyId, accountId, draft, holdMs = 0 } = request.body as { familyId: number; accountId: number; draft: RequestDraft; holdMs?: number };
  // holdMs keeps the transaction open after the insert, as a slow handler would: commits then come out of order.
  const stored = await opened.db.transaction().execute(async (trx) => {
    const recorded = await recordRequest(trx, { familyId, accountId }, clock(), draft);
    if (holdMs > 0) await new Promise((resolve) => setTimeout(resolve, holdMs));
    return recorded;
  });
  return reply.code(201).send({ uid: stored.uid });
});
const url = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`listening ${url}\n`);
