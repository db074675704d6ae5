import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { InvoiceDocument } from '../../src/shared/billing/invoice.js';
import { ibanFromRib, maskIban } from '../../src/shared/validation/bank.js';
import { settleDueDebits } from '../../src/office/sepa/settlement.js';
import { insertIssuedInvoice } from '../helpers/invoice.js';
import { makeTestOffice, type CallFn, type TestOffice } from '../helpers/office.js';
import { insertNotice, insertSignedMandate } from '../helpers/sepa.js';
import { buildNovember } from './billing-run-commune.js';

/**
 * Collections through the real core on a real SQLite file: November 2026 issued by the real run for a small commune
 * (tests/integration/billing-run-commune.ts), two families with an active mandate, one whose mandate waits for its
 * signature; the invoices' pre-notification read back from their PDF; which invoices a date takes and why the others
 * are left out; the refusals (nothing saved); a batch cancelled, another sent and never edited after; the debits
 * settled once, at their collection date, on the payment ledger.
 */

let office: TestOffice;
afterEach(async () => {
  await office?.close();
});

const DURAND_IBAN = 'FR7630006000011234567890189';
const ROUX_IBAN = ibanFromRib({ banque: '20041', guichet: '01005', compte: '0500013M026', cle: '06' });

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

const count = (table: string): number => office.sqlite.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;
const plain = (text: string) => text.replace(/[\s\u00a0\u202f]+/g, ' ');

describe('collections of issued invoices', () => {
  it('pre-notifies on the invoices, judges each invoice, refuses bad dates, prepares, cancels, sends, settles once at the collection date', async () => {
    // Wednesday 2 December 2026: November is issued today.
    office = await makeTestOffice({ now: '2026-12-02T09:00:00Z' });
    const n = await buildNovember(office);
    const durand = insertSignedMandate(office, n.durand, { holder: 'Paul Durand', iban: DURAND_IBAN, bic: 'AGRIFRPP' });
    const roux = insertSignedMandate(office, n.roux, { holder: 'Inès Roux', iban: ROUX_IBAN, bic: 'PSSTFRPPXXX' });
    insertSignedMandate(office, n.bernard, { holder: 'Claire Bernard', iban: DURAND_IBAN, bic: 'AGRIFRPP' }, { status: 'a_signer' });
    // An older invoice of the Durands, issued before their mandate was signed: its document pre-notifies nothing, so
    // it is never debited until an « avis de prélèvement » tells them the amount, the date, the RUM and the ICS.
    const older = insertIssuedInvoice(office.sqlite, { familyId: n.durand, issueDate: '2026-11-25', dueDate: '2026-12-25', totalCents: 1_000, month: '2026-10' });
    const regie = await office.as('regisseur');
    const agent = await office.as('agent');
    await ok(office.call('invoiceRuns.generate', { month: '2026-11' }));
    await ok(regie.call('invoiceRuns.issue', { month: '2026-11' }));

    // Issued on 2 December with 14 days' notice: the 10th of the month after the 16th is 10 January 2027, a Sunday,
    // so Monday 11 January. Only the families whose mandate is active are told.
    const documents = office.sqlite
      .prepare("SELECT family_id, number, document FROM invoices WHERE month = '2026-11' ORDER BY family_id")
      .all() as { family_id: number; number: string; document: string }[];
    const debitOf = (familyId: number) => (JSON.parse(documents.find((d) => d.family_id === familyId)!.document) as InvoiceDocument).directDebit;
    expect(debitOf(n.durand)).toEqual({
      debitDate: '2027-01-11',
      mandateReference: durand.rum,
      creditorId: 'FR72ZZZ123456',
      amountCents: 4_650,
      ibanMasked: maskIban(DURAND_IBAN),
      creditorName: 'Regie Enfance Jeunesse Epagny Metz-Tessy',
    });
    expect(debitOf(n.roux)).toMatchObject({ debitDate: '2027-01-11', mandateReference: roux.rum, amountCents: 300 });
    expect(debitOf(n.bernard)).toBeNull();
    expect(debitOf(n.petit)).toBeNull();

    // The invoice PDF says it, and offers no other way to pay.
    const durandInvoice = office.sqlite.prepare("SELECT id FROM invoices WHERE family_id = ? AND month = '2026-11'").pluck().get(n.durand) as number;
    const pdf = await ok(office.call('invoices.pdf', { id: durandInvoice }));
    const file = path.join(office.dir, 'durand.pdf');
    fs.writeFileSync(file, Buffer.from(pdf.base64, 'base64'));
    // pdftotext joins a word broken after a hyphen at a line's end and drops that hyphen: the RUM may wrap there.
    const text = plain(execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' })).replace(/GRE-?F(\d{6})-?(\d{6})/g, 'GRE-F$1-$2');
    expect(text).toContain(
      `Cette facture de 46,50 € sera prélevée le lundi 11 janvier 2027 sur le compte ${maskIban(DURAND_IBAN)} (mandat RUM ${durand.rum}, ICS FR72ZZZ123456) ; vous n’avez rien à faire.`,
    );
    expect(text).not.toContain('Par chèque');
    expect(text).not.toContain('PayFiP');

    // Thursday 10 December: the older invoice was never pre-notified (issued before the mandate), the month's invoices
    // announce 11 January: nothing can be debited; the older one needs an avis.
    const early = await ok(regie.call('sepa.preview', { collectionDate: '2026-12-10' }));
    expect([early.debits, early.count, early.controlSumCents]).toEqual([[], 0, 0]);
    const number = (familyId: number) => documents.find((d) => d.family_id === familyId)!.number;
    expect(early.ineligible.map((i) => [i.invoiceNumber, i.why, i.needsNotice])).toEqual([
      [number(n.bernard), 'mandat à signer', false],
      [older.number, 'non pré-notifiée : envoyez un avis de prélèvement', true],
      [number(n.durand), 'pré-notification trop récente : prélevable à partir du 11/01/2027', false],
      [number(n.roux), 'pré-notification trop récente : prélevable à partir du 11/01/2027', false],
    ]);
    // The month's invoices recorded their pre-notification at issue (migration 0009).
    expect(office.sqlite.prepare('SELECT family_id, amount_cents, debit_date, notified_on, source FROM sepa_notices ORDER BY family_id').all()).toEqual([
      { family_id: n.durand, amount_cents: 4_650, debit_date: '2027-01-11', notified_on: '2026-12-02', source: 'invoice' },
      { family_id: n.roux, amount_cents: 300, debit_date: '2027-01-11', notified_on: '2026-12-02', source: 'invoice' },
    ]);
    // The avis, printed today: 14 days leave 16 December at the earliest, which it announces.
    expect((await refused(agent.call('sepa.notices', { collectionDate: '2026-12-10' }))).code).toBe('forbidden');
    const avis = await ok(regie.call('sepa.notices', { collectionDate: '2026-12-10' }));
    expect([avis.count, avis.debitDate, avis.file.fileName]).toEqual([1, '2026-12-16', 'avis-prelevement-2026-12-16.pdf']);
    const avisFile = path.join(office.dir, 'avis.pdf');
    fs.writeFileSync(avisFile, Buffer.from(avis.file.base64, 'base64'));
    const avisText = plain(execFileSync('pdftotext', [avisFile, '-'], { encoding: 'utf8' }));
    expect(avisText).toContain('Avis de prélèvement');
    expect(avisText).toContain('la somme de 10,00 € sera prélevée sur votre compte le mercredi 16 décembre 2026');
    expect(avisText).toContain(`Référence unique du mandat (RUM) ${durand.rum}`);
    expect(avisText).toContain('Identifiant créancier SEPA (ICS) FR72ZZZ123456');
    expect(avisText).toContain(`Compte débité ${maskIban(DURAND_IBAN)}`);
    expect(avisText).toContain(`Facture n° ${older.number}`);
    expect(avisText).not.toContain(DURAND_IBAN);
    expect((await refused(regie.call('sepa.notices', { collectionDate: '2026-12-10' }))).fields).toEqual({ collectionDate: 'Aucune facture à pré-notifier pour cette date.' });
    const waiting = await ok(regie.call('sepa.preview', { collectionDate: '2026-12-10' }));
    expect(waiting.ineligible.find((i) => i.invoiceId === older.id)?.why).toBe('pré-notification trop récente : prélevable à partir du 16/12/2026');

    // Refused, under the field, and nothing saved.
    const refusals: [string, string][] = [
      ['2026-12-01', 'La date de prélèvement doit être dans le futur.'],
      ['2026-12-05', 'La date de prélèvement doit être un jour ouvré des banques (ni week-end ni jour férié TARGET2).'],
      ['2026-12-25', 'La date de prélèvement doit être un jour ouvré des banques (ni week-end ni jour férié TARGET2).'],
      ['2026-12-04', 'Aucune facture à prélever à cette date.'],
    ];
    for (const [collectionDate, message] of refusals) {
      const error = await refused(regie.call('sepa.prepare', { collectionDate }));
      expect(error.fields).toEqual({ collectionDate: message });
    }
    expect((await refused(agent.call('sepa.prepare', { collectionDate: '2027-01-11' }))).code).toBe('forbidden');
    expect((await refused(office.call('sepa.prepare', { collectionDate: '2027-01-11' }))).code).toBe('forbidden');
    expect((await refused(agent.call('sepa.batches', {}))).code).toBe('forbidden');
    expect(count('sepa_batches') + count('sepa_debits')).toBe(0);

    // Monday 11 January: the three invoices of the two families with an active mandate.
    const preview = await ok(regie.call('sepa.preview', { collectionDate: '2027-01-11' }));
    expect(preview.debits.map((d) => [d.familyName, d.invoiceNumber, d.amountCents, d.rum, d.ibanMasked, d.sequenceType])).toEqual([
      ['Durand Paul', older.number, 1_000, durand.rum, maskIban(DURAND_IBAN), 'FRST'],
      ['Durand Paul', number(n.durand), 4_650, durand.rum, maskIban(DURAND_IBAN), 'FRST'],
      ['Roux Inès', number(n.roux), 300, roux.rum, maskIban(ROUX_IBAN), 'FRST'],
    ]);
    expect([preview.count, preview.controlSumCents]).toEqual([3, 5_950]);
    expect(preview.ineligible.map((i) => i.why)).toEqual(['mandat à signer']);

    // Prepared, then cancelled before it is sent: its invoices are eligible again.
    const first = await ok(regie.call('sepa.prepare', { collectionDate: '2027-01-11' }));
    expect([first.messageId, first.status, first.count, first.controlSumCents, first.actions]).toEqual([
      'GRENETTE-20270111-000001',
      'prepared',
      3,
      5_950,
      { export: true, cancel: true, reject: false },
    ]);
    const inDebit = await office.value('accounts.get', { familyId: n.durand });
    expect(inDebit.invoices.map((i) => i.directDebit)).toEqual([
      { status: 'prepared', collectionDate: '2027-01-11' },
      { status: 'prepared', collectionDate: '2027-01-11' },
    ]);
    const busy = await ok(regie.call('sepa.preview', { collectionDate: '2027-01-11' }));
    expect(busy.count).toBe(0);
    expect(busy.ineligible.filter((i) => i.why === 'déjà en cours de prélèvement (lot GRENETTE-20270111-000001 du 11/01/2027)')).toHaveLength(3);
    // The administrator reads the batch but may not act on it.
    expect((await ok(office.call('sepa.batch', { batchId: first.id }))).actions).toEqual({ export: false, cancel: false, reject: false });
    const cancelled = await ok(regie.call('sepa.cancelBatch', { batchId: first.id }));
    expect([cancelled.status, cancelled.statusLabel, cancelled.debits.map((d) => d.status)]).toEqual(['cancelled', 'Annulé', ['cancelled', 'cancelled', 'cancelled']]);
    expect((await office.value('accounts.get', { familyId: n.durand })).invoices.map((i) => i.directDebit)).toEqual([null, null]);

    const batch = await ok(regie.call('sepa.prepare', { collectionDate: '2027-01-11' }));
    expect([batch.messageId, batch.count, batch.controlSumCents]).toEqual(['GRENETTE-20270111-000002', 3, 5_950]);
    const e2e = office.sqlite.prepare('SELECT end_to_end_id FROM sepa_debits').pluck().all() as string[];
    expect(new Set(e2e).size).toBe(6);

    // Sent: frozen. Cancelling is refused, and so is any edit, even straight in the database.
    const sent = await ok(regie.call('sepa.export', { batchId: batch.id, version: 'pain.008.001.02' }));
    const xml = Buffer.from(sent.base64, 'base64').toString('utf8');
    expect(xml).toContain('<MsgId>GRENETTE-20270111-000002</MsgId>');
    expect((await refused(regie.call('sepa.cancelBatch', { batchId: batch.id }))).message).toBe(
      'Ce lot a été transmis à la banque : il ne peut plus être annulé. Un prélèvement refusé s’enregistre comme un rejet.',
    );
    expect(() => office.sqlite.prepare("UPDATE sepa_batches SET collection_date = '2027-01-12' WHERE id = ?").run(batch.id)).toThrow('a batch sent or cancelled is never edited');
    expect(() => office.sqlite.prepare("UPDATE sepa_batches SET sent_xml = 'x' WHERE id = ?").run(batch.id)).toThrow('a batch sent or cancelled is never edited');
    // Its count and control sum too (0009): what the bank received stays what the batch says.
    expect(() => office.sqlite.prepare('UPDATE sepa_batches SET debit_count = 2, control_sum_cents = 4950 WHERE id = ?').run(batch.id)).toThrow('a batch sent or cancelled is never edited');
    expect(() => office.sqlite.prepare("UPDATE sepa_batches SET sent_version = 'pain.008.001.08' WHERE id = ?").run(batch.id)).toThrow('a batch sent or cancelled is never edited');
    const other = await refused(regie.call('sepa.export', { batchId: batch.id, version: 'pain.008.001.08' }));
    expect(other.fields?.version).toBe('Ce lot a été transmis au format pain.008.001.02 : seul ce fichier, tel qu’envoyé, peut être téléchargé à nouveau.');
    expect((await ok(regie.call('sepa.export', { batchId: batch.id, version: 'pain.008.001.02' }))).base64).toBe(sent.base64);
    expect((await ok(regie.call('sepa.batch', { batchId: batch.id }))).statusLabel).toBe('Transmis');

    // The day before: nothing collected yet; the invoices read « en cours de prélèvement ».
    office.clock.set('2027-01-10T09:00:00Z');
    const before = await office.value('accounts.get', { familyId: n.durand });
    expect([before.balanceCents, before.movements.length]).toEqual([5_650, 0]);
    expect(before.invoices.map((i) => i.directDebit?.status)).toEqual(['sent', 'sent']);

    // The collection date: paid through the ledger, once, however often the accounts are read.
    office.clock.set('2027-01-11T07:30:00Z');
    const paid = await office.value('accounts.get', { familyId: n.durand });
    expect(paid.balanceCents).toBe(0);
    expect(paid.invoices.map((i) => [i.number, i.openCents, i.directDebit])).toEqual([
      [older.number, 0, null],
      [number(n.durand), 0, null],
    ]);
    expect(paid.movements.map((m) => [m.kind, m.method, m.day, m.amountCents, m.allocations.map((a) => a.invoiceNumber)])).toEqual([
      ['payment', 'prelevement', '2027-01-11', 1_000, [older.number]],
      ['payment', 'prelevement', '2027-01-11', 4_650, [number(n.durand)]],
    ]);
    expect(paid.movements.map((m) => m.details.reference).every((ref) => e2e.includes(ref))).toBe(true);
    await office.value('accounts.get', { familyId: n.durand });
    await office.value('accounts.grid', { filter: 'all' });
    await ok(regie.call('sepa.batches', {}));
    expect(await settleDueDebits(office.db, office.clock)).toBe(0);
    expect(count('account_movements')).toBe(3);
    expect((await office.value('accounts.get', { familyId: n.roux })).balanceCents).toBe(0);
    const settled = await ok(regie.call('sepa.batch', { batchId: batch.id }));
    expect([settled.statusLabel, settled.debits.map((d) => d.status)]).toEqual(['Encaissé le 11/01/2027', ['collected', 'collected', 'collected']]);
    expect(office.sqlite.prepare('SELECT last_collection_on FROM sepa_mandates WHERE id = ?').pluck().get(durand.mandateId)).toBe('2027-01-11');

    // The next invoice of a mandate collected once is a recurring debit.
    const january = insertIssuedInvoice(office.sqlite, { familyId: n.durand, issueDate: '2027-01-11', dueDate: '2027-02-10', totalCents: 2_000 });
    insertNotice(office, { invoiceId: january.id, familyId: n.durand, mandateId: durand.mandateId, rum: durand.rum, amountCents: 2_000, notifiedOn: '2027-01-11' });
    const next = await ok(regie.call('sepa.preview', { collectionDate: '2027-02-10' }));
    expect(next.debits.map((d) => [d.familyName, d.amountCents, d.sequenceType])).toEqual([['Durand Paul', 2_000, 'RCUR']]);
  });

  it('settles a debit whose day was closed before the office settled it on the first open day after, with its date in the note', async () => {
    office = await makeTestOffice({ now: '2026-12-01T09:00:00Z' });
    const n = await buildNovember(office);
    const mandate = insertSignedMandate(office, n.durand, { holder: 'Paul Durand', iban: DURAND_IBAN, bic: 'AGRIFRPP' });
    const invoice = insertIssuedInvoice(office.sqlite, { familyId: n.durand, issueDate: '2026-11-02', dueDate: '2026-12-02', totalCents: 2_500 });
    insertNotice(office, { invoiceId: invoice.id, familyId: n.durand, mandateId: mandate.mandateId, rum: mandate.rum, amountCents: 2_500, notifiedOn: '2026-11-02' });
    const regie: { call: CallFn } = await office.as('regisseur');
    const batch = await ok(regie.call('sepa.prepare', { collectionDate: '2026-12-03' }));
    await ok(regie.call('sepa.export', { batchId: batch.id, version: 'pain.008.001.08' }));
    // The 3rd and 4th were closed on another machine before this office read any account.
    office.sqlite.prepare("INSERT INTO cash_days (day, closed_at, summary) VALUES ('2026-12-04', '2026-12-04T17:00:00.000Z', '{}')").run();
    office.clock.set('2026-12-04T18:00:00Z');
    expect(await settleDueDebits(office.db, office.clock)).toBe(0);
    expect((await office.value('accounts.get', { familyId: n.durand })).balanceCents).toBe(2_500);
    office.clock.set('2026-12-07T09:00:00Z');
    const account = await office.value('accounts.get', { familyId: n.durand });
    expect(account.balanceCents).toBe(0);
    expect(account.movements.map((m) => [m.day, m.method, m.note])).toEqual([
      ['2026-12-05', 'prelevement', 'Prélèvement SEPA du 03/12/2026, lot GRENETTE-20261203-000001 (journée de caisse déjà clôturée : compté le 05/12/2026)'],
    ]);
  });
  it('reads and saves Paramètres › Prélèvement: every role reads, the administrator and the régisseur save, refusals by field, audited', async () => {
    office = await makeTestOffice({ now: '2026-12-01T09:00:00Z' });
    const agent = await office.as('agent');
    const regie = await office.as('regisseur');
    const defaults = await ok(agent.call('sepa.settings', {}));
    expect(defaults).toMatchObject({ ics: 'FR72ZZZ123456', preNotificationDays: 14, collectionDay: 10, rejectFeeCents: 0 });
    expect((await refused(agent.call('sepa.saveSettings', { ...defaults, rejectFeeCents: 500 }))).code).toBe('forbidden');
    const bad = await refused(office.call('sepa.saveSettings', { ...defaults, ics: 'FR73ZZZ123456', preNotificationDays: 1, collectionDay: 31 }));
    expect(bad.fields).toEqual({
      ics: 'Les chiffres de contrôle de l’ICS sont faux : vérifiez la saisie.',
      preNotificationDays: 'Le délai de pré-notification est d’au moins 2 jours (14 sans accord contraire).',
      collectionDay: 'Le jour des prélèvements est entre 1 et 28.',
    });
    expect(office.sqlite.prepare("SELECT COUNT(*) FROM settings WHERE key = 'sepa.settings'").pluck().get()).toBe(0);
    const saved = await ok(regie.call('sepa.saveSettings', { ...defaults, rejectFeeCents: 500, preNotificationDays: 5 }));
    expect(saved).toMatchObject({ rejectFeeCents: 500, preNotificationDays: 5 });
    expect(await ok(agent.call('sepa.settings', {}))).toEqual(saved);
    expect(office.sqlite.prepare("SELECT field, old_value, new_value FROM audit_log WHERE entity = 'sepa_settings' ORDER BY id").all()).toEqual([
      { field: 'Délai de pré-notification (jours)', old_value: '14', new_value: '5' },
      { field: 'Frais de rejet', old_value: '0,00\u00a0€', new_value: '5,00\u00a0€' },
    ]);
  });
});
