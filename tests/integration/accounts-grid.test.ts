import { afterEach, describe, expect, it } from 'vitest';
import type { AccountGridRow } from '../../src/shared/api/account-grid.js';
import type { PaymentInput } from '../../src/shared/billing/account.js';
import { toCsv } from '../../src/shared/export/csv.js';
import { ACCOUNT_CSV_COLUMNS } from '../../src/renderer/accounts/account-csv.js';
import { insertIssuedInvoice } from '../helpers/invoice.js';
import { makeTestOffice, type TestOffice } from '../helpers/office.js';
import { family } from './billing-run-commune.js';

/**
 * The régie's « Comptes » grid ('accounts.grid') through the real core on a real SQLite file: one row per family with
 * the balance, what is overdue, the oldest unpaid due date, the last payment still standing, the credit and the
 * reminder hold; its filters; every staff role reads it; its CSV holds every row, amounts the French way. Then the
 * same at 30,000 families.
 */

let office: TestOffice;
afterEach(async () => {
  await office?.close();
});

/** An issued invoice (tests/helpers/invoice.ts): the run's own path is tested in billing-run.test.ts. */
function issued(familyId: number, issueDate: string, dueDate: string, totalCents: number): number {
  return insertIssuedInvoice(office.sqlite, { familyId, issueDate, dueDate, totalCents }).id;
}

async function ok<T>(promise: Promise<{ ok: true; value: T } | { ok: false; error: unknown }>): Promise<T> {
  const result = await promise;
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value;
}

const csvLines = (csv: string) => csv.split('\r\n').filter((line) => line !== '');

describe('the « Comptes » grid', () => {
  it('shows each family’s balance, overdue, oldest unpaid, last payment, credit and hold, filtered', async () => {
    office = await makeTestOffice({ now: '2026-12-03T09:00:00Z' });
    const regie = await office.as('regisseur');
    const pay = (familyId: number, input: Partial<PaymentInput>) =>
      ok(regie.call('payments.record', { familyId, method: 'especes', day: '2026-12-03', amountCents: 0, ...input } as PaymentInput));

    const durand = await family(office, { nom: 'Durand', prenom: 'Paul', civilite: 'M.' });
    const martin = await family(office, { nom: 'Martin', prenom: 'Léa', civilite: 'Mme' });
    const petit = await family(office, { nom: 'Petit', prenom: 'Jean', civilite: 'M.' });
    const bernard = await family(office, { nom: 'Bernard', prenom: 'Anne', civilite: 'Mme' });
    const leroy = await family(office, { nom: 'Leroy', prenom: 'Marc', civilite: 'M.' });

    // Durand: 46,50 € due 31 October and 30,00 € due 31 December; a cheque of 20,00 € on 1 December settles part of
    // the oldest: 56,50 € left, of which 26,50 € overdue; the régisseur set it aside from reminders (a payment plan).
    issued(durand, '2026-10-01', '2026-10-31', 4_650);
    issued(durand, '2026-12-01', '2026-12-31', 3_000);
    await pay(durand, { amountCents: 2_000, method: 'cheque', chequeNumber: '1234567', chequeBank: 'La Banque Postale', day: '2026-12-01' });
    office.sqlite.prepare("INSERT INTO reminder_holds (family_id, reason, note, since) VALUES (?, 'payment_plan', '10 € par mois', '2026-12-02')").run(durand);
    // Martin: paid in full on 2 December; a second payment entered by mistake on the 3rd is cancelled: the last payment
    // is still the one of the 2nd.
    issued(martin, '2026-11-02', '2026-12-02', 3_000);
    await pay(martin, { amountCents: 3_000, day: '2026-12-02' });
    const mistake = await pay(martin, { amountCents: 1_000, overpayment: 'credit' });
    await ok(regie.call('payments.cancel', { movementId: mistake.movementId, day: '2026-12-03', reason: 'Saisi deux fois' }));
    // Petit: 40,00 € for an invoice of 25,00 €, the rest kept as a credit.
    issued(petit, '2026-11-02', '2026-12-02', 2_500);
    await pay(petit, { amountCents: 4_000, overpayment: 'credit', method: 'carte' });
    // Leroy: left the commune owing 12,00 €, overdue.
    issued(leroy, '2026-10-01', '2026-10-31', 1_200);
    await ok(office.call('families.archive', { id: leroy, archived: true }));

    const agent = await office.as('agent');
    const all = await ok(agent.call('accounts.grid', { filter: 'all' }));
    const byName = (rows: AccountGridRow[]) => rows.map((row) => row.familyName);
    // Sorted by name, archived families included (they still owe).
    expect(byName(all)).toEqual(['Bernard Anne', 'Durand Paul', 'Leroy Marc', 'Martin Léa', 'Petit Jean']);
    const row = (id: number) => all.find((r) => r.familyId === id);
    expect(row(durand)).toEqual({
      familyId: durand,
      familyName: 'Durand Paul',
      archived: false,
      balanceCents: 5_650,
      dueCents: 5_650,
      overdueCents: 2_650,
      creditCents: 0,
      oldestUnpaidDue: '2026-10-31',
      lastPaymentDay: '2026-12-01',
      lastPaymentCents: 2_000,
      hold: { reason: 'payment_plan', note: '10 € par mois', since: '2026-12-02', setBy: '' },
    });
    expect(row(martin)).toMatchObject({ balanceCents: 0, overdueCents: 0, oldestUnpaidDue: null, lastPaymentDay: '2026-12-02', lastPaymentCents: 3_000, creditCents: 0 });
    expect(row(petit)).toMatchObject({ balanceCents: -1_500, creditCents: 1_500, dueCents: 0, lastPaymentCents: 4_000 });
    expect(row(bernard)).toMatchObject({ balanceCents: 0, oldestUnpaidDue: null, lastPaymentDay: null, lastPaymentCents: null, hold: null });
    expect(row(leroy)).toMatchObject({ archived: true, balanceCents: 1_200, overdueCents: 1_200, oldestUnpaidDue: '2026-10-31' });

    // The grid's row is the family file's account, reduced.
    const account = await office.value('accounts.get', { familyId: durand });
    expect([account.balanceCents, account.overdueCents, account.creditCents]).toEqual([5_650, 2_650, 0]);

    expect(byName(await ok(agent.call('accounts.grid', { filter: 'due' })))).toEqual(['Durand Paul', 'Leroy Marc']);
    expect(byName(await ok(agent.call('accounts.grid', { filter: 'overdue' })))).toEqual(['Durand Paul', 'Leroy Marc']);
    expect(byName(await ok(agent.call('accounts.grid', { filter: 'credit' })))).toEqual(['Petit Jean']);
    expect(await ok(office.call('accounts.grid', {}))).toEqual(all);
    const unknown = await agent.call('accounts.grid', { filter: 'rich' as 'all' });
    expect(unknown.ok).toBe(false);
    if (!unknown.ok) expect(unknown.error.fields).toEqual({ filter: 'Filtre inconnu.' });

    // The export: every row, amounts with a comma and no thousands separator, days dd/mm/yyyy, Excel's BOM and ';'.
    const csv = toCsv(ACCOUNT_CSV_COLUMNS, all);
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const lines = csvLines(csv.slice(1));
    expect(lines).toHaveLength(all.length + 1);
    expect(lines[0]).toBe(
      'N° famille;Famille;Solde (€);Reste à payer (€);En retard (€);Plus ancienne échéance impayée;Dernier règlement;Montant du dernier règlement (€);Crédit (€);Relances suspendues;Archivée',
    );
    expect(lines[2]).toBe(`${durand};Durand Paul;56,50;56,50;26,50;31/10/2026;01/12/2026;20,00;0,00;Échéancier de paiement : 10 € par mois;Non`);
    expect(lines[5]).toBe(`${petit};Petit Jean;-15,00;0,00;0,00;;03/12/2026;40,00;15,00;;Non`);
  });

  it('lists every family of a 30,000-family commune, and its CSV holds every row', async () => {
    office = await makeTestOffice({ now: '2026-12-03T09:00:00Z' });
    const families = 30_000;
    const insert = office.sqlite.transaction(() => {
      const fam = office.sqlite.prepare("INSERT INTO families (id, created_at, updated_at) VALUES (?, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')");
      const resp = office.sqlite.prepare('INSERT INTO responsables (family_id, rank, nom, prenom) VALUES (?, 1, ?, ?)');
      const inv = office.sqlite.prepare(
        `INSERT INTO invoices (id, number, year, seq, kind, family_id, month, issue_date, due_date, total_cents, issued_at, document)
         VALUES (?, ?, 2026, ?, 'invoice', ?, ?, ?, ?, ?, '2026-11-01T08:00:00.000Z', '{}')`,
      );
      const mov = office.sqlite.prepare("INSERT INTO account_movements (id, family_id, kind, method, day, amount_cents, recorded_at) VALUES (?, ?, 'payment', 'especes', '2026-11-20', ?, '2026-11-20T10:00:00Z')");
      const alloc = office.sqlite.prepare("INSERT INTO allocations (family_id, source_movement_id, target_invoice_id, amount_cents, at) VALUES (?, ?, ?, ?, '2026-11-20T10:00:00Z')");
      let seq = 0;
      for (let id = 1; id <= families; id += 1) {
        fam.run(id);
        resp.run(id, `Nom${String(id).padStart(5, '0')}`, 'Prénom');
        // Two invoices each (October, overdue; November), and every other family paid 10,00 € on October's.
        for (const [month, due, cents] of [['2026-10', '2026-10-31', 4_000 + (id % 100)], ['2026-11', '2026-12-31', 3_000]] as const) {
          seq += 1;
          inv.run(seq, `2026-${String(seq).padStart(6, '0')}`, seq, id, month, `${month}-01`, due, cents);
        }
        if (id % 2 === 0) {
          mov.run(id, id, 1_000);
          alloc.run(id, id, seq - 1, 1_000);
        }
      }
    });
    insert();
    const started = performance.now();
    const rows = await ok(office.call('accounts.grid', { filter: 'all' }));
    const elapsed = performance.now() - started;
    expect(rows).toHaveLength(families);
    expect(new Set(rows.map((r) => r.familyId)).size).toBe(families);
    const second = rows.find((r) => r.familyId === 2);
    expect(second).toMatchObject({ balanceCents: 4_002 + 3_000 - 1_000, overdueCents: 3_002, lastPaymentCents: 1_000, oldestUnpaidDue: '2026-10-31' });
    expect(csvLines(toCsv(ACCOUNT_CSV_COLUMNS, rows))).toHaveLength(families + 1);
    // Well within what an agent waits for a grid (measured 2.6 s on the 2-core build machine, shared).
    expect(elapsed).toBeLessThan(10_000);
  }, 120_000);
});
