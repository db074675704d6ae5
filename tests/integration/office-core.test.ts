import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { OfficeMethod } from '../../src/shared/api/contract.js';
import { createOfficeCore, type OfficeCore } from '../../src/office/api/core.js';
import { ApiFailure, type HandlerContext, type Handlers, type OfficeSession } from '../../src/office/api/handler.js';
import { openOfficeDatabase, type OpenedOfficeDatabase } from '../../src/office/db/open.js';
import type { Logger } from '../../src/office/log.js';

// The dispatcher is the one gate every transport goes through: access, argument checks, error shapes.
describe('office core dispatcher', () => {
  let dir: string;
  let database: OpenedOfficeDatabase;
  let logged: { message: string; context?: Record<string, unknown> }[];
  let core: OfficeCore;
  let session: OfficeSession;

  const handlers = {
    'auth.me': { access: 'public', args: z.object({}), run: async (ctx: HandlerContext) => ctx.session.user },
    'schools.list': {
      access: ['agent', 'admin'],
      args: z.object({}),
      run: async () => [{ id: 1, name: 'École du Parc' }],
    },
    'families.get': {
      access: ['agent'],
      args: z.object({ id: z.number().int() }),
      run: async (_ctx: HandlerContext, args: { id: number }) => {
        if (args.id === 404) throw new ApiFailure({ code: 'not_found', message: 'Famille introuvable.' });
        throw new Error('disk on fire at /var/secret/path');
      },
    },
  } as unknown as Handlers<OfficeMethod>;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grenette-core-'));
    database = openOfficeDatabase({ file: path.join(dir, 'office.sqlite'), clock: () => new Date('2026-11-28T10:00:00Z') });
    logged = [];
    const log: Logger = { info: () => {}, error: (message, context) => logged.push({ message, context }) };
    core = createOfficeCore({ db: database.db, clock: () => new Date(), log, handlers });
    session = core.openSession();
  });

  afterEach(async () => {
    await database.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('lets anyone call a public method', async () => {
    expect(await core.call(session, 'auth.me', {})).toEqual({ ok: true, value: null });
  });

  it('asks to log in again when no one is logged in', async () => {
    const result = await core.call(session, 'schools.list', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'unauthenticated', message: expect.stringContaining('reconnectez-vous') } });
  });

  it('refuses a role that the method does not list', async () => {
    session.user = { id: 1, username: 'regie', displayName: 'Régie', role: 'regisseur' };
    const result = await core.call(session, 'schools.list', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('answers an unknown or inherited method name as unknown, never running it', async () => {
    session.user = { id: 1, username: 'admin', displayName: 'Admin', role: 'admin' };
    for (const method of ['nope', 'constructor', '__proto__', 'toString']) {
      expect(await core.call(session, method, {})).toMatchObject({ ok: false, error: { code: 'not_found' } });
    }
  });

  it('checks untrusted arguments before the handler runs', async () => {
    session.user = { id: 1, username: 'accueil', displayName: 'Accueil', role: 'agent' };
    const result = await core.call(session, 'families.get', { id: 'drop table' });
    expect(result).toMatchObject({ ok: false, error: { code: 'validation', fields: { id: expect.any(String) } } });
  });

  it('passes a refusal meant for the user through unchanged, without logging it as a bug', async () => {
    session.user = { id: 1, username: 'accueil', displayName: 'Accueil', role: 'agent' };
    const result = await core.call(session, 'families.get', { id: 404 });
    expect(result).toEqual({ ok: false, error: { code: 'not_found', message: 'Famille introuvable.' } });
    expect(logged).toHaveLength(0);
  });

  it('logs an unexpected error with its context and shows only a short French message', async () => {
    session.user = { id: 1, username: 'accueil', displayName: 'Accueil', role: 'agent' };
    const result = await core.call(session, 'families.get', { id: 1 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('internal');
    expect(result.error.message).toMatch(/erreur inattendue/);
    expect(result.error.message).not.toContain('/var/secret');
    expect(logged[0]).toMatchObject({ message: 'office call failed', context: { method: 'families.get', user: 'accueil' } });
    expect(String(logged[0]?.context?.error)).toContain('disk on fire');
  });
});
