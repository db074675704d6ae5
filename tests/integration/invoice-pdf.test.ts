import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileContent } from '../../src/shared/api/contract.js';
import type { CallProgress } from '../../src/shared/api/progress.js';
import type { Role } from '../../src/shared/auth/roles.js';
import type { InvoiceDocument, InvoiceIssuer, InvoiceLine } from '../../src/shared/billing/invoice.js';
import { compactDaysFr, monthLabelFr } from '../../src/shared/calendar/format.js';
import type { Clock } from '../../src/shared/clock.js';
import { invoicePdf, invoicePdfFileName } from '../../src/server/billing/invoice-pdf.js';
import { createOfficeCore, type OfficeCore } from '../../src/office/api/core.js';
import { renderMissingInvoicePdfs, RESUME_PDF_DAYS } from '../../src/office/billing/pdf-cache.js';
import { startOfficeApp } from '../../src/office/app.js';
import type { OfficeSession } from '../../src/office/api/handler.js';
import { openOfficeDatabase, type OpenedOfficeDatabase } from '../../src/office/db/open.js';
import { silentLogger } from '../../src/office/log.js';

const clock: Clock = () => new Date('2026-12-01T09:00:00Z');
const NOW = clock().toISOString();

let dir: string;

// Everything below is written by hand: the amounts are what a person computes from the lines, not the code's output.
const ISSUER: InvoiceIssuer = {
  communeName: 'Commune de Val-Fleuri',
  address: ['1 place de la Mairie', '74000 Val-Fleuri'],
  siret: '21740999900015',
  regieName: 'Régie Enfance Jeunesse de Val-Fleuri',
  regieAddress: ['3 rue des Écoles', '74000 Val-Fleuri'],
  regieHours: 'Lundi et jeudi 8h30-12h00',
  phone: '04 50 00 11 22',
  email: 'regie@val-fleuri.fr',
  signatoryName: 'Jeanne DUPRÉ',
  signatoryQuality: 'Adjointe déléguée aux finances',
  payfipId: '074321',
  chequeOrder: 'Trésor public',
  appeal:
    'Contestation possible dans les deux mois devant le tribunal compétent.\n\n' +
    'Une réclamation auprès de la régie ne suspend pas ce délai.',
};

function line(partial: Partial<InvoiceLine> & Pick<InvoiceLine, 'label' | 'unitCents' | 'quantity' | 'amountCents' | 'days'>): InvoiceLine {
  return { childId: 1, childName: 'Lucas MARTIN', serviceId: 1, serviceName: 'Restauration scolaire', kind: 'unit', basis: '', ...partial };
}

const invoice: InvoiceDocument = {
  kind: 'invoice',
  number: '2026-000123',
  issueDate: '2026-11-30',
  dueDate: '2026-12-30',
  month: '2026-11',
  issuer: ISSUER,
  family: { id: 0, name: 'Mme Claire MARTIN', address: ['12 chemin des Vergers', '74000 Val-Fleuri'] },
  lines: [
    line({
      label: 'Restauration scolaire — repas',
      basis: 'Tranche 2 (QF 601 à 900) : 3,60 € par repas',
      unitCents: 360,
      quantity: 4,
      amountCents: 1440,
      days: ['2026-11-03', '2026-11-05', '2026-11-10', '2026-11-12'],
    }),
    line({
      kind: 'late_booking',
      label: 'Restauration scolaire — majoration pour réservation hors délai',
      basis: 'Majoration de 1,00 € par repas',
      unitCents: 100,
      quantity: 1,
      amountCents: 100,
      days: ['2026-11-12'],
    }),
    line({
      childId: 2,
      childName: 'Emma MARTIN',
      serviceId: 2,
      serviceName: 'Accueil du soir',
      label: 'Accueil du soir — par demi-heure commencée',
      basis: 'Tranche 2 : 0,90 € la demi-heure',
      unitCents: 90,
      quantity: 6,
      amountCents: 540,
      days: ['2026-11-02', '2026-11-09'],
    }),
  ],
  // 14,40 + 1,00 + 5,40
  totalCents: 2080,
  qf: [{ from: '2026-11-02', to: '2026-11-12', qf: 750, source: 'caf', flagged: false, why: 'QF 750 : quotient CAF 750 valable jusqu’au 31/12/2026.' }],
  days: [],
  corrects: null,
  reason: '',
  directDebit: null,
};

const creditNote: InvoiceDocument = {
  ...invoice,
  kind: 'credit_note',
  number: '2026-000124',
  issueDate: '2026-12-01',
  dueDate: '2026-12-01',
  lines: [
    line({ kind: 'correction', label: 'Repas du 10 novembre facturé à tort', unitCents: -360, quantity: 1, amountCents: -360, days: ['2026-11-10'] }),
  ],
  totalCents: -360,
  qf: [],
  corrects: { number: '2026-000123', issueDate: '2026-11-30' },
  reason: 'Sortie scolaire du 10 novembre',
};

const directDebit: InvoiceDocument = {
  ...invoice,
  number: '2026-000125',
  family: { id: 0, name: 'M. Karim BENALI', address: ['5 allée des Tilleuls', '74000 Val-Fleuri'] },
  lines: [line({ childName: 'Inès BENALI', label: 'Restauration scolaire — repas', unitCents: 315, quantity: 2, amountCents: 630, days: ['2026-11-01', '2026-11-30'] })],
  totalCents: 630,
  directDebit: { debitDate: '2026-12-15', mandateReference: 'RUM-VF-000042', creditorId: 'FR45ZZZ654321' },
};

const noPayfip: InvoiceDocument = {
  ...invoice,
  number: '2026-000126',
  issuer: { ...ISSUER, payfipId: '' },
  family: { id: 0, name: 'Mme Lucie ROUX', address: ['8 impasse du Moulin', '74000 Val-Fleuri'] },
  lines: [line({ childName: 'Tom ROUX', label: 'Accueil du matin — séance', unitCents: 150, quantity: 1, amountCents: 150, days: ['2026-11-04'] })],
  totalCents: 150,
};

/** Forty lines: more than a page, to check that an invoice numbers its own pages. */
const longInvoice: InvoiceDocument = {
  ...invoice,
  number: '2026-000127',
  family: { id: 0, name: 'M. et Mme LONGUE', address: ['1 route Longue', '74000 Val-Fleuri'] },
  lines: Array.from({ length: 40 }, (_, index) =>
    line({ childName: `Enfant${index % 4} LONGUE`, label: `Prestation numéro ${index + 1}`, basis: 'Tarif unique', unitCents: 100, quantity: 1, amountCents: 100, days: ['2026-11-16'] }),
  ).sort((a, b) => a.childName.localeCompare(b.childName)),
  totalCents: 4000,
};

async function writePdf(name: string, bytes: Buffer): Promise<string> {
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return file;
}

/** Text as a reader sees it, in reading order, spaces (no-break ones too) and line breaks made single spaces. */
function flat(pdf: string, page?: number): string {
  const range = page === undefined ? [] : ['-f', String(page), '-l', String(page)];
  return execFileSync('pdftotext', [...range, pdf, '-'], { encoding: 'utf8' }).replace(/[\s\u00a0]+/g, ' ');
}

/** Text laid out as printed: a table row stays on one line. */
function layout(pdf: string, page?: number): string {
  const range = page === undefined ? [] : ['-f', String(page), '-l', String(page)];
  return execFileSync('pdftotext', ['-layout', ...range, pdf, '-'], { encoding: 'utf8' }).replace(/\u00a0/g, ' ');
}

function pages(pdf: string): number {
  const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
  return Number(/^Pages:\s+(\d+)/m.exec(info)?.[1]);
}

/** A printed table row: its cells in order on one line, separated by at least one space. */
function row(...cells: string[]): RegExp {
  return new RegExp(cells.map((cell) => cell.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s+')).join('\\s+.*?'));
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grenette-invoice-pdf-'));
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('compact French days and month labels', () => {
  it('writes the days of a month once with the month abbreviated, sorted, each day once', () => {
    expect(compactDaysFr(['2026-11-10', '2026-11-03', '2026-11-04', '2026-11-06', '2026-11-04'])).toBe('3, 4, 6, 10 nov.');
    expect(compactDaysFr(['2026-11-01', '2026-11-02'])).toBe('1er, 2 nov.');
    expect(compactDaysFr(['2026-10-30', '2026-11-02'])).toBe('30 oct. ; 2 nov.');
    expect(compactDaysFr(['2026-12-31', '2027-01-04'])).toBe('31 déc. 2026 ; 4 janv. 2027');
    expect(compactDaysFr([])).toBe('');
    expect(() => compactDaysFr(['2026-02-30'])).toThrow();
    expect(monthLabelFr('2026-11')).toBe('novembre 2026');
    expect(() => monthLabelFr('2026-13')).toThrow();
  });
});

describe('invoicePdf', () => {
  it('prints an invoice: issuer, régie, family, number, period, lines by child with their days, total, due date, QF, payment, signatory, appeal', async () => {
    const pdf = await writePdf('one.pdf', await invoicePdf([invoice]));
    expect(pages(pdf)).toBe(1);
    const text = flat(pdf);
    for (const expected of [
      'Commune de Val-Fleuri',
      '1 place de la Mairie',
      'SIRET : 21740999900015',
      'Régie Enfance Jeunesse de Val-Fleuri',
      '3 rue des Écoles',
      'Lundi et jeudi 8h30-12h00',
      '04 50 00 11 22',
      'regie@val-fleuri.fr',
      'Mme Claire MARTIN',
      '12 chemin des Vergers',
      'Facture n° 2026-000123',
      'Date d’émission : 30/11/2026',
      'Période : novembre 2026',
      'Lucas MARTIN',
      'Emma MARTIN',
      'Tranche 2 (QF 601 à 900) : 3,60 € par repas',
      'Sous-total Lucas MARTIN',
      'Sous-total Emma MARTIN',
      'À régler au plus tard le mercredi 30 décembre 2026 : 20,80 €',
      'Du 02/11/2026 au 12/11/2026 : QF 750 : quotient CAF 750 valable jusqu’au 31/12/2026.',
      'À la régie : Régie Enfance Jeunesse de Val-Fleuri, 3 rue des Écoles, 74000 Val-Fleuri — Lundi et jeudi 8h30-12h00.',
      'Par chèque à l’ordre de « Trésor public », en indiquant au dos le n° 2026-000123',
      'En ligne par PayFiP : sur www.tipi.budget.gouv.fr, avec l’identifiant de la collectivité 074321, la référence 2026-000123 et le montant 20,80 €.',
      'Émis par Jeanne DUPRÉ, Adjointe déléguée aux finances — Commune de Val-Fleuri (article L1617-5 du code général des collectivités territoriales).',
      'Contestation possible dans les deux mois devant le tribunal compétent.',
      'Une réclamation auprès de la régie ne suspend pas ce délai.',
      'Page 1 / 1',
    ]) {
      expect(text).toContain(expected);
    }
    const table = layout(pdf);
    expect(table).toMatch(row('Restauration scolaire — repas', '3, 5, 10, 12 nov.', '3,60 €', '4', '14,40 €'));
    expect(table).toMatch(row('Restauration scolaire — majoration', '12 nov.', '1,00 €', '1', '1,00 €'));
    expect(table).toMatch(row('Accueil du soir — par demi-heure commencée', '2, 9 nov.', '0,90 €', '6', '5,40 €'));
    expect(table).toMatch(row('Sous-total Lucas MARTIN', '15,40 €'));
    expect(table).toMatch(row('Sous-total Emma MARTIN', '5,40 €'));
    expect(table).toMatch(row('Total à payer', '20,80 €'));
    // Lucas's lines come under his name, Emma's under hers.
    expect(table.indexOf('Lucas MARTIN')).toBeLessThan(table.indexOf('14,40 €'));
    expect(table.indexOf('Emma MARTIN')).toBeGreaterThan(table.indexOf('Sous-total Lucas MARTIN'));
    expect(table.indexOf('Emma MARTIN')).toBeLessThan(table.indexOf('Accueil du soir'));
    expect(text).not.toContain('prélevé');
  });

  it('prints a credit note with the invoice it corrects, its reason and nothing to pay', async () => {
    const pdf = await writePdf('credit.pdf', await invoicePdf([creditNote]));
    const text = flat(pdf);
    expect(text).toContain('Avoir n° 2026-000124');
    expect(text).toContain('Avoir sur la facture n° 2026-000123 du 30/11/2026');
    expect(text).toContain('Motif : Sortie scolaire du 10 novembre');
    expect(layout(pdf)).toMatch(row('Repas du 10 novembre facturé à tort', '10 nov.', '-3,60 €', '1', '-3,60 €'));
    expect(layout(pdf)).toMatch(row('Total de l’avoir', '-3,60 €'));
    expect(text).toContain('Cet avoir de 3,60 € vient en déduction de la facture n° 2026-000123. Rien n’est à payer au titre de ce document.');
    expect(text).not.toContain('Comment payer');
    expect(text).not.toContain('PayFiP');
    expect(text).not.toContain('Quotient familial appliqué');
    expect(text).toContain('Émis par Jeanne DUPRÉ');
    expect(text).toContain('Contestation possible dans les deux mois');
  });

  it('prints the direct debit pre-notification instead of the other ways to pay', async () => {
    const pdf = await writePdf('debit.pdf', await invoicePdf([directDebit]));
    const text = flat(pdf);
    expect(text).toContain('Avis de prélèvement (pré-notification SEPA)');
    expect(text).toContain('Le montant de 6,30 € sera prélevé le mardi 15 décembre 2026 sur le compte désigné dans votre mandat.');
    expect(text).toContain('Référence unique du mandat (RUM) : RUM-VF-000042');
    expect(text).toContain('Identifiant créancier SEPA (ICS) : FR45ZZZ654321');
    expect(text).toContain('ne réglez pas cette facture par un autre moyen');
    expect(layout(pdf)).toMatch(row('Restauration scolaire — repas', '1er, 30 nov.', '3,15 €', '2', '6,30 €'));
    expect(text).not.toContain('Par chèque');
    expect(text).not.toContain('PayFiP');
  });

  it('leaves PayFiP out when the commune has no PayFiP identifier', async () => {
    const pdf = await writePdf('nopayfip.pdf', await invoicePdf([noPayfip]));
    const text = flat(pdf);
    expect(text).toContain('Par chèque à l’ordre de « Trésor public »');
    expect(text).toContain('À la régie :');
    expect(text).not.toContain('PayFiP');
    expect(text).not.toContain('tipi.budget.gouv.fr');
    expect(layout(pdf)).toMatch(row('Total à payer', '1,50 €'));
  });

  it('prints several invoices as one PDF, each on its own pages numbered within the invoice', async () => {
    const pdf = await writePdf('many.pdf', await invoicePdf([invoice, longInvoice, creditNote, directDebit, noPayfip]));
    expect(pages(pdf)).toBe(6);
    const page = (n: number) => flat(pdf, n);
    expect(page(1)).toContain('Facture n° 2026-000123');
    expect(page(1)).toContain('Page 1 / 1');
    expect(page(2)).toContain('Facture n° 2026-000127');
    expect(page(2)).toContain('Page 1 / 2');
    expect(page(2)).toContain('Prestation numéro 1 ');
    expect(page(3)).toContain('Page 2 / 2');
    expect(page(3)).toMatch(/Total à payer 40,00 €/);
    expect(page(3)).toContain('M. et Mme LONGUE');
    expect(page(4)).toContain('Avoir n° 2026-000124');
    expect(page(4)).toContain('Page 1 / 1');
    expect(page(5)).toContain('Facture n° 2026-000125');
    expect(page(5)).toContain('M. Karim BENALI');
    expect(page(6)).toContain('Facture n° 2026-000126');
    expect(page(6)).toContain('Mme Lucie ROUX');
    // Every one of the forty lines is printed, none dropped at the page break.
    const all = flat(pdf);
    for (let n = 1; n <= 40; n += 1) expect(all).toContain(`Prestation numéro ${n} `);
  });

  it('names the files after the kind and the number', () => {
    expect(invoicePdfFileName(invoice)).toBe('facture-2026-000123.pdf');
    expect(invoicePdfFileName(creditNote)).toBe('avoir-2026-000124.pdf');
    expect(invoicePdfFileName({ kind: 'complementary', number: '2026-000200' })).toBe('facture-complementaire-2026-000200.pdf');
  });
});

describe('invoices.pdf and invoiceRuns.pdf through the office core', () => {
  let opened: OpenedOfficeDatabase;
  let core: OfficeCore;
  const sessions = {} as Record<Role, OfficeSession>;
  const ids = { invoice: 0, creditNote: 0 };

  async function insertInvoice(document: InvoiceDocument, runId: number | null, correctsId: number | null = null, issuedAt = NOW): Promise<number> {
    const family = await opened.db.insertInto('families').values({ created_at: NOW, updated_at: NOW }).returning('id').executeTakeFirstOrThrow();
    const [year, seq] = document.number.split('-').map(Number) as [number, number];
    const stored = { ...document, family: { ...document.family, id: family.id } };
    const row = await opened.db
      .insertInto('invoices')
      .values({
        number: document.number,
        year,
        seq,
        kind: document.kind,
        family_id: family.id,
        run_id: runId,
        month: document.month,
        issue_date: document.issueDate,
        due_date: document.dueDate,
        total_cents: document.totalCents,
        corrects_id: correctsId,
        reason: document.reason,
        issued_at: issuedAt,
        issued_by: null,
        document: JSON.stringify(stored),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async function file(method: 'invoices.pdf' | 'invoiceRuns.pdf', args: object, progress?: CallProgress[]): Promise<{ file: FileContent; pdf: string }> {
    const result = await core.call(sessions.agent, method, args, progress ? (event) => progress.push(event) : undefined);
    if (!result.ok) throw new Error(`${method} refused: ${result.error.message}`);
    const value = result.value as FileContent;
    expect(value.mime).toBe('application/pdf');
    return { file: value, pdf: await writePdf(`core-${value.fileName}`, Buffer.from(value.base64, 'base64')) };
  }

  beforeAll(async () => {
    opened = openOfficeDatabase({ file: path.join(dir, 'office.sqlite'), clock });
    core = createOfficeCore({ db: opened.db, clock, log: silentLogger });
    for (const role of ['agent', 'regisseur', 'admin'] as const) {
      const user = await opened.db
        .insertInto('staff_users')
        .values({ username: role, display_name: `Test ${role}`, role, password_hash: 'x', created_at: NOW })
        .returning('id')
        .executeTakeFirstOrThrow();
      sessions[role] = core.openSession();
      sessions[role].user = { id: user.id, username: role, displayName: `Test ${role}`, role };
    }
    const run = async (month: string, status: 'draft' | 'issued') =>
      (
        await opened.db
          .insertInto('invoice_runs')
          .values({ month, status, generated_at: NOW, issued_at: status === 'issued' ? NOW : null })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    const november = await run('2026-11', 'issued');
    await run('2026-10', 'draft');
    await run('2026-08', 'issued');
    // Inserted out of number order: the run's PDF sorts them.
    await insertInvoice(noPayfip, november);
    ids.invoice = await insertInvoice(invoice, november);
    ids.creditNote = await insertInvoice(creditNote, november, ids.invoice);
    await insertInvoice(directDebit, november);
  });

  afterAll(async () => {
    await opened.close();
  });

  it('gives one invoice as a PDF named after its number, for every staff role', async () => {
    const { file: one, pdf } = await file('invoices.pdf', { id: ids.invoice });
    expect(one.fileName).toBe('facture-2026-000123.pdf');
    expect(flat(pdf)).toContain('Facture n° 2026-000123');
    expect(layout(pdf)).toMatch(row('Total à payer', '20,80 €'));
    const credit = await file('invoices.pdf', { id: ids.creditNote });
    expect(credit.file.fileName).toBe('avoir-2026-000124.pdf');
    for (const role of ['regisseur', 'admin'] as const) {
      const result = await core.call(sessions[role], 'invoices.pdf', { id: ids.invoice });
      expect(result.ok).toBe(true);
    }
  });

  it('refuses an unknown invoice, a bad id and a caller who is not logged in, in French', async () => {
    const missing = await core.call(sessions.agent, 'invoices.pdf', { id: 999_999 });
    expect(missing).toEqual({ ok: false, error: { code: 'not_found', message: 'Cette facture n’existe pas.' } });
    const bad = await core.call(sessions.agent, 'invoices.pdf', { id: 'x' });
    expect(bad.ok ? null : bad.error.code).toBe('validation');
    const anonymous = await core.call(core.openSession(), 'invoices.pdf', { id: ids.invoice });
    expect(anonymous.ok ? null : anonymous.error.code).toBe('unauthenticated');
  });

  /** The month printed while two of its three invoices were not kept yet: assembled from their batch and one kept PDF. */
  let coldMonth = '';

  it("prints a month's issued invoices in number order, without its credit notes, reporting progress invoice by invoice", async () => {
    const progress: CallProgress[] = [];
    const { file: month, pdf } = await file('invoiceRuns.pdf', { month: '2026-11' }, progress);
    coldMonth = layout(pdf);
    expect(month.fileName).toBe('factures-2026-11.pdf');
    expect(pages(pdf)).toBe(3);
    expect(flat(pdf, 1)).toContain('Facture n° 2026-000123');
    expect(flat(pdf, 2)).toContain('Facture n° 2026-000125');
    expect(flat(pdf, 3)).toContain('Facture n° 2026-000126');
    expect(flat(pdf)).not.toContain('Avoir n°');
    // The invoice 2026-000123 was printed on its own by the test above: its kept PDF counts as done from the start.
    expect(progress[0]).toEqual({ done: 1, total: 3, label: 'Impression des factures' });
    expect(progress).toContainEqual({ done: 3, total: 3, label: 'Impression des factures' });
    expect(progress[progress.length - 1]).toEqual({ done: 3, total: 3, label: 'Assemblage des factures' });
    for (let i = 1; i < progress.length; i += 1) expect(progress[i]!.done).toBeGreaterThanOrEqual(progress[i - 1]!.done);
    // Each page numbered within its invoice, as the one-invoice PDF prints it.
    for (const page of [1, 2, 3]) expect(flat(pdf, page)).toContain('Page 1 / 1');
  });

  it("keeps each invoice's PDF once printed and prints the month again from them, identical, without laying it out again", async () => {
    const runIds = (await opened.db.selectFrom('invoices').select('id').where('kind', '=', 'invoice').where('month', '=', '2026-11').execute()).map((r) => r.id);
    const kept = await opened.db.selectFrom('invoice_pdfs').select(['invoice_id', 'pdf']).execute();
    expect(kept.map((k) => k.invoice_id).sort()).toEqual(expect.arrayContaining([...runIds].sort()));
    // A kept PDF is the invoice alone, readable on its own.
    const one = kept.find((k) => k.invoice_id === ids.invoice)!;
    const onePdf = await writePdf('kept-one.pdf', Buffer.from(one.pdf));
    expect(pages(onePdf)).toBe(1);
    expect(flat(onePdf)).toContain('Facture n° 2026-000123');
    expect(layout(onePdf)).toMatch(row('Total à payer', '20,80 €'));
    expect(execFileSync('pdfinfo', [onePdf], { encoding: 'utf8' })).toMatch(/^Title:\s+Facture n° 2026-000123$/m);

    const first = await file('invoiceRuns.pdf', { month: '2026-11' });
    // From the kept PDFs only, the month reads as it did when printed from the batch just laid out.
    expect(layout(first.pdf)).toBe(coldMonth);
    const progress: CallProgress[] = [];
    const again = await file('invoiceRuns.pdf', { month: '2026-11' }, progress);
    expect(again.file.base64).toBe(first.file.base64);
    // Nothing rendered: all three are done from the first report.
    expect(progress[0]).toEqual({ done: 3, total: 3, label: 'Impression des factures' });
    expect(execFileSync('pdfinfo', [again.pdf], { encoding: 'utf8' })).toMatch(/^Title:\s+Factures de novembre 2026$/m);
    // A kept PDF is never changed.
    expect(() => opened.sqlite.prepare('UPDATE invoice_pdfs SET pdf = ? WHERE invoice_id = ?').run(Buffer.from('x'), ids.invoice)).toThrow(/never changed/);
  });

  it('renders each missing PDF once when two renderings (after issue, and a print) ask for them at the same time', async () => {
    const december = (
      await opened.db.insertInto('invoice_runs').values({ month: '2026-12', status: 'issued', generated_at: NOW, issued_at: NOW }).returning('id').executeTakeFirstOrThrow()
    ).id;
    const later = (document: InvoiceDocument, seq: number): InvoiceDocument => ({ ...document, month: '2026-12', number: `2026-${String(seq).padStart(6, '0')}` });
    const newIds = [
      await insertInvoice(later(invoice, 300), december),
      await insertInvoice(later(longInvoice, 301), december),
      await insertInvoice(later(directDebit, 302), december),
    ];
    // The background rendering started at issue, and the agent's print while it runs.
    const backgroundProgress: CallProgress[] = [];
    const [background, printing] = await Promise.all([
      renderMissingInvoicePdfs(opened.db, newIds, (done, total, label) => backgroundProgress.push({ done, total, label })),
      renderMissingInvoicePdfs(opened.db, [...newIds].reverse()),
    ]);
    // Each rendered by one of the two: the counts add up to the three missing, not six; both saw all three done.
    expect(background + printing).toBe(3);
    expect(backgroundProgress[backgroundProgress.length - 1]).toEqual({ done: 3, total: 3, label: 'Impression des factures' });
    const kept = await opened.db.selectFrom('invoice_pdfs').select('invoice_id').where('invoice_id', 'in', newIds).execute();
    expect(kept).toHaveLength(3);
    expect(await renderMissingInvoicePdfs(opened.db, newIds)).toBe(0);
    const progress: CallProgress[] = [];
    const { pdf } = await file('invoiceRuns.pdf', { month: '2026-12' }, progress);
    expect(pages(pdf)).toBe(1 + 2 + 1);
    const text = flat(pdf);
    const order = ['Facture n° 2026-000300', 'Facture n° 2026-000301', 'Facture n° 2026-000302'].map((number) => text.indexOf(number));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((x, y) => x - y)).toEqual(order);
    expect(flat(pdf, 3)).toContain('Page 2 / 2');
    expect(progress[progress.length - 1]).toEqual({ done: 3, total: 3, label: 'Assemblage des factures' });
  });

  it('finishes at the next start the PDFs an app closed during their background rendering left unmade, back to RESUME_PDF_DAYS', async () => {
    const january = (
      await opened.db.insertInto('invoice_runs').values({ month: '2027-01', status: 'issued', generated_at: NOW, issued_at: NOW }).returning('id').executeTakeFirstOrThrow()
    ).id;
    const numbered = (document: InvoiceDocument, seq: number): InvoiceDocument => ({ ...document, month: '2027-01', number: `2026-${String(seq).padStart(6, '0')}` });
    // Issued just before the app was closed: their PDFs were never made.
    const unmade = [await insertInvoice(numbered(invoice, 400), january), await insertInvoice(numbered(longInvoice, 401), january)];
    // Issued long ago, before PDFs were kept: not this start's business (its print renders it if ever asked).
    const longAgo = new Date(clock().getTime() - (RESUME_PDF_DAYS + 1) * 24 * 60 * 60 * 1000).toISOString();
    const old = await insertInvoice(numbered(invoice, 402), null, null, longAgo);

    const logged: { message: string; fields: unknown }[] = [];
    const app = await startOfficeApp({
      paths: { dbFile: path.join(dir, 'office.sqlite'), backupDir: path.join(dir, 'backups'), logFile: path.join(dir, 'office.log') },
      clock,
      demoOnFirstRun: false,
      log: { info: (message, fields) => logged.push({ message, fields }), error: (message, fields) => logged.push({ message, fields }) },
    });
    try {
      const keptOf = async (ids: number[]) =>
        (await app.database.db.selectFrom('invoice_pdfs').select('invoice_id').where('invoice_id', 'in', ids).execute()).map((row) => row.invoice_id).sort();
      const deadline = Date.now() + 60_000;
      while ((await keptOf(unmade)).length < unmade.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await keptOf(unmade)).toEqual([...unmade].sort());
      expect(await keptOf([old])).toEqual([]);
      expect(logged).toContainEqual({ message: 'resuming invoice PDFs left unmade', fields: { invoices: 2 } });
    } finally {
      await app.close();
    }
    // The month prints from what the start kept: nothing left to lay out.
    const progress: CallProgress[] = [];
    const { pdf } = await file('invoiceRuns.pdf', { month: '2027-01' }, progress);
    expect(progress[0]).toEqual({ done: 2, total: 2, label: 'Impression des factures' });
    expect(flat(pdf)).toContain('Facture n° 2026-000401');
  });

  it('refuses a month not issued, a month never prepared, an issued month without invoices and a malformed month', async () => {
    const draft = await core.call(sessions.agent, 'invoiceRuns.pdf', { month: '2026-10' });
    expect(draft).toEqual({
      ok: false,
      error: { code: 'conflict', message: 'La facturation d’octobre 2026 n’est pas encore émise : il n’y a pas de facture à imprimer.' },
    });
    const none = await core.call(sessions.agent, 'invoiceRuns.pdf', { month: '2026-09' });
    expect(none).toEqual({ ok: false, error: { code: 'not_found', message: 'Aucune facturation n’a été préparée pour septembre 2026.' } });
    const empty = await core.call(sessions.agent, 'invoiceRuns.pdf', { month: '2026-08' });
    expect(empty).toEqual({ ok: false, error: { code: 'conflict', message: 'La facturation d’août 2026 n’a émis aucune facture.' } });
    const bad = await core.call(sessions.agent, 'invoiceRuns.pdf', { month: '2026-13' });
    expect(bad.ok ? null : bad.error).toEqual({
      code: 'validation',
      message: 'Certains champs sont à corriger.',
      fields: { month: 'Mois invalide : attendu AAAA-MM, par exemple 2026-11.' },
    });
    expect(monthLabelFr('2026-08')).toBe('août 2026');
  });
});
