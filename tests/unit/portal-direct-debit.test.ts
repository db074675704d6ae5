import { describe, expect, it } from 'vitest';
import type { FamilyPublication } from '../../src/shared/sync/contract.js';
import { debitDay, onlineCents, statementBody } from '../../src/portal/pages/statement.js';
import { publishedInvoice, sampleInvoiceDocument } from '../helpers/invoice.js';
import { makePublication } from '../helpers/portal.js';

/**
 * The portal's words for an invoice's direct debit, out of the page: French dates, a collection date passed while the
 * office has not published the collection yet, and everything the office sent escaped (the reason and the fee invoice
 * number come from the office's data, never trusted as markup).
 */
type Debit = NonNullable<FamilyPublication['invoices'][number]['directDebit']>;
const debit = (over: Partial<Debit>): Debit => ({
  status: 'en_cours',
  collectionDate: '2026-12-10',
  mandateReference: 'GRN-000001-01',
  rejectCode: null,
  rejectReason: null,
  rejectDay: null,
  feeInvoiceNumber: null,
  ...over,
});
const invoice = (number: string, directDebit: Debit | null) => ({ ...publishedInvoice(sampleInvoiceDocument({ number })), directDebit });
const text = (markup: string) => markup.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('direct debits on the portal’s statement', () => {
  it('writes collection days the French way', () => {
    expect([debitDay('2026-12-05'), debitDay('2027-03-01'), debitDay('2027-06-15'), debitDay('pas un jour')]).toEqual([
      '5 déc. 2026',
      '1er mars 2027',
      '15 juin 2027',
      'pas un jour',
    ]);
  });

  it('says « prévu » before the collection date and « en cours » once it has passed, and never offers it online', () => {
    const p = makePublication(1, { invoices: [invoice('2026-000042', debit({}))], balanceCents: 1640 });
    expect(text(statementBody(p, '2026-12-09').value)).toContain('Prélèvement prévu le 10 déc. 2026');
    const after = statementBody(p, '2026-12-10').value;
    expect(text(after)).toContain('Prélèvement du 10 déc. 2026 en cours');
    expect(after).not.toContain('Payer en ligne avec PayFiP');
    expect(onlineCents(p)).toBe(0);
  });

  it('offers online an invoice whose debit was collected only for what is left, and a rejected one in full', () => {
    const partly = { ...invoice('2026-000041', debit({ status: 'preleve' })), paidCents: 1000 };
    const rejected = invoice('2026-000042', debit({ status: 'rejete', rejectCode: 'AM04', rejectReason: 'Provision insuffisante', rejectDay: '2026-12-14' }));
    expect(onlineCents(makePublication(1, { invoices: [partly, rejected] }))).toBe(640 + 1640);
  });

  it('escapes the reason and the fee invoice number the office published', () => {
    const p = makePublication(1, {
      invoices: [invoice('2026-000042', debit({ status: 'rejete', rejectCode: 'XX99', rejectReason: '<img src=x onerror=alert(1)>', rejectDay: '2026-12-14', feeInvoiceNumber: '"><script>x</script>' }))],
    });
    const markup = statementBody(p, '2026-12-15').value;
    expect(markup).not.toContain('<img');
    expect(markup).not.toContain('<script>');
    expect(markup).toContain('rejeté (&lt;img src=x onerror=alert(1)&gt;) : frais de rejet sur la facture complémentaire n°\u00a0&quot;&gt;&lt;script&gt;x&lt;/script&gt;');
  });
});
