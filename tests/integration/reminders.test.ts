import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ReminderRow } from '../../src/shared/api/reminders.js';
import type { PaymentInput } from '../../src/shared/billing/account.js';
import { publishRequestSchema, SYNC_PATHS, SYNC_PROTOCOL } from '../../src/shared/sync/contract.js';
import { buildFamilyPublication } from '../../src/office/sync/publication.js';
import { insertIssuedInvoice } from '../helpers/invoice.js';
import { makeTestOffice, type CallFn, type TestOffice } from '../helpers/office.js';
import { startTestPortal, type TestPortal } from '../helpers/portal.js';
import { signedFetch, SYNC_SECRET } from '../helpers/sync.js';
import { family } from './billing-run-commune.js';

/**
 * Reminders (relances) through the real core on a real SQLite file: the overdue list by age worked by hand, a level-1
 * then a level-2 letter recorded and printed (read back with pdftotext), the refusals, holds; and the mail, through a
 * real portal server and a real SMTP server: a publication stored twice mails each responsable once.
 * Today: Thursday 3 December 2026, 10:00 Paris.
 */

let office: TestOffice;
let portal: TestPortal | undefined;
afterEach(async () => {
  await portal?.close();
  portal = undefined;
  await office?.close();
});

/** An issued invoice (tests/helpers/invoice.ts), as in accounts-payments.test.ts. */
function issued(familyId: number, issueDate: string, dueDate: string, totalCents: number): number {
  return insertIssuedInvoice(office.sqlite, { familyId, issueDate, dueDate, totalCents }).id;
}

async function ok<T>(promise: Promise<{ ok: true; value: T } | { ok: false; error: unknown }>): Promise<T> {
  const result = await promise;
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value;
}

async function refused(promise: Promise<{ ok: true } | { ok: false; error: { code: string; message: string } }>): Promise<{ code: string; message: string }> {
  const result = await promise;
  if (result.ok) throw new Error('expected a refusal');
  return result.error;
}

function pdfText(base64: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grenette-reminder-'));
  try {
    fs.writeFileSync(path.join(dir, 'relances.pdf'), Buffer.from(base64, 'base64'));
    return execFileSync('pdftotext', ['-layout', path.join(dir, 'relances.pdf'), '-'], { encoding: 'utf8' }).replace(/\u00a0/g, ' ');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const count = (table: string) => office.sqlite.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;

describe('reminders at the régie', () => {
  let regie: { call: CallFn };
  let durand: number;
  let martin: number;
  let petit: number;

  async function setUp(): Promise<void> {
    office = await makeTestOffice({ now: '2026-12-03T09:00:00Z' });
    durand = await family(office, { nom: 'Durand', prenom: 'Paul', civilite: 'M.', second: { civilite: 'Mme', prenom: 'Anne', nom: 'Durand' } });
    martin = await family(office, { nom: 'Martin', prenom: 'Hélène', civilite: 'Mme' });
    petit = await family(office, { nom: 'Petit', prenom: 'Léo', civilite: 'M.' });
    regie = await office.as('regisseur');
    // Durand: due 31 Aug (94 days late: 90+), 2 Oct (62: 61-90), 2 Nov (31: 31-60), 2 Dec (1: 0-30), 31 Dec (not due).
    issued(durand, '2026-08-01', '2026-08-31', 1_000);
    issued(durand, '2026-09-02', '2026-10-02', 2_000);
    issued(durand, '2026-10-03', '2026-11-02', 3_000);
    issued(durand, '2026-11-02', '2026-12-02', 4_000);
    issued(durand, '2026-12-01', '2026-12-31', 5_000);
    // Martin: due 3 Dec, today: not overdue (the family may pay on the due date).
    issued(martin, '2026-11-03', '2026-12-03', 2_500);
    // Petit: due 1 Nov (32 days late), partly paid: 12,00 € of 20,00 € left.
    issued(petit, '2026-10-02', '2026-11-01', 2_000);
    await ok(regie.call('payments.record', { familyId: petit, method: 'especes', day: '2026-12-01', amountCents: 800 } as PaymentInput));
  }

  it('lists the overdue invoices by family and age, what each family owes overdue, and the suggested level', async () => {
    await setUp();
    const list = await ok(regie.call('reminders.list', {}));
    expect(list.day).toBe('2026-12-03');
    // Martin owes nothing overdue: not listed. The most owed first.
    expect(list.rows.map((row) => row.familyId)).toEqual([durand, petit]);
    const [d, p] = list.rows as [ReminderRow, ReminderRow];
    expect(d.overdueCents).toBe(1_000 + 2_000 + 3_000 + 4_000);
    expect(d.buckets).toEqual({ d0_30: 4_000, d31_60: 3_000, d61_90: 2_000, d90_plus: 1_000 });
    expect(d.invoices.map((i) => [i.number, i.age])).toEqual([
      ['2026-000001', 'd90_plus'],
      ['2026-000002', 'd61_90'],
      ['2026-000003', 'd31_60'],
      ['2026-000004', 'd0_30'],
    ]);
    expect(d.emails).toEqual(['durand@example.fr', 'durand.2@example.fr']);
    expect(d.lastReminder).toBeNull();
    expect(d.hold).toBeNull();
    expect(d.suggestedLevel).toBe(1);
    expect(p.overdueCents).toBe(1_200);
    expect(p.buckets).toEqual({ d0_30: 0, d31_60: 1_200, d61_90: 0, d90_plus: 0 });
    // Every staff role reads the list.
    const agent = await office.as('agent');
    expect((await agent.call('reminders.list', {})).ok).toBe(true);
  });

  it('sends a level-1 reminder, then a level-2 one 15 days later: recorded, audited, printed', async () => {
    await setUp();
    const first = await ok(regie.call('reminders.send', { familyIds: [durand, petit], level: 1 }));
    expect(first.letters).toBe(2);
    expect(first.mails).toBe(3);
    expect(first.pdf.fileName).toBe('relances-niveau-1-2026-12-03.pdf');
    const rows = office.sqlite.prepare('SELECT family_id, level, day, amount_cents, invoice_ids, emailed_to, recorded_by FROM reminders ORDER BY id').all() as Array<Record<string, unknown>>;
    expect(rows.map((r) => [r.family_id, r.level, r.day, r.amount_cents, JSON.parse(r.emailed_to as string)])).toEqual([
      [durand, 1, '2026-12-03', 10_000, ['durand@example.fr', 'durand.2@example.fr']],
      [petit, 1, '2026-12-03', 1_200, ['petit@example.fr']],
    ]);
    expect((JSON.parse(rows[0]!.invoice_ids as string) as number[]).length).toBe(4);
    expect(rows[0]!.recorded_by).not.toBeNull();
    // The same families again the same day (a second click, another workstation): refused, nothing written.
    const twice = await regie.call('reminders.send', { familyIds: [petit], level: 1 });
    expect(twice.ok).toBe(false);
    if (!twice.ok) expect(twice.error.message).toBe('Relance impossible : déjà relancée aujourd’hui (Petit Léo).');
    expect(office.sqlite.prepare('SELECT COUNT(*) FROM reminders').pluck().get()).toBe(2);
    const audited = office.sqlite.prepare("SELECT family_id, field, new_value FROM audit_log WHERE entity = 'reminder' ORDER BY id").all() as Array<{ family_id: number; field: string; new_value: string }>;
    expect(audited.map((a) => [a.family_id, a.field])).toEqual([
      [durand, 'Première relance du 03/12/2026'],
      [petit, 'Première relance du 03/12/2026'],
    ]);
    expect(audited[1]!.new_value).toContain('12,00');
    // Both families wait to be published again (the portal mails the reminder).
    const dirty = office.sqlite.prepare('SELECT family_id FROM sync_dirty ORDER BY family_id').pluck().all();
    expect(dirty).toEqual(expect.arrayContaining([durand, petit]));

    const text = pdfText(first.pdf.base64);
    expect(text).toContain('Régie de recettes Enfance Jeunesse');
    expect(text).toContain('M. et Mme Paul DURAND');
    expect(text).toContain('M. Léo PETIT');
    expect(text).toMatch(/n° 2026-000001\s+01\/08\/2026\s+31\/08\/2026\s+10,00 €\s+10,00 €/);
    expect(text).toMatch(/n° 2026-000007\s+02\/10\/2026\s+01\/11\/2026\s+20,00 €\s+12,00 €/);
    expect(text).toMatch(/Total restant dû\s+100,00 €/);
    expect(text).toContain('012345');
    expect(text).not.toContain('Trésor public pour recouvrement');
    // December's invoice not yet due is not named.
    expect(text).not.toContain('2026-000005');
    expect(execFileSync('pdfinfo', ['-'], { input: Buffer.from(first.pdf.base64, 'base64'), encoding: 'utf8' })).toMatch(/Pages:\s+2/);

    let list = await ok(regie.call('reminders.list', {}));
    expect(list.rows.find((r) => r.familyId === durand)).toMatchObject({ lastReminder: { level: 1, day: '2026-12-03' }, suggestedLevel: 1 });

    // 14 days later, level 1 still suggested; 15 days later, level 2.
    office.clock.set('2026-12-17T09:00:00Z');
    list = await ok(regie.call('reminders.list', {}));
    expect(list.rows.find((r) => r.familyId === durand)?.suggestedLevel).toBe(1);
    office.clock.set('2026-12-18T09:00:00Z');
    list = await ok(regie.call('reminders.list', {}));
    const d = list.rows.find((r) => r.familyId === durand)!;
    expect(d.suggestedLevel).toBe(2);
    // 18 December: 109, 77, 46 and 16 days late, each still in its bucket; the invoice due on 31 December not yet due.
    expect(d.buckets).toEqual({ d0_30: 4_000, d31_60: 3_000, d61_90: 2_000, d90_plus: 1_000 });
    expect(d.overdueCents).toBe(10_000);

    const second = await ok(regie.call('reminders.send', { familyIds: [durand], level: 2 }));
    expect(second.letters).toBe(1);
    const text2 = pdfText(second.pdf.base64);
    expect(text2).toContain('Seconde relance');
    expect(text2).toMatch(/Trésor public pour\s+recouvrement/);
    expect(text2).toMatch(/titre de\s+recettes/);
    expect(office.sqlite.prepare('SELECT level, day FROM reminders WHERE family_id = ? ORDER BY id').all(durand)).toEqual([
      { level: 1, day: '2026-12-03' },
      { level: 2, day: '2026-12-18' },
    ]);
    list = await ok(regie.call('reminders.list', {}));
    expect(list.rows.find((r) => r.familyId === durand)).toMatchObject({ lastReminder: { level: 2, day: '2026-12-18' }, suggestedLevel: 2 });
  });

  it('refuses families set aside or with nothing overdue, naming them, and other roles; nothing saved', async () => {
    await setUp();
    let error = await refused(regie.call('reminders.send', { familyIds: [durand, martin], level: 1 }));
    expect(error.message).toBe('Relance impossible : rien n’est en retard pour Martin Hélène.');
    expect(count('reminders')).toBe(0);

    const agent = await office.as('agent');
    error = await refused(agent.call('reminders.send', { familyIds: [durand], level: 1 }));
    expect(error.code).toBe('forbidden');
    expect(error.message).toBe('Seul le régisseur peut envoyer les relances et mettre une famille de côté.');
    expect((await refused(agent.call('reminders.hold', { familyId: durand, reason: 'dispute', note: 'Conteste' }))).code).toBe('forbidden');

    error = await refused(regie.call('reminders.hold', { familyId: petit, reason: 'payment_plan', note: '' }));
    expect(error.message).toBe('Certains champs sont à corriger.');
    await ok(regie.call('reminders.hold', { familyId: petit, reason: 'payment_plan', note: 'Échéancier : 4,00 € par mois de janvier à mars' }));
    const list = await ok(regie.call('reminders.list', {}));
    expect(list.rows.find((r) => r.familyId === petit)?.hold).toMatchObject({ reason: 'payment_plan', note: 'Échéancier : 4,00 € par mois de janvier à mars', since: '2026-12-03' });
    error = await refused(regie.call('reminders.send', { familyIds: [durand, petit], level: 1 }));
    expect(error.message).toBe('Relance impossible : cette famille est mise de côté (Petit Léo — échéancier de paiement). Reprenez les relances d’abord.');
    expect(count('reminders')).toBe(0);

    // Changing why replaces the hold; releasing it allows the reminder again. Both audited.
    await ok(regie.call('reminders.hold', { familyId: petit, reason: 'dispute', note: 'Conteste le repas du 2 octobre' }));
    expect(office.sqlite.prepare('SELECT reason, note FROM reminder_holds').all()).toEqual([{ reason: 'dispute', note: 'Conteste le repas du 2 octobre' }]);
    await ok(regie.call('reminders.release', { familyId: petit }));
    expect(count('reminder_holds')).toBe(0);
    expect((await refused(regie.call('reminders.release', { familyId: petit }))).message).toBe('Cette famille n’est pas mise de côté.');
    const audit = office.sqlite.prepare("SELECT action, old_value, new_value FROM audit_log WHERE entity = 'reminder_hold' ORDER BY id").all();
    expect(audit).toEqual([
      { action: 'create', old_value: null, new_value: 'Échéancier de paiement : Échéancier : 4,00 € par mois de janvier à mars' },
      { action: 'update', old_value: 'Échéancier de paiement : Échéancier : 4,00 € par mois de janvier à mars', new_value: 'Facture contestée : Conteste le repas du 2 octobre' },
      { action: 'delete', old_value: 'Facture contestée : Conteste le repas du 2 octobre', new_value: null },
    ]);
    expect((await ok(regie.call('reminders.send', { familyIds: [petit], level: 1 }))).letters).toBe(1);
  });

  it('the portal mails each reminder once to the responsables, even when the same publication arrives twice', async () => {
    await setUp();
    portal = await startTestPortal({ now: '2026-12-03T09:00:00Z', listen: true, config: { syncSecret: SYNC_SECRET } });
    await ok(regie.call('reminders.send', { familyIds: [durand], level: 1 }));
    const publication = await buildFamilyPublication(office.db, durand, 1, office.clock());
    expect(publication.reminders).toEqual([{ id: 1, level: 1, day: '2026-12-03', amountCents: 10_000, invoiceNumbers: ['2026-000001', '2026-000002', '2026-000003', '2026-000004'] }]);
    const body = JSON.stringify(publishRequestSchema.parse({ protocol: SYNC_PROTOCOL, settings: null, families: [publication] }));
    const firstTime = await signedFetch(portal.url, SYNC_PATHS.publish, { body, now: portal.clock(), protocol: SYNC_PROTOCOL });
    expect(firstTime).toMatchObject({ status: 200, json: { applied: [durand] } });
    // The office crashed before recording it: the same publication again.
    const again = await signedFetch(portal.url, SYNC_PATHS.publish, { body, now: portal.clock(), protocol: SYNC_PROTOCOL });
    expect(again).toMatchObject({ status: 200, json: { ignored: [durand] } });

    await portal.smtp.waitForMail((mail) => mail.to !== undefined && JSON.stringify(mail.to).includes('durand.2@example.fr'));
    await portal.smtp.waitForMail((mail) => JSON.stringify(mail.to).includes('"durand@example.fr"'));
    const outbox = await portal.db.selectFrom('email_outbox').select(['to_address', 'subject', 'text_body']).orderBy('id').execute();
    expect(outbox.map((m) => [m.to_address, m.subject])).toEqual([
      ['durand@example.fr', 'Relance : factures impayées'],
      ['durand.2@example.fr', 'Relance : factures impayées'],
    ]);
    expect(outbox[0]!.text_body.replace(/\u00a0/g, ' ')).toContain('les factures n° 2026-000001, 2026-000002, 2026-000003, 2026-000004 restent impayées au jeudi 3 décembre 2026');
    expect(outbox[0]!.text_body.replace(/\u00a0/g, ' ')).toContain('100,00 €');

    // A later publication (a new version) with the same reminder mails nobody again; a level-2 reminder is mailed.
    office.clock.set('2026-12-18T09:00:00Z');
    portal.clock.set('2026-12-18T09:00:00Z');
    await ok(regie.call('reminders.send', { familyIds: [durand], level: 2 }));
    const next = await buildFamilyPublication(office.db, durand, 2, office.clock());
    const sent = await signedFetch(portal.url, SYNC_PATHS.publish, { body: JSON.stringify({ protocol: SYNC_PROTOCOL, settings: null, families: [next] }), now: portal.clock(), protocol: SYNC_PROTOCOL });
    expect(sent).toMatchObject({ status: 200, json: { applied: [durand] } });
    const after = await portal.db.selectFrom('email_outbox').select(['to_address', 'subject', 'text_body']).orderBy('id').execute();
    expect(after.map((m) => m.subject)).toEqual(['Relance : factures impayées', 'Relance : factures impayées', 'Seconde relance : factures impayées', 'Seconde relance : factures impayées']);
    expect(after[2]!.text_body).toContain('Trésor public');
    expect(portal.smtp.mails.length).toBeLessThanOrEqual(4);
  });
});
