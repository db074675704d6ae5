import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../src/shared/clock.js';
import { SYNC_PROTOCOL_HEADER } from '../../src/shared/sync/protocol.js';
import { SIGNATURE_HEADERS, signCall } from '../../src/shared/sync/signature.js';
import { openMigratedPortalDatabase, type OpenedPortalDatabase, type PortalDb } from '../../src/portal/db/open.js';
import { recordRequest, type RequestDraft } from '../../src/portal/requests/submit.js';
import { buildPortal, type BuildPortalOptions } from '../../src/portal/server.js';
import { testPortalStorage } from './portal-db.js';

export const SYNC_SECRET = 'secret-partage-de-test-0123456789abcdef';

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(here, '../..');

/** The real portal (buildPortal, which registers the sync routes) on a loopback port, over its own SQLite file. */
export interface TestPortal {
  app: FastifyInstance;
  url: string;
  db: PortalDb;
  dataDir: string;
  /** Stops the portal; its data is dropped on PostgreSQL unless kept for a restart on the same folder. */
  close(options?: { keepData?: boolean }): Promise<void>;
}

export async function startTestPortal(
  clock: Clock,
  /** A folder opened before (a restart): the same file, or on PostgreSQL the same schema. */
  given?: string,
  options: Pick<BuildPortalOptions, 'pullMaxFileBytes'> = {},
): Promise<TestPortal> {
  const dataDir = given ?? fs.mkdtempSync(path.join(os.tmpdir(), 'grenette-portal-'));
  const database = await testPortalStorage(dataDir);
  const opened: OpenedPortalDatabase = await openMigratedPortalDatabase(database.storage, clock);
  const app = buildPortal({
    ...options,
    db: opened.db,
    clock,
    mailer: null,
    config: { syncSecret: SYNC_SECRET, publicUrl: 'http://127.0.0.1' },
  });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    app,
    url: address,
    db: opened.db,
    dataDir,
    async close(closing = {}) {
      await app.close();
      await opened.close();
      // The SQLite file stays in its folder; the PostgreSQL schema goes, unless a restart on the folder comes next.
      if (!closing.keepData) await database.drop();
    },
  };
}

/** A portal account for a family's responsable 1, as activation would leave it (requests need an account). */
export async function portalAccount(db: PortalDb, familyId: number, email: string, at = '2026-11-01T08:00:00.000Z'): Promise<number> {
  const row = await db
    .insertInto('accounts')
    .values({
      family_id: familyId,
      responsable_rank: 1,
      email,
      password_hash: null,
      activation_code_hash: null,
      activation_expires_at: null,
      activated_at: at,
      disabled: 0,
      created_at: at,
      updated_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A family submitting on the portal, through the portal's own recording (uid and instant born there). */
export async function submitOnPortal(db: PortalDb, familyId: number, accountId: number, now: Date, draft: RequestDraft) {
  return recordRequest(db, { familyId, accountId }, now, draft);
}

/**
 * A signed call as the office would make it, with everything overridable to forge bad ones. Without `protocol` it is
 * a call of protocol 1 (no header, signed without it, as offices of protocol 1 sign); `protocolHeader` sends another
 * header than the one signed (undefined in it: none).
 */
export async function signedFetch(
  url: string,
  pathWithQuery: string,
  options: {
    method?: string;
    body?: string;
    secret?: string;
    now?: Date;
    nonce?: string;
    signedBody?: string;
    protocol?: number;
    protocolHeader?: string | undefined;
  } = {},
): Promise<{ status: number; json: unknown }> {
  const method = options.method ?? 'POST';
  const body = options.body ?? '';
  const call = { method, path: pathWithQuery, body: options.signedBody ?? body, ...(options.protocol === undefined ? {} : { protocol: options.protocol }) };
  const signed = await signCall(options.secret ?? SYNC_SECRET, call, options.now ?? new Date(), options.nonce);
  const protocolHeader = 'protocolHeader' in options ? options.protocolHeader : options.protocol === undefined ? undefined : String(options.protocol);
  const response = await fetch(`${url}${pathWithQuery}`, {
    method,
    headers: {
      ...(method === 'GET' ? {} : { 'content-type': 'application/json' }),
      [SIGNATURE_HEADERS.timestamp]: signed.timestamp,
      [SIGNATURE_HEADERS.nonce]: signed.nonce,
      [SIGNATURE_HEADERS.signature]: signed.signature,
      ...(protocolHeader === undefined ? {} : { [SYNC_PROTOCOL_HEADER]: protocolHeader }),
    },
    ...(method === 'GET' ? {} : { body }),
  });
  const text = await response.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {
    // keep the text
  }
  return { status: response.status, json };
}

/** Runs a helper script under tsx in its own process, lines of its stdout delivered as they come. */
export function spawnTsx(script: string, args: string[], env: Record<string, string>, onLine: (line: string) => void): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, script), ...args], {
    cwd: REPO,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let buffer = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    buffer += chunk;
    let index: number;
    while ((index = buffer.indexOf('\n')) >= 0) {
      onLine(buffer.slice(0, index));
      buffer = buffer.slice(index + 1);
    }
  });
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    if (process.env.GRENETTE_TEST_VERBOSE) process.stderr.write(chunk);
  });
  return child;
}

export function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/** A clock starting at a fixed instant and moving with real time (for processes that must agree on time). */
export function driftingClock(startIso: string): Clock {
  const start = new Date(startIso).getTime();
  const origin = Date.now();
  return () => new Date(start + (Date.now() - origin));
}
