import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { loadMigrations, migrate } from '../../src/server/migrate.js';
import { defaultMigrationsDir, registerOfficeFunctions } from '../../src/office/db/open.js';
import { insertIssuedInvoice } from '../helpers/invoice.js';
import { makeTestOffice, type CallFn, type TestOffice } from '../helpers/office.js';
import { amendAccount, insertNotice, insertSignedMandate } from '../helpers/sepa.js';
import { ibanFromRib } from '../../src/shared/validation/bank.js';
import { family } from './billing-run-commune.js';

/**
 * The review of issue #12, through the real core on a real SQLite file: a debit needs a pre-notification of the
 * amount it takes (a partial payment since: a new avis); a batch whose mandate account changed, or whose mandate was
 * suspended, after its preparation is never exported with the old data; a direct debit's payment is undone only by
 * its reject; a settlement that fails is shown on its batch and retried.
 */

let office: TestOffice;
afterEach(async () => {
  await office?.close();
});

async function ok<T>(promise: Promise<{ ok: true; value: T } | { ok: false; error: unknown }>): Promise<T> {
  const result = await promise;
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value;
}

async function refused(promise: Promise<{ ok: true; value: unknown } | { ok: false; error: { code: string; message: string; fields?: Record<string, string> } }>) {
  const result = await promise;
  if (result.ok) throw new Error('accepted, refusal expected');
  return result.error;
}

const DURAND_IBAN = 'FR7630006000011234567890189';
const ROUX_IBAN = ibanFromRib({ banque: '20041', guichet: '01005', compte: '0500013M026', cle: '06' });
const NEW_IBAN = ibanFromRib({ banque: '30002', guichet: '00550', compte: '0000157841Z', cle: '25' });

/** A family with an active mandate and one invoice of `cents` issued on 2 November, pre-notified by it. */
async function debtor(nom: string, prenom: string, iban: string, cents: number) {
  const familyId = await family(office, { nom, prenom, civilite: 'M.' });
  const mandate = insertSignedMandate(office, familyId, { holder: `${prenom} ${nom}`, iban, bic: 'AGRIFRPP' });
  const invoice = insertIssuedInvoice(office.sqlite, { familyId, issueDate: '2026-11-02', dueDate: '2026-12-02', totalCents: cents });
  insertNotice(office, { invoiceId: invoice.id, familyId, mandateId: mandate.mandateId, rum: mandate.rum, amountCents: cents, notifiedOn: '2026-11-02' });
  return { familyId, mandate, invoice };
}

describe('review of the direct debits', () => {
  it('leaves out an invoice paid in part since its pre-notification until an avis announces the new amount', async () => {
    office = await makeTestOffice({ now: '2026-12-01T09:00:00Z' });
    const durand = await debtor('Durand', 'Paul', DURAND_IBAN, 4_650);
    const regie: { call: CallFn } = await office.as('regisseur');
    await ok(regie.call('payments.record', { familyId: durand.familyId, method: 'especes', day: '2026-12-01', amountCents: 1_000 } as never));

    const preview = await ok(regie.call('sepa.preview', { collectionDate: '2026-12-10' }));
    expect(preview.count).toBe(0);
    expect(preview.ineligible.map((i) => [i.invoiceNumber, i.amountCents, i.why, i.needsNotice])).toEqual([
      [durand.invoice.number, 3_650, 'montant différent de la pré-notification (46,50\u00a0€ annoncés, 36,50\u00a0€ dus) : envoyez un avis de prélèvement', true],
    ]);
    // An invoice that needs none is refused by name, nothing recorded.
    const other = await family(office, { nom: 'Petit', prenom: 'Léa', civilite: 'Mme' });
    const unpaid = insertIssuedInvoice(office.sqlite, { familyId: other, issueDate: '2026-11-02', dueDate: '2026-12-02', totalCents: 900 });
    const needless = await refused(regie.call('sepa.notices', { collectionDate: '2026-12-10', invoiceIds: [unpaid.id] }));
    expect(needless.fields?.invoiceIds).toBe(`Pas d’avis de prélèvement à préparer pour : ${unpaid.number} (facture sans mandat actif ou soldée).`);
    expect(office.sqlite.prepare("SELECT COUNT(*) FROM sepa_notices WHERE source = 'avis'").pluck().get()).toBe(0);

    // Told today: 14 days leave Tuesday 15 December, which the avis announces.
    const avis = await ok(regie.call('sepa.notices', { collectionDate: '2026-12-10', invoiceIds: [durand.invoice.id] }));
    expect([avis.count, avis.debitDate]).toEqual([1, '2026-12-15']);
    expect(office.sqlite.prepare("SELECT amount_cents, debit_date, notified_on, rum FROM sepa_notices WHERE source = 'avis'").get()).toEqual({
      amount_cents: 3_650,
      debit_date: '2026-12-15',
      notified_on: '2026-12-01',
      rum: durand.mandate.rum,
    });
    expect(() => office.sqlite.prepare('UPDATE sepa_notices SET amount_cents = 1').run()).toThrow('a pre-notification is never changed');
    expect((await ok(regie.call('sepa.preview', { collectionDate: '2026-12-14' }))).ineligible.map((i) => i.why)).toEqual([
      'pré-notification trop récente : prélevable à partir du 15/12/2026',
    ]);
    const later = await ok(regie.call('sepa.preview', { collectionDate: '2026-12-15' }));
    expect(later.debits.map((d) => [d.invoiceNumber, d.amountCents])).toEqual([[durand.invoice.number, 3_650]]);
  });

  it('refuses to export a batch whose mandate account changed, or whose mandate was suspended, since its preparation', async () => {
    office = await makeTestOffice({ now: '2026-12-01T09:00:00Z' });
    const durand = await debtor('Durand', 'Paul', DURAND_IBAN, 4_650);
    const roux = await debtor('Roux', 'Inès', ROUX_IBAN, 300);
    const regie: { call: CallFn } = await office.as('regisseur');
    const batch = await ok(regie.call('sepa.prepare', { collectionDate: '2026-12-10' }));
    expect(batch.count).toBe(2);

    // The Durands bring a new RIB after the preparation: the batch still names the old account.
    amendAccount(office, durand.mandate.mandateId, { holder: 'Paul Durand', iban: NEW_IBAN, bic: 'CRLYFRPP' }, '2026-12-01');
    const moved = await refused(regie.call('sepa.export', { batchId: batch.id, version: 'pain.008.001.02' }));
    expect([moved.code, moved.message]).toEqual([
      'conflict',
      `Le compte du mandat ${durand.mandate.rum} (Durand Paul) a changé depuis la préparation du lot : annulez le lot et préparez-en un nouveau.`,
    ]);
    // And the Roux' mandate is suspended meanwhile: both named.
    office.sqlite.prepare("UPDATE sepa_mandates SET status = 'suspendu' WHERE id = ?").run(roux.mandate.mandateId);
    const both = await refused(regie.call('sepa.export', { batchId: batch.id, version: 'pain.008.001.08' }));
    expect(both.message).toBe(
      `Le compte du mandat ${durand.mandate.rum} (Durand Paul) a changé depuis la préparation du lot. Le mandat ${roux.mandate.rum} (Roux Inès, suspendu) n’est plus actif depuis la préparation du lot : annulez le lot et préparez-en un nouveau.`,
    );
    expect(office.sqlite.prepare('SELECT status, sent_xml, sent_at FROM sepa_batches WHERE id = ?').get(batch.id)).toEqual({ status: 'prepared', sent_xml: null, sent_at: null });
    expect(office.sqlite.prepare("SELECT COUNT(*) FROM audit_log WHERE entity = 'sepa_batch' AND action = 'send'").pluck().get()).toBe(0);

    // A debit prepared before pre-notifications were recorded (0009), without one: the batch is refused too.
    office.sqlite.prepare("UPDATE sepa_mandates SET status = 'actif' WHERE id = ?").run(roux.mandate.mandateId);
    amendAccount(office, durand.mandate.mandateId, { holder: 'Paul Durand', iban: DURAND_IBAN, bic: 'AGRIFRPP' }, '2026-12-01');
    office.sqlite.prepare('UPDATE sepa_debits SET account_id = (SELECT MAX(id) FROM sepa_mandate_accounts WHERE mandate_id = ?) WHERE mandate_id = ?').run(durand.mandate.mandateId, durand.mandate.mandateId);
    office.sqlite.prepare('UPDATE sepa_debits SET notice_id = NULL WHERE mandate_id = ?').run(roux.mandate.mandateId);
    const unnotified = await refused(regie.call('sepa.export', { batchId: batch.id, version: 'pain.008.001.02' }));
    expect(unnotified.message).toBe(`Le lot n’est plus à jour : ${roux.invoice.number} (Roux Inès : préparée sans pré-notification). Annulez-le et préparez-en un nouveau.`);
    amendAccount(office, durand.mandate.mandateId, { holder: 'Paul Durand', iban: NEW_IBAN, bic: 'CRLYFRPP' }, '2026-12-01');
    office.sqlite.prepare("UPDATE sepa_mandates SET status = 'suspendu' WHERE id = ?").run(roux.mandate.mandateId);

    // Cancelled and prepared again: the new account, the Roux left out.
    await ok(regie.call('sepa.cancelBatch', { batchId: batch.id }));
    const fresh = await ok(regie.call('sepa.prepare', { collectionDate: '2026-12-10' }));
    expect(fresh.debits.map((d) => d.familyName)).toEqual(['Durand Paul']);
    const file = await ok(regie.call('sepa.export', { batchId: fresh.id, version: 'pain.008.001.02' }));
    const xml = Buffer.from(file.base64, 'base64').toString('utf8');
    expect(xml).toContain(`<IBAN>${NEW_IBAN}</IBAN>`);
    expect(xml).not.toContain(`<IBAN>${DURAND_IBAN}</IBAN>`);
  });

  it('shows a failed settlement on its batch and retries it; a debit’s payment is cancelled only by its reject', async () => {
    office = await makeTestOffice({ now: '2026-12-01T09:00:00Z' });
    const durand = await debtor('Durand', 'Paul', DURAND_IBAN, 4_650);
    const regie: { call: CallFn } = await office.as('regisseur');
    const batch = await ok(regie.call('sepa.prepare', { collectionDate: '2026-12-10' }));
    await ok(regie.call('sepa.export', { batchId: batch.id, version: 'pain.008.001.02' }));

    // The collection date comes and the ledger refuses the payments (a stand-in for any failure of the write).
    office.sqlite.exec("CREATE TRIGGER test_fail BEFORE INSERT ON account_movements BEGIN SELECT RAISE(ABORT, 'simulated failure'); END;");
    office.clock.set('2026-12-10T09:00:00Z');
    const [failed] = await ok(regie.call('sepa.batches', {}));
    expect(failed!.statusLabel).toBe('Règlement en échec');
    expect(failed!.settlementProblem).toBe(
      'Les prélèvements de ce lot n’ont pas pu être portés sur les comptes le 10/12/2026 : erreur technique (simulated failure). Nouvel essai à chaque ouverture des prélèvements ; si l’échec persiste, prévenez l’administrateur.',
    );
    expect((await ok(regie.call('sepa.batch', { batchId: batch.id }))).statusLabel).toBe('Règlement en échec');
    office.sqlite.exec('DROP TRIGGER test_fail');
    const [settled] = await ok(regie.call('sepa.batches', {}));
    expect([settled!.statusLabel, settled!.settlementProblem]).toEqual(['Encaissé le 10/12/2026', null]);

    const movementId = office.sqlite.prepare('SELECT payment_movement_id FROM sepa_debits WHERE batch_id = ?').pluck().get(batch.id) as number;
    const cancel = await refused(regie.call('payments.cancel', { movementId, day: '2026-12-10', reason: 'Erreur de saisie' }));
    expect(cancel.message).toBe(
      'Ce règlement vient d’un prélèvement SEPA : il ne s’annule pas ici. Ouvrez le lot dans Régie › Prélèvements et utilisez « Enregistrer un rejet ».',
    );
    expect(office.sqlite.prepare('SELECT status FROM sepa_debits WHERE batch_id = ?').pluck().get(batch.id)).toBe('collected');
    expect(office.sqlite.prepare("SELECT COUNT(*) FROM account_movements WHERE kind = 'cancellation'").pluck().get()).toBe(0);
    expect((await office.value('accounts.get', { familyId: durand.familyId })).balanceCents).toBe(0);
  });

  it('puts no payment at the counter nor credit on an invoice the bank is collecting; it is paid once, by the bank', async () => {
    office = await makeTestOffice({ now: '2026-12-01T09:00:00Z' });
    const durand = await debtor('Durand', 'Paul', DURAND_IBAN, 4_650);
    const second = insertIssuedInvoice(office.sqlite, { familyId: durand.familyId, issueDate: '2026-11-20', dueDate: '2026-12-20', totalCents: 1_000 });
    const regie: { call: CallFn } = await office.as('regisseur');
    const batch = await ok(regie.call('sepa.prepare', { collectionDate: '2026-12-10' }));
    expect(batch.debits.map((d) => d.invoiceNumber)).toEqual([durand.invoice.number]);
    await ok(regie.call('sepa.export', { batchId: batch.id, version: 'pain.008.001.02' }));
    const payment = { familyId: durand.familyId, method: 'especes', day: '2026-12-01' } as const;

    // Chosen by name: refused, nothing written.
    const chosen = await refused(regie.call('payments.record', { ...payment, amountCents: 4_650, invoiceIds: [durand.invoice.id] } as never));
    expect(chosen.fields?.invoiceIds).toBe(
      `La facture n° ${durand.invoice.number} est en cours de prélèvement (le 10/12/2026) : la banque la réglera. Enregistrez un rejet si le prélèvement échoue.`,
    );
    // Oldest first: the other invoice only, the rest is more than is due here and the régisseur must say what to do.
    const over = await refused(regie.call('payments.record', { ...payment, amountCents: 2_000 } as never));
    expect(over.fields?.amountCents).toBe(
      'Le montant dépasse de 10,00\u00a0€ ce qui reste dû (10,00\u00a0€ hors 46,50\u00a0€ en cours de prélèvement) : choisissez de garder le trop-perçu en crédit sur le compte ou de le rembourser.',
    );
    expect(office.sqlite.prepare("SELECT COUNT(*) FROM account_movements WHERE kind = 'payment'").pluck().get()).toBe(0);
    await ok(regie.call('payments.record', { ...payment, amountCents: 2_000, overpayment: 'credit' } as never));
    const open = (id: number) => office.sqlite.prepare('SELECT COALESCE(SUM(amount_cents), 0) FROM allocations WHERE target_invoice_id = ?').pluck().get(id);
    expect([open(second.id), open(durand.invoice.id)]).toEqual([1_000, 0]);

    // The collection date: the bank's payment settles the invoice, the 10 € credit is still the family's.
    office.clock.set('2026-12-10T09:00:00Z');
    await ok(regie.call('sepa.batches', {}));
    expect(open(durand.invoice.id)).toBe(4_650);
    const account = await office.value('accounts.get', { familyId: durand.familyId });
    expect([account.balanceCents, account.creditCents]).toEqual([-1_000, 1_000]);
  });

  it('pre-notifies what the bank will take: a new invoice partly paid by the family’s credit announces the rest', async () => {
    office = await makeTestOffice({ now: '2026-12-01T09:00:00Z' });
    const durand = await debtor('Durand', 'Paul', DURAND_IBAN, 4_650);
    const regie: { call: CallFn } = await office.as('regisseur');
    // The Durands pay their 46,50 € and 10 € more, kept as credit.
    await ok(regie.call('payments.record', { familyId: durand.familyId, method: 'especes', day: '2026-12-01', amountCents: 5_650, overpayment: 'credit' } as never));
    const view = await ok(
      regie.call('invoices.correct', { invoiceId: durand.invoice.id, kind: 'complementary', reason: 'Oubli du mercredi 25', lines: [{ childId: null, serviceId: null, label: 'Mercredi 25 novembre', amountCents: 2_500 }] }),
    );
    const row = office.sqlite.prepare('SELECT id, document FROM invoices WHERE number = ?').get(view.number) as { id: number; document: string };
    expect((JSON.parse(row.document) as { directDebit: { amountCents: number } }).directDebit.amountCents).toBe(1_500);
    expect(office.sqlite.prepare('SELECT amount_cents FROM sepa_notices WHERE invoice_id = ?').pluck().get(row.id)).toBe(1_500);
    const pdf = await ok(regie.call('invoices.pdf', { id: row.id }));
    const file = path.join(office.dir, 'complementary.pdf');
    fs.writeFileSync(file, Buffer.from(pdf.base64, 'base64'));
    const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }).replace(/[\s\u00a0\u202f]+/g, ' ');
    expect(text).toContain('Cette facture de 25,00 € est réglée en partie par votre crédit : 15,00 € seront prélevés le');
    // What the credit left is what a batch takes, under that notice.
    const preview = await ok(regie.call('sepa.preview', { collectionDate: '2027-01-11' }));
    expect(preview.debits.map((d) => [d.invoiceNumber, d.amountCents])).toEqual([[view.number, 1_500]]);
  });

  it('records, when upgrading to 0009, the pre-notification of invoices issued before it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grenette-notices-'));
    const db = new BetterSqlite3(path.join(dir, 'office.sqlite'));
    try {
      registerOfficeFunctions(db);
      const migrations = loadMigrations(defaultMigrationsDir());
      const clock = () => new Date('2026-12-01T09:00:00Z');
      migrate(db, migrations, clock, 8);
      db.pragma('foreign_keys = OFF');
      db.prepare("INSERT INTO sepa_mandates (id, family_id, rum, status, signed_on, created_at) VALUES (7, 3, 'GRE-F000003-000007', 'actif', '2026-10-15', '2026-10-15T08:00:00Z')").run();
      const insert = db.prepare(
        "INSERT INTO invoices (number, year, seq, kind, family_id, month, issue_date, due_date, total_cents, issued_at, document) VALUES (?, 2026, ?, 'invoice', 3, '2026-11', '2026-12-02', '2027-01-01', ?, '2026-12-02T08:00:00.000Z', ?)",
      );
      const directDebit = { debitDate: '2027-01-11', mandateReference: 'GRE-F000003-000007', creditorId: 'FR72ZZZ123456', amountCents: 4_650 };
      insert.run('2026-000001', 1, 4_650, JSON.stringify({ directDebit }));
      insert.run('2026-000002', 2, 1_000, JSON.stringify({ directDebit: null }));
      // A batch prepared by the former rule, which took the second invoice without any pre-notification.
      db.prepare("INSERT INTO sepa_batches (id, message_id, collection_date, status, debit_count, control_sum_cents, created_at) VALUES (1, 'M1', '2027-01-11', 'prepared', 2, 5650, '2026-12-20T08:00:00Z')").run();
      const debit = db.prepare("INSERT INTO sepa_debits (batch_id, invoice_id, family_id, mandate_id, account_id, amount_cents, end_to_end_id, sequence_type, status) VALUES (1, ?, 3, 7, 1, ?, ?, 'FRST', 'pending')");
      debit.run(1, 4_650, 'E1');
      debit.run(2, 1_000, 'E2');
      expect(db.prepare('SELECT COUNT(*) FROM sync_dirty WHERE family_id = 3').pluck().get()).toBe(0);
      migrate(db, migrations, clock);
      expect(db.prepare('SELECT invoice_id, family_id, mandate_id, rum, amount_cents, debit_date, notified_on, source FROM sepa_notices').all()).toEqual([
        { invoice_id: 1, family_id: 3, mandate_id: 7, rum: 'GRE-F000003-000007', amount_cents: 4_650, debit_date: '2027-01-11', notified_on: '2026-12-02', source: 'invoice' },
      ]);
      // The first debit under its invoice's notice; the second without (refused at export); the family republished.
      const noticeId = db.prepare('SELECT id FROM sepa_notices').pluck().get();
      expect(db.prepare('SELECT end_to_end_id, notice_id FROM sepa_debits ORDER BY id').all()).toEqual([
        { end_to_end_id: 'E1', notice_id: noticeId },
        { end_to_end_id: 'E2', notice_id: null },
      ]);
      expect(db.prepare('SELECT COUNT(*) FROM sync_dirty WHERE family_id = 3').pluck().get()).toBe(1);
    } finally {
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
