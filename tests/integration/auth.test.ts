import { afterEach, describe, expect, it } from 'vitest';
import { createStaffUser } from '../../src/office/auth/users.js';
import { makeTestOffice, TEST_PASSWORD, type TestOffice } from '../helpers/office.js';

let office: TestOffice;
afterEach(async () => {
  await office?.close();
});

describe('auth', () => {
  it('logs in with the right password and logs out', async () => {
    office = await makeTestOffice();
    await createStaffUser(office.db, { username: 'claire', displayName: 'Claire Petit', role: 'agent', password: 'un-bon-mot-de-passe' }, office.clock);
    const session = office.core.openSession();
    const login = await office.core.call(session, 'auth.login', { username: 'claire', password: 'un-bon-mot-de-passe' });
    expect(login).toMatchObject({ ok: true, value: { username: 'claire', displayName: 'Claire Petit', role: 'agent' } });
    expect(await office.core.call(session, 'auth.me', {})).toMatchObject({ ok: true, value: { username: 'claire' } });
    expect((await office.core.call(session, 'families.search', { query: '', includeArchived: false })).ok).toBe(true);
    await office.core.call(session, 'auth.logout', {});
    expect(await office.core.call(session, 'auth.me', {})).toEqual({ ok: true, value: null });
    const after = await office.core.call(session, 'families.search', { query: '', includeArchived: false });
    expect(after).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
  });

  it('gives the same refusal for a wrong password and an unknown user', async () => {
    office = await makeTestOffice();
    await createStaffUser(office.db, { username: 'claire', displayName: 'Claire', role: 'agent', password: 'un-bon-mot-de-passe' }, office.clock);
    const session = office.core.openSession();
    const wrong = await office.core.call(session, 'auth.login', { username: 'claire', password: 'mauvais' });
    const unknown = await office.core.call(session, 'auth.login', { username: 'personne', password: 'mauvais' });
    expect(wrong).toEqual({
      ok: false,
      error: { code: 'validation', message: 'Identifiant ou mot de passe incorrect.', fields: { password: 'Identifiant ou mot de passe incorrect.' } },
    });
    expect(unknown).toEqual(wrong);
    expect(session.user).toBeNull();
  });

  it('refuses an inactive account even with the right password', async () => {
    office = await makeTestOffice();
    const saved = await office.value('users.save', {
      id: null, username: 'ancien', displayName: 'Ancien agent', role: 'agent', active: false, password: 'un-bon-mot-de-passe',
    });
    expect(saved.active).toBe(false);
    const session = office.core.openSession();
    const result = await office.core.call(session, 'auth.login', { username: 'ancien', password: 'un-bon-mot-de-passe' });
    expect(result.ok).toBe(false);
    expect(session.user).toBeNull();
  });

  it('locks a username out for 30 s after 5 failures, then doubles the delay', async () => {
    office = await makeTestOffice();
    await createStaffUser(office.db, { username: 'claire', displayName: 'Claire', role: 'agent', password: 'un-bon-mot-de-passe' }, office.clock);
    const session = office.core.openSession();
    for (let attempt = 0; attempt < 5; attempt += 1) {
      await office.core.call(session, 'auth.login', { username: 'claire', password: 'mauvais' });
    }
    const locked = await office.core.call(session, 'auth.login', { username: 'claire', password: 'un-bon-mot-de-passe' });
    expect(locked).toMatchObject({ ok: false, error: { code: 'validation', fields: { password: 'Trop de tentatives infructueuses : réessayez dans 30 secondes.' } } });
    expect(session.user).toBeNull();
    // Another username is not affected.
    expect((await office.core.call(office.core.openSession(), 'auth.login', { username: 'admin1', password: TEST_PASSWORD })).ok).toBe(true);

    office.clock.advance(31_000);
    await office.core.call(session, 'auth.login', { username: 'claire', password: 'encore-faux' });
    const again = await office.core.call(session, 'auth.login', { username: 'claire', password: 'un-bon-mot-de-passe' });
    expect(again).toMatchObject({ ok: false, error: { fields: { password: 'Trop de tentatives infructueuses : réessayez dans 60 secondes.' } } });

    office.clock.advance(61_000);
    const ok = await office.core.call(session, 'auth.login', { username: 'claire', password: 'un-bon-mot-de-passe' });
    expect(ok.ok).toBe(true);
  });

  it('changes the password (10 characters at least) and audits it without the hash', async () => {
    office = await makeTestOffice({ role: 'agent' });
    const short = await office.call('auth.changePassword', { current: TEST_PASSWORD, next: 'court' });
    expect(short).toMatchObject({ ok: false, error: { fields: { next: 'Le mot de passe compte au moins 10 caractères.' } } });
    const wrong = await office.call('auth.changePassword', { current: 'pas-le-bon', next: 'nouveau-mot-de-passe' });
    expect(wrong).toMatchObject({ ok: false, error: { fields: { current: 'Mot de passe actuel incorrect.' } } });
    expect(await office.call('auth.changePassword', { current: TEST_PASSWORD, next: 'nouveau-mot-de-passe' })).toEqual({ ok: true, value: null });
    const session = office.core.openSession();
    expect((await office.core.call(session, 'auth.login', { username: 'agent1', password: TEST_PASSWORD })).ok).toBe(false);
    expect((await office.core.call(session, 'auth.login', { username: 'agent1', password: 'nouveau-mot-de-passe' })).ok).toBe(true);
    const audit = await office.db.selectFrom('audit_log').selectAll().where('entity', '=', 'staff_user').execute();
    expect(audit.map((row) => row.field)).toContain('Utilisateur · Mot de passe');
    expect(JSON.stringify(audit)).not.toContain('scrypt');
  });

  it('lets only an admin manage users, and audits each change', async () => {
    office = await makeTestOffice();
    const created = await office.value('users.save', {
      id: null, username: 'regie', displayName: 'Régie', role: 'regisseur', active: true, password: 'un-bon-mot-de-passe',
    });
    await office.value('users.save', { ...created, displayName: 'Paul Régie', role: 'agent', password: null });
    const rows = await office.db.selectFrom('audit_log').selectAll().where('entity_id', '=', created.id).where('action', '=', 'update').execute();
    expect(rows.map((row) => [row.field, row.old_value, row.new_value])).toEqual([
      ['Utilisateur · Nom affiché', 'Régie', 'Paul Régie'],
      ['Utilisateur · Profil', 'Régisseur', 'Agent d’accueil'],
    ]);
    const duplicate = await office.call('users.save', {
      id: null, username: 'REGIE', displayName: 'Autre', role: 'agent', active: true, password: 'un-bon-mot-de-passe',
    });
    expect(duplicate).toMatchObject({ ok: false, error: { fields: { username: 'Cet identifiant est déjà utilisé.' } } });
    const agent = await office.as('agent');
    expect(await agent.call('users.list', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});
