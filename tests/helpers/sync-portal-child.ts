/**
 * A portal process for crash tests: the portal's database and sync routes, plus a bare submission endpoint that records
 * a request through the portal's own recordRequest and answers 201 only once it is committed. Prints "listening <url>".
 * Args: data folder.
 */
import Fastify from 'fastify';
import { openPortalDatabase } from '../../src/portal/db/open.js';
import { recordRequest, type RequestDraft } from '../../src/portal/requests/submit.js';
import { registerSyncRoutes } from '../../src/portal/sync/routes.js';

const [dataDir] = process.argv.slice(2) as [string];
// The parent's instant, moving with real time, so both ends agree within the signature's five minutes.
const start = new Date(process.env.GRENETTE_TEST_NOW ?? Date.now()).getTime();
const origin = Date.now();
const clock = () => new Date(start + (Date.now() - origin));
const opened = openPortalDatabase(dataDir, clock);
const app = Fastify();
registerSyncRoutes(app, { db: opened.db, clock, secret: process.env.GRENETTE_SYNC_SECRET ?? '', log: app.log });
app.post('/test/submit', async (request, reply) => {
  const { familyId, accountId, draft } = request.body as { familyId: number; accountId: number; draft: RequestDraft };
  const stored = await recordRequest(opened.db, { familyId, accountId }, clock(), draft);
  return reply.code(201).send({ uid: stored.uid });
});
const url = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`listening ${url}\n`);
