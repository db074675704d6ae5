import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OfficeMethod } from '../../src/shared/api/contract.js';
import { ROLES, type Role } from '../../src/shared/auth/roles.js';
import { officeHandlers } from '../../src/office/api/registry.js';
import { REGISSEUR_ONLY } from '../../src/office/billing/run-numbering.js';
import { makeTestOffice, type TestOffice } from '../helpers/office.js';

/*
 * The window hides what a role may not do by asking the office (`auth.permissions`); this checks that answer against
 * what the core really refuses, method by method, for each role: a shown button never meets « Votre profil ne permet
 * pas cette action », and a hidden one would have failed.
 */
describe('auth.permissions: what each role may call, as the core enforces it', () => {
  let office: TestOffice;
  beforeAll(async () => {
    office = await makeTestOffice();
  });
  afterAll(async () => {
    await office.close();
  });

  const methods = Object.keys(officeHandlers) as OfficeMethod[];

  for (const role of Object.keys(ROLES) as Role[]) {
    it(`lists for the ${role} exactly the methods the core does not refuse`, async () => {
      const { call, session } = await office.as(role);
      const listed = await call('auth.permissions', {});
      if (!listed.ok) throw new Error(listed.error.message);
      const allowed = new Set(listed.value);
      for (const method of methods) {
        // Arguments no schema accepts: an allowed method stops at validation, so nothing runs; a refused one is
        // refused before its arguments are read.
        const result = await office.core.call(session, method, null);
        const refused = !result.ok && result.error.code === 'forbidden';
        expect({ method, refused }).toEqual({ method, refused: !allowed.has(method) });
      }
    });
  }

  it('names the régisseur when another role tries to issue or correct invoices', async () => {
    const agent = await office.as('agent');
    const listed = await agent.call('auth.permissions', {});
    expect(listed.ok && listed.value.includes('invoiceRuns.issue')).toBe(false);
    expect(await agent.call('invoiceRuns.issue', { month: '2026-10' })).toEqual({ ok: false, error: { code: 'forbidden', message: REGISSEUR_ONLY } });
    const regie = await office.as('regisseur');
    const regieListed = await regie.call('auth.permissions', {});
    expect(regieListed.ok && regieListed.value).toEqual(expect.arrayContaining(['invoiceRuns.issue', 'invoices.correct']));
    expect(regieListed.ok && regieListed.value).not.toContain('print.childSheets');
  });

  it('is refused to nobody logged in', async () => {
    const result = await office.core.call(office.core.openSession(), 'auth.permissions', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
  });
});
