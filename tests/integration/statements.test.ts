import { afterEach, describe, expect, it } from 'vitest';
import type { PaymentInput } from '../../src/shared/billing/account.js';
import type { CallProgress } from '../../src/shared/api/progress.js';
import type { OfficeSession } from '../../src/office/api/handler.js';
import type { FileContent } from '../../src/shared/api/contract.js';
import { makeTestOffice, type CallFn, type TestOffice } from '../helpers/office.js';
import { family } from './billing-run-commune.js';
import { flat, issued, layout, ok, pages, pdfOf, row } from './statement-fixtures.js';

/**
 * Relevés de compte through the real core: one family's statement over a period worked by hand (opening balance,
 * each line with its running balance, closing balance in words), read back with pdftotext; the batch of every family
 * with a balance due at the end of the period, with its progress; the refusals of bad periods and of roles.
 */

let office: TestOffice;
afterEach(async () => {
  await office?.close();
});


describe('statements (relevés de compte)', () => {
  let regie: { session: OfficeSession; call: CallFn };
  let durand: number;

  async function setUp(): Promise<void> {
    office = await makeTestOffice({ now: '2026-12-03T09:00:00Z' });
    regie = await office.as('regisseur');
    durand = await family(office, { nom: 'Durand', prenom: 'Paul', civilite: 'M.', second: { civilite: 'Mme', prenom: 'Anne', nom: 'Durand' } });
    // Before the period: September's 46,50 €. In it: October's 30,00 €, a cheque of 40,00 €, November's 25,00 €,
    // 20,00 € in cash. After it: December's 12,00 €, not on the statement.
    issued(office, durand, '2026-09-01', '2026-10-01', 4_650);
    issued(office, durand, '2026-10-01', '2026-10-31', 3_000);
    await ok(regie.call('payments.record', { familyId: durand, method: 'cheque', day: '2026-10-05', amountCents: 4_000, chequeNumber: '1234567', chequeBank: 'Crédit Agricole', chequeDrawer: 'M. Durand' } as PaymentInput));
    issued(office, durand, '2026-11-02', '2026-12-02', 2_500);
    await ok(regie.call('payments.record', { familyId: durand, method: 'especes', day: '2026-11-10', amountCents: 2_000 } as PaymentInput));
    issued(office, durand, '2026-12-01', '2026-12-31', 1_200);
  }

  it('prints a family’s statement: opening balance, each movement with its running balance, the closing balance in words', async () => {
    await setUp();
    const agent = await office.as('agent');
    const file = await ok(agent.call('statements.pdf', { familyId: durand, from: '2026-10-01', to: '2026-11-30' }));
    expect(file.fileName).toBe(`releve-compte-${durand}-2026-10-01-2026-11-30.pdf`);
    const pdf = pdfOf(office, file);
    expect(pages(pdf)).toBe(1);
    const text = flat(pdf);
    expect(text).toContain('Relevé de compte');
    expect(text).toContain('Période : du 01/10/2026 au 30/11/2026');
    expect(text).toContain('M. et Mme Paul DURAND 3 rue des Lilas 69100 Villeurbanne');
    expect(text).toContain('Commune d’Epagny Metz-Tessy');
    const table = layout(pdf);
    // 46,50 before; +30,00 = 76,50; −40,00 = 36,50; +25,00 = 61,50; −20,00 = 41,50.
    expect(table).toMatch(row('01/10/2026', 'Solde au début de la période', '46,50 €'));
    expect(table).toMatch(row('01/10/2026', 'Facture n° 2026-000002 — octobre 2026', '2026-000002', '30,00 €', '76,50 €'));
    expect(table).toMatch(row('05/10/2026', 'Règlement — Chèque n° 1234567', '1234567', '40,00 €', '36,50 €'));
    expect(table).toMatch(row('02/11/2026', 'Facture n° 2026-000003 — novembre 2026', '2026-000003', '25,00 €', '61,50 €'));
    expect(table).toMatch(row('10/11/2026', 'Règlement — Espèces', '20,00 €', '41,50 €'));
    expect(table).toMatch(row('Total des opérations de la période', '55,00 €', '60,00 €'));
    expect(table).toMatch(row('30/11/2026', 'Solde à la fin de la période', '41,50 €'));
    expect(text).toContain('Reste à payer : 41,50 €');
    expect(text).not.toContain('2026-000004');
    expect(text).not.toContain('2026-000001 ');
    expect(text).toContain('Comment payer ?');
    expect(text).toContain('identifiant de la collectivité 012345');
    expect(text).toContain('Page 1 / 1');

    // The whole account to December: 53,50 € due; a credit is said « en votre faveur ».
    const later = flat(pdfOf(office, await ok(regie.call('statements.pdf', { familyId: durand, from: '2026-12-01', to: '2026-12-31' }))));
    expect(later).toContain('Reste à payer : 53,50 €');
    await ok(regie.call('payments.record', { familyId: durand, method: 'especes', day: '2026-12-03', amountCents: 6_000, overpayment: 'credit' } as PaymentInput));
    const credit = flat(pdfOf(office, await ok(regie.call('statements.pdf', { familyId: durand, from: '2026-12-01', to: '2026-12-31' }))));
    expect(credit).toContain('Solde en votre faveur : 6,50 €');
    expect(credit).not.toContain('Comment payer ?');
  });

  it('prints every family with a balance due at the end of the period as one PDF, each with its own pages, and reports progress', async () => {
    await setUp();
    // Paid in full: no statement. Its only invoice after the period: nothing due at `to`. A credit: nothing due.
    const martin = await family(office, { nom: 'Martin', prenom: 'Hélène', civilite: 'Mme' });
    issued(office, martin, '2026-10-01', '2026-10-31', 2_000);
    await ok(regie.call('payments.record', { familyId: martin, method: 'carte', day: '2026-10-20', amountCents: 2_000 } as PaymentInput));
    const bernard = await family(office, { nom: 'Bernard', prenom: 'Luc', civilite: 'M.' });
    issued(office, bernard, '2026-12-01', '2026-12-31', 1_000);
    const robert = await family(office, { nom: 'Robert', prenom: 'Jeanne', civilite: 'Mme' });
    issued(office, robert, '2026-10-01', '2026-10-31', 1_000);
    await ok(regie.call('payments.record', { familyId: robert, method: 'especes', day: '2026-10-02', amountCents: 1_500, overpayment: 'credit' } as PaymentInput));
    const petit = await family(office, { nom: 'Petit', prenom: 'Marc', civilite: 'M.' });
    issued(office, petit, '2026-11-02', '2026-12-02', 1_500);

    const progress: CallProgress[] = [];
    const result = await office.core.call(regie.session, 'statements.batch', { from: '2026-10-01', to: '2026-11-30' }, (event) => progress.push(event));
    if (!result.ok) throw new Error(result.error.message);
    expect((result.value as FileContent).fileName).toBe('releves-compte-2026-10-01-2026-11-30.pdf');
    const pdf = pdfOf(office, result.value as FileContent);
    expect(pages(pdf)).toBe(2);
    const first = flat(pdf, 1);
    const second = flat(pdf, 2);
    expect(first).toContain('M. et Mme Paul DURAND');
    expect(first).toContain('Reste à payer : 41,50 €');
    expect(first).toContain('Page 1 / 1');
    expect(second).toContain('M. Marc PETIT');
    expect(second).toContain('Reste à payer : 15,00 €');
    expect(second).toContain('Page 1 / 1');
    const all = flat(pdf);
    for (const name of ['MARTIN', 'BERNARD', 'ROBERT']) expect(all).not.toContain(name);

    expect(progress.length).toBeGreaterThan(1);
    const last = progress[progress.length - 1] as CallProgress;
    expect([last.done, last.total]).toEqual([2, 2]);
    expect(progress.some((event) => event.total === 2 && event.done < 2)).toBe(true);
  });

  it('refuses bad periods in French, the batch to agents, and a batch with nothing due', async () => {
    await setUp();
    const reversed = await regie.call('statements.pdf', { familyId: durand, from: '2026-11-30', to: '2026-10-01' });
    expect(reversed.ok).toBe(false);
    if (!reversed.ok) expect(reversed.error).toMatchObject({ code: 'validation', message: 'La période est à l’envers : le 30/11/2026 est après le 01/10/2026.' });
    const unreadable = await regie.call('statements.batch', { from: '2026-13-01', to: '31/11/2026' });
    expect(unreadable.ok).toBe(false);
    if (!unreadable.ok) {
      expect(unreadable.error.code).toBe('validation');
      expect(unreadable.error.fields).toEqual({ from: 'Date de début invalide (attendue : JJ/MM/AAAA).', to: 'Date de fin invalide (attendue : JJ/MM/AAAA).' });
    }
    const agent = await office.as('agent');
    const forbidden = await agent.call('statements.batch', { from: '2026-10-01', to: '2026-11-30' });
    expect(forbidden.ok).toBe(false);
    if (!forbidden.ok) expect(forbidden.error).toMatchObject({ code: 'forbidden', message: 'Seuls le régisseur et l’administrateur peuvent imprimer les relevés de toutes les familles.' });
    const nothing = await regie.call('statements.batch', { from: '2026-01-01', to: '2026-08-31' });
    expect(nothing.ok).toBe(false);
    if (!nothing.ok) expect(nothing.error.message).toBe('Aucune famille n’a de solde à payer au 31/08/2026 : il n’y a aucun relevé à imprimer.');
    const unknown = await regie.call('statements.pdf', { familyId: 99_999, from: '2026-10-01', to: '2026-11-30' });
    expect(unknown.ok).toBe(false);
    if (!unknown.ok) expect(unknown.error.message).toBe('Famille introuvable.');
  });
});
