import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildPortal } from '../../src/portal/server.js';
import { familyPublicationSchema } from '../../src/shared/sync/contract.js';
import { publishedInvoice, sampleInvoiceDocument } from '../helpers/invoice.js';
import { ACTIVATION_CODE, insertPublication, makePublication, makeTestClock, PortalClient } from '../helpers/portal.js';
import { testPortalStorage, type TestPortalStorage } from '../helpers/portal-db.js';

/**
 * « Relevé de compte » and the invoice PDF route on a real portal (fastify.inject over its SQLite file): what the page
 * prints for invoices and credit notes, escaping, French amounts, the tariffs of « Mes enfants », publications made
 * before invoicing, and a PDF that cannot be built answered with a short French page while the error is logged.
 * The PDF itself is replaced here by a function that throws, to reach that failure path whatever invoicePdf becomes;
 * the real PDF is read back with pdftotext in billing-portal-flow.test.ts.
 */

const failure = vi.hoisted(() => ({ message: 'pdfmake exploded at /srv/secret/path.js:12' }));
vi.mock('../../src/server/billing/invoice-pdf.js', () => ({
  invoicePdf: async () => {
    throw new Error(failure.message);
  },
}));

const PASSWORD = 'un mot de passe solide';
const SCRIPT = '<script>alert(1)</script>';

let app: FastifyInstance;
let dataDir: string;
let database: TestPortalStorage;
const logged: Array<{ level: string; object: unknown; message: unknown }> = [];

/** A pino-shaped logger keeping what is logged, so the test sees the failure recorded with its context. */
function capturingLogger(): FastifyBaseLogger {
  const at = (level: string) => (object: unknown, message?: unknown) => {
    logged.push({ level, object, message });
  };
  const logger = {
    level: 'info',
    fatal: at('fatal'),
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    debug: at('debug'),
    trace: at('trace'),
    silent: () => {},
    child: () => logger,
  };
  return logger as unknown as FastifyBaseLogger;
}

beforeEach(async () => {
  logged.length = 0;
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'grenette-portal-'));
  database = await testPortalStorage(dataDir);
  app = buildPortal({
    storage: database.storage,
    clock: makeTestClock('2026-12-02T09:00:00.000Z'),
    mailer: null,
    log: capturingLogger(),
    config: { publicUrl: 'http://127.0.0.1', cookieSecret: 'test-cookie-secret-0123456789abcdef', production: false },
  });
  await app.ready();
});

afterEach(async () => {
  await app.close();
  await database.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function familyClient(familyId: number): Promise<PortalClient> {
  const client = new PortalClient(app);
  expect((await client.activate(`famille${familyId}@example.test`, PASSWORD, ACTIVATION_CODE)).status).toBe(303);
  return client;
}

const text = (body: string) => body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('« Relevé de compte »', () => {
  it('lists invoices and credit notes with their period, amounts in French and a download link each', async () => {
    const invoice = sampleInvoiceDocument({ number: '2026-000123', totalCents: 123_456 });
    const credit = sampleInvoiceDocument({ kind: 'credit_note', number: '2026-000124', month: '2026-10', issueDate: '2026-12-02', dueDate: '2026-12-02', totalCents: -1_050, corrects: { number: '2026-000099', issueDate: '2026-11-02' }, reason: 'Grève' });
    await insertPublication(app.portal.db, makePublication(1, { invoices: [publishedInvoice(invoice), { ...publishedInvoice(credit), paidCents: 0 }], balanceCents: 122_406 }));
    const page = await (await familyClient(1)).get('/releve');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<caption>Factures et avoirs</caption>');
    expect(page.body).toContain('<th scope="col" class="num">Reste à payer</th>');
    const shown = text(page.body);
    // Amounts as the régie writes them, by hand: thousands and the euro sign after a no-break space.
    expect(shown).toContain('Solde : 1 224,06 € restant à payer');
    expect(shown).toContain('Facture n° 2026-000123 novembre 2026 01/12/2026 31/12/2026 1 234,56 € 0,00 € 1 234,56 €');
    expect(shown).toContain('Avoir n° 2026-000124 octobre 2026 02/12/2026 02/12/2026 -10,50 € 0,00 € -10,50 €');
    expect(page.body).toContain('1\u00a0234,56\u00a0€');
    expect(page.body).toContain('href="/releve/factures/2026-000123.pdf" download>Télécharger la facture n°\u00a02026-000123 (PDF)</a>');
    expect(page.body).toContain('href="/releve/factures/2026-000124.pdf" download>Télécharger l’avoir n°\u00a02026-000124 (PDF)</a>');
  });

  it('says so when there is no invoice yet', async () => {
    await insertPublication(app.portal.db, makePublication(1));
    const shown = text((await (await familyClient(1)).get('/releve')).body);
    expect(shown).toContain('Aucune facture pour le moment.');
    expect(shown).toContain('Solde : 0,00 €');
  });

  it('escapes what the office published, in the page and in the link', async () => {
    const invoice = sampleInvoiceDocument({ number: `2026-${SCRIPT}` });
    const tariff = { ...makePublication(1).children[0]!.tariffs[0]!, serviceName: SCRIPT, unit: SCRIPT, bracket: SCRIPT, why: SCRIPT };
    const base = makePublication(1);
    await insertPublication(app.portal.db, makePublication(1, { invoices: [publishedInvoice(invoice)], children: [{ ...base.children[0]!, tariffs: [tariff] }], quotient: { day: '2026-12-02', qf: null, flagged: true, why: SCRIPT } }));
    const client = await familyClient(1);
    for (const url of ['/releve', '/mes-enfants']) {
      const page = await client.get(url);
      expect(page.body, url).not.toContain('<script>alert');
      expect(page.body, url).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    }
    expect((await client.get('/releve')).body).toContain('href="/releve/factures/2026-%3Cscript%3Ealert(1)%3C%2Fscript%3E.pdf"');
  });

  it('reads a publication stored before invoicing: the invoice listed without a PDF, the tariff without its bracket', async () => {
    // The shape an office published before invoices carried their document (protocol 1, first version).
    const before = JSON.parse(JSON.stringify(makePublication(1))) as Record<string, unknown> & { children: Array<Record<string, unknown>> };
    delete before.quotient;
    before.invoices = [{ number: 'F2026-0042', date: '2026-11-05', dueDate: '2026-12-05', amountCents: 4620, paidCents: 0 }];
    before.children[0]!.tariffs = [{ serviceName: 'Restauration scolaire', unit: 'repas', unitPriceCents: 385 }];
    // It still passes the contract (an older office may send it), then is stored as it came, old bytes and all.
    await insertPublication(app.portal.db, familyPublicationSchema.parse(before));
    await app.portal.db.updateTable('publications').set({ data: JSON.stringify(before) }).where('family_id', '=', 1).execute();

    const client = await familyClient(1);
    const statement = text((await client.get('/releve')).body);
    expect(statement).toContain('Facture n° F2026-0042 Non précisée 05/11/2026 05/12/2026 46,20 € 0,00 € 46,20 € PDF non disponible');
    expect((await client.get('/releve/factures/F2026-0042.pdf')).status).toBe(404);
    const children = text((await client.get('/mes-enfants')).body);
    expect(children).toContain('Restauration scolaire repas 3,85 € Non précisée');
    expect(children).not.toContain('Quotient familial retenu');
  });
});

describe('« Mes enfants › Tarifs appliqués »', () => {
  it('shows each tariff with its bracket and why, the QF retained, and the inscribed services without a tariff', async () => {
    const base = makePublication(1);
    const child = {
      ...base.children[0]!,
      inscriptions: [...base.children[0]!.inscriptions, { serviceId: 2, serviceName: 'Accueil du soir', startDate: '2026-09-01', endDate: '2027-07-03', weekdays: [1, 2] }],
    };
    await insertPublication(app.portal.db, makePublication(1, { children: [child] }));
    const page = await (await familyClient(1)).get('/mes-enfants');
    expect(page.body).toContain('<caption>Tarifs de Léo Martin</caption>');
    const shown = text(page.body);
    expect(shown).toContain('Restauration scolaire repas 3,85 € Tranche 2 : QF de 701 à 1 000 Tranche 2 (QF de 701 à 1 000) : 3,85 € par repas, tarif résident. Tarif valable jusqu’au 03/07/2027.');
    expect(shown).toContain('Pas de tarif en vigueur pour : Accueil du soir.');
    expect(shown).toContain('Quotient familial retenu au 30/11/2026 : QF 812 : quotient CAF 812 valable jusqu’au 31/12/2026.');
    expect(shown).not.toContain('Transmettez votre attestation');
  });

  it('asks for a proof when the QF is not justified', async () => {
    await insertPublication(app.portal.db, makePublication(1, { quotient: { day: '2026-11-30', qf: null, flagged: true, why: 'Aucun quotient CAF et aucun avis d’imposition complet : tranche la plus haute appliquée, justificatif à mettre à jour.' } }));
    const shown = text((await (await familyClient(1)).get('/mes-enfants')).body);
    expect(shown).toContain('tranche la plus haute appliquée, justificatif à mettre à jour. Transmettez votre attestation CAF ou votre avis d’imposition au service.');
  });
});

describe('the invoice PDF route', () => {
  it('answers a PDF that cannot be built with a short French page, never the error, and logs it with the family and number', async () => {
    await insertPublication(app.portal.db, makePublication(1, { invoices: [publishedInvoice(sampleInvoiceDocument())] }));
    const client = await familyClient(1);
    const response = await client.get('/releve/factures/2026-000042.pdf');
    expect(response.status).toBe(500);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(text(response.body)).toContain('Le PDF de la facture n° 2026-000042 n’a pas pu être préparé.');
    expect(response.body).not.toContain('exploded');
    expect(response.body).not.toContain('/srv/secret');
    const entry = logged.find((line) => line.level === 'error' && line.message === 'invoice pdf failed');
    expect(entry?.object).toMatchObject({ familyId: 1, invoice: '2026-000042' });
    expect(String((entry?.object as { err: Error }).err.message)).toBe(failure.message);
  });

  it('answers 404 for a malformed name, a missing number and another family’s invoice alike', async () => {
    await insertPublication(app.portal.db, makePublication(1, { invoices: [publishedInvoice(sampleInvoiceDocument())] }));
    await insertPublication(app.portal.db, makePublication(2, { invoices: [publishedInvoice(sampleInvoiceDocument({ number: '2026-000077' }))] }));
    const client = await familyClient(1);
    for (const url of ['/releve/factures/2026-000077.pdf', '/releve/factures/2026-000078.pdf', '/releve/factures/2026-000042', '/releve/factures/..%2F2026-000042.pdf']) {
      const response = await client.get(url);
      expect(response.status, url).toBe(404);
      expect(text(response.body), url).toContain('Page introuvable');
    }
    const anonymous = await new PortalClient(app).get('/releve/factures/2026-000042.pdf');
    expect(anonymous.status).toBe(303);
    expect(anonymous.location).toBe('/connexion?suite=%2Freleve%2Ffactures%2F2026-000042.pdf');
  });
});
