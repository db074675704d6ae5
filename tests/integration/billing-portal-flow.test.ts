import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InvoiceDocument } from '../../src/shared/billing/invoice.js';
import type { TariffDefinition } from '../../src/office/billing/store.js';
import { familyPublicationSchema } from '../../src/shared/sync/contract.js';
import { sampleInvoiceDocument } from '../helpers/invoice.js';
import { makeTestOffice, sampleChildInput, sampleFamilyInput, type TestOffice } from '../helpers/office.js';
import { HttpFamily } from '../helpers/portal-http.js';
import { startTestPortal, SYNC_SECRET, type TestPortal } from '../helpers/sync.js';

/**
 * Billing seen by a family, through both real servers: the office holds an issued invoice (rows written as issuing
 * will write them, with a hand-written frozen document until the invoice run exists) and a tariff grid; the real sync
 * publishes them; the family logs in on the real portal over HTTP and finds the invoice on « Relevé de compte » and
 * its child's tariff with the bracket on « Mes enfants ». Another family sees neither and cannot fetch the PDF.
 * Saturday 28 November 2026, 11:00 Paris: family 1's CAF quotient 850 holds until 31 December.
 */

let office: TestOffice;
let portal: TestPortal;
let ids: { first: number; second: number; child: number; cantine: number };
const PASSWORD = 'un mot de passe solide';

/** ≤ 700 / 701-1 000 / above: resident and non-resident prices in cents; amounts written by hand in the tests. */
const GRID: TariffDefinition = {
  unit: 'meal',
  time: null,
  pricing: {
    kind: 'brackets',
    brackets: [
      { upTo: 700, residentCents: 250, nonResidentCents: 450 },
      { upTo: 1000, residentCents: 385, nonResidentCents: 585 },
      { upTo: null, residentCents: 520, nonResidentCents: 720 },
    ],
  },
  lateSurcharge: { kind: 'amount', cents: 100 },
  unbookedSurcharge: null,
  paiReduction: null,
};

function insertTariff(serviceId: number, from: string, to: string, definition: TariffDefinition): void {
  office.sqlite
    .prepare('INSERT INTO tariffs (service_id, valid_from, valid_to, definition, updated_at) VALUES (?, ?, ?, ?, ?)')
    .run(serviceId, from, to, JSON.stringify(definition), '2026-09-01T08:00:00Z');
}

/** An issued invoice as the issuing will store it: its row, its lines, and its frozen document. */
function insertInvoice(familyId: number, document: InvoiceDocument, seq: number): void {
  const id = office.sqlite
    .prepare(
      `INSERT INTO invoices (number, year, seq, kind, family_id, month, issue_date, due_date, total_cents, corrects_id, reason, issued_at, document)
       VALUES (?, 2026, ?, ?, ?, ?, ?, ?, ?, NULL, '', '2026-12-01T08:00:00Z', ?)`,
    )
    .run(document.number, seq, document.kind, familyId, document.month, document.issueDate, document.dueDate, document.totalCents, JSON.stringify(document))
    .lastInsertRowid;
  document.lines.forEach((line, position) => {
    office.sqlite
      .prepare('INSERT INTO invoice_lines (invoice_id, position, child_id, service_id, kind, label, unit_cents, quantity, amount_cents) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(id, position, line.childId, line.serviceId, line.kind, line.label, line.unitCents, line.quantity, line.amountCents);
  });
}

beforeEach(async () => {
  office = await makeTestOffice();
  portal = await startTestPortal(office.clock);
  const first = (await office.value('families.create', { data: sampleFamilyInput() })).id;
  const child = (await office.value('children.create', { familyId: first, data: sampleChildInput() })).id;
  const second = (
    await office.value('families.create', {
      data: sampleFamilyInput({
        responsable1: { ...sampleFamilyInput().responsable1, nom: 'Durand', prenom: 'Sophie', email: 'sophie.durand@example.fr' },
        caf: { regime: 'CAF', number: '', qf: null, qfValidUntil: null },
        fiscal: { rfrCents: null, partsX100: null, year: null },
      }),
    })
  ).id;
  await office.value('children.create', { familyId: second, data: sampleChildInput({ identity: { ...sampleChildInput().identity, nom: 'Durand', prenom: 'Emma' } }) });
  const cantine = office.sqlite.prepare("SELECT id FROM services WHERE code = 'cantine'").pluck().get() as number;
  office.sqlite
    .prepare("INSERT INTO inscriptions (child_id, service_id, start_date, end_date, weekdays, created_at) VALUES (?, ?, '2026-09-01', '2027-07-02', '1,2,4,5', '2026-09-01T08:00:00Z')")
    .run(child, cantine);
  insertTariff(cantine, '2026-09-01', '2027-07-02', GRID);
  ids = { first, second, child, cantine };
  await office.value('sync.configure', { portalUrl: portal.url, secret: SYNC_SECRET });
});

afterEach(async () => {
  await portal.close();
  await office.close();
});

async function loggedIn(familyId: number, email: string): Promise<HttpFamily> {
  const { code } = await office.value('portal.issueActivation', { familyId, rank: 1 });
  expect((await office.value('sync.now', {})).lastError).toBeNull();
  const family = new HttpFamily(portal.url);
  await family.get('/activation');
  const activated = await family.post('/activation', { email, code, password: PASSWORD, password2: PASSWORD });
  expect(activated.status).toBe(303);
  return family;
}

/** Logs in again with the password set at activation (a session does not outlive days of the test's clock). */
async function login(email: string): Promise<HttpFamily> {
  const family = new HttpFamily(portal.url);
  await family.get('/connexion');
  expect((await family.post('/connexion', { email, password: PASSWORD })).status).toBe(303);
  return family;
}

/** Family 1's November invoice, its lines and days on the office's own child and canteen. */
function martinInvoice(overrides: Partial<InvoiceDocument> = {}): InvoiceDocument {
  const base = sampleInvoiceDocument({ family: { id: ids.first, name: 'Mme Hélène MARTIN', address: ['3 rue des Lilas', '69100 Villeurbanne'] } });
  return {
    ...base,
    lines: base.lines.map((line) => ({ ...line, childId: ids.child, serviceId: ids.cantine, childName: 'Lucas Martin' })),
    days: base.days.map((day) => ({ ...day, childId: ids.child, serviceId: ids.cantine })),
    ...overrides,
  };
}

const publicationOf = async (familyId: number) => {
  const row = await portal.db.selectFrom('publications').select('data').where('family_id', '=', familyId).executeTakeFirstOrThrow();
  return familyPublicationSchema.parse(JSON.parse(row.data));
};

/** The visible text of a page, tags dropped and entities of the portal's escaping read back. */
const text = (body: string) =>
  body
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');

describe('billing on the portail famille', () => {
  it('publishes the invoice and the tariff to their family only, and the statement and children pages show them', async () => {
    const invoice = martinInvoice();
    insertInvoice(ids.first, invoice, 42);
    const credit = martinInvoice({
      kind: 'credit_note',
      number: '2026-000043',
      issueDate: '2026-12-03',
      dueDate: '2026-12-03',
      totalCents: -385,
      lines: [{ ...invoice.lines[0]!, kind: 'correction', label: 'Repas du 2 novembre non dû', unitCents: -385, quantity: 1, amountCents: -385, days: ['2026-11-02'] }],
      corrects: { number: invoice.number, issueDate: invoice.issueDate },
      reason: 'Sortie scolaire du 2 novembre',
    });
    // A credit note must name the invoice it corrects (migration 0005's check).
    const firstId = office.sqlite.prepare('SELECT id FROM invoices WHERE number = ?').pluck().get(invoice.number) as number;
    office.sqlite
      .prepare(
        `INSERT INTO invoices (number, year, seq, kind, family_id, month, issue_date, due_date, total_cents, corrects_id, reason, issued_at, document)
         VALUES (?, 2026, 43, 'credit_note', ?, '2026-11', '2026-12-03', '2026-12-03', -385, ?, ?, '2026-12-03T08:00:00Z', ?)`,
      )
      .run(credit.number, ids.first, firstId, credit.reason, JSON.stringify(credit));

    const martin = await loggedIn(ids.first, 'helene.martin@example.fr');

    // What the office published: the frozen documents as they are, the tariff for QF 850, the balance.
    const published = await publicationOf(ids.first);
    expect(published.invoices.map((i) => [i.kind, i.number, i.month, i.date, i.dueDate, i.amountCents, i.paidCents])).toEqual([
      ['invoice', '2026-000042', '2026-11', '2026-12-01', '2026-12-31', 1640, 0],
      ['credit_note', '2026-000043', '2026-11', '2026-12-03', '2026-12-03', -385, 0],
    ]);
    expect(published.invoices[0]!.document).toEqual(invoice);
    expect(published.balanceCents).toBe(1255);
    expect(published.quotient).toEqual({ day: '2026-11-28', qf: 850, flagged: false, why: 'QF 850 : quotient CAF 850 valable jusqu’au 31/12/2026.' });
    expect(published.children[0]!.tariffs).toEqual([
      {
        serviceId: ids.cantine,
        serviceName: 'Restauration scolaire',
        unit: 'repas',
        unitPriceCents: 385,
        validFrom: '2026-09-01',
        validTo: '2027-07-02',
        bracket: 'Tranche 2 : QF de 701 à 1\u00a0000',
        why: 'Tranche 2 (QF de 701 à 1\u00a0000) : 3,85\u00a0€ par repas, tarif résident.',
      },
    ]);
    const durandPublished = await publicationOf(ids.second);
    expect(durandPublished.invoices).toEqual([]);
    expect(durandPublished.balanceCents).toBe(0);
    expect(durandPublished.quotient).toMatchObject({ qf: null, flagged: true });

    const statement = await martin.get('/releve');
    expect(statement.status).toBe(200);
    const shown = text(statement.body);
    expect(shown).toContain('Solde : 12,55 € restant à payer');
    // text() reads every space as a plain one: the no-break spaces of « n° » and of amounts included.
    expect(shown).toContain('Facture n° 2026-000042 novembre 2026 01/12/2026 31/12/2026 16,40 € 0,00 € 16,40 €');
    expect(shown).toContain('Avoir n° 2026-000043 novembre 2026 03/12/2026 03/12/2026 -3,85 € 0,00 € -3,85 €');
    expect(statement.body).toContain('<a href="/releve/factures/2026-000042.pdf" download>Télécharger la facture n°\u00a02026-000042 (PDF)</a>');
    expect(statement.body).toContain('<a href="/releve/factures/2026-000043.pdf" download>Télécharger l’avoir n°\u00a02026-000043 (PDF)</a>');

    const children = text((await martin.get('/mes-enfants')).body);
    expect(children).toContain('Restauration scolaire repas 3,85 € Tranche 2 : QF de 701 à 1 000');
    expect(children).toContain('Quotient familial retenu au 28/11/2026 : QF 850 : quotient CAF 850 valable jusqu’au 31/12/2026.');

    // The other family: nothing of the first one's, and the same 404 for its PDF as for a number that does not exist.
    const durand = await loggedIn(ids.second, 'sophie.durand@example.fr');
    const theirStatement = text((await durand.get('/releve')).body);
    expect(theirStatement).toContain('Aucune facture pour le moment.');
    expect(theirStatement).not.toContain('2026-000042');
    const theirChildren = text((await durand.get('/mes-enfants')).body);
    expect(theirChildren).toContain('Aucun tarif publié pour le moment.');
    expect(theirChildren).not.toContain('3,85 €');
    const stolen = await durand.get('/releve/factures/2026-000042.pdf');
    const missing = await durand.get('/releve/factures/2026-009999.pdf');
    expect(stolen.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(text(stolen.body)).toBe(text(missing.body));
    expect(stolen.body).not.toContain('%PDF');

    // Nobody logged in: sent to the login page, the PDF never served.
    const anonymous = await new HttpFamily(portal.url).get('/releve/factures/2026-000042.pdf');
    expect(anonymous.status).toBe(303);
    expect(anonymous.location).toMatch(/^\/connexion/);
  });

  it('republishes a new tariff to the families inscribed to its service, and a QF without proof takes the highest bracket', async () => {
    const martin = await loggedIn(ids.first, 'helene.martin@example.fr');
    expect(text((await martin.get('/mes-enfants')).body)).toContain('3,85 €');

    // The grid changes from 1 December, saved in Paramètres › Tarifs: the office marks the families using the service.
    const [current] = await office.value('tariffs.list', { serviceId: ids.cantine });
    office.sqlite.prepare('DELETE FROM sync_dirty').run();
    await office.value('tariffs.save', { id: current!.id, schoolYearId: current!.schoolYearId, tariff: { ...GRID, serviceId: ids.cantine, validFrom: current!.validFrom, validTo: '2026-11-30' } });
    await office.value('tariffs.save', {
      id: null,
      schoolYearId: current!.schoolYearId,
      tariff: {
        ...GRID,
        serviceId: ids.cantine,
        validFrom: '2026-12-01',
        validTo: '2027-07-02',
        pricing: {
          kind: 'brackets',
          brackets: [
            { upTo: 700, residentCents: 260, nonResidentCents: 460 },
            { upTo: 1000, residentCents: 395, nonResidentCents: 595 },
            { upTo: null, residentCents: 530, nonResidentCents: 730 },
          ],
        },
      },
    });
    office.clock.set('2026-12-01T08:00:00Z');
    const dirty = office.sqlite.prepare('SELECT family_id FROM sync_dirty ORDER BY family_id').pluck().all();
    expect(dirty).toContain(ids.first);
    expect(dirty).not.toContain(ids.second);
    expect((await office.value('sync.now', {})).lastError).toBeNull();
    expect(text((await (await login('helene.martin@example.fr')).get('/mes-enfants')).body)).toContain('Restauration scolaire repas 3,95 € Tranche 2 : QF de 701 à 1 000');

    // The CAF quotient expires on 31 December and the tax notice is not read (CAF only): the highest bracket applies.
    office.sqlite.prepare('UPDATE families SET fiscal_rfr_cents = NULL WHERE id = ?').run(ids.first);
    office.clock.set('2027-01-04T08:00:00Z');
    expect((await office.value('sync.now', {})).lastError).toBeNull();
    const children = text((await (await login('helene.martin@example.fr')).get('/mes-enfants')).body);
    expect(children).toContain('Restauration scolaire repas 5,30 € Tranche 3 : QF non justifié, tranche la plus haute');
    expect(children).toContain('Quotient CAF 850 expiré le 31/12/2026 et aucun avis d’imposition complet : tranche la plus haute appliquée');
    expect(children).toContain('Transmettez votre attestation CAF ou votre avis d’imposition au service.');

    // A change of the QF rule in Paramètres › Facturation concerns every family, with children or not.
    office.sqlite.prepare('DELETE FROM sync_dirty').run();
    const settings = await office.value('billing.settings', {});
    await office.value('billing.saveSettings', { ...settings, qfRule: 'lowest' });
    expect(office.sqlite.prepare('SELECT family_id FROM sync_dirty ORDER BY family_id').pluck().all()).toEqual([ids.first, ids.second].sort((a, b) => a - b));
  });

  it('republishes on the day a CAF quotient expires or a tariff starts mid-month, with nothing saved that day', async () => {
    office.sqlite.prepare("UPDATE families SET caf_qf_valid_until = '2026-12-15', fiscal_rfr_cents = NULL WHERE id = ?").run(ids.first);
    await loggedIn(ids.first, 'helene.martin@example.fr');
    office.clock.set('2026-12-15T08:00:00Z');
    expect((await office.value('sync.now', {})).lastError).toBeNull();
    expect(text((await (await login('helene.martin@example.fr')).get('/mes-enfants')).body)).toContain('Restauration scolaire repas 3,85 €');

    // 16 December: the quotient has expired overnight; the office publishes that family, not the other.
    office.clock.set('2026-12-16T08:00:00Z');
    const before = (await publicationOf(ids.second)).version;
    expect((await office.value('sync.now', {})).lastError).toBeNull();
    expect(text((await (await login('helene.martin@example.fr')).get('/mes-enfants')).body)).toContain('Restauration scolaire repas 5,20 € Tranche 3 : QF non justifié');
    expect((await publicationOf(ids.second)).version).toBe(before);

    // A tariff written to start on 18 December reaches the family that morning.
    office.sqlite.prepare("UPDATE tariffs SET valid_to = '2026-12-17'").run();
    insertTariff(ids.cantine, '2026-12-18', '2027-07-02', { ...GRID, pricing: { kind: 'brackets', brackets: [{ upTo: null, residentCents: 610, nonResidentCents: 810 }] } });
    office.clock.set('2026-12-17T08:00:00Z');
    expect((await office.value('sync.now', {})).lastError).toBeNull();
    expect(text((await (await login('helene.martin@example.fr')).get('/mes-enfants')).body)).toContain('5,20 €');
    office.clock.set('2026-12-18T08:00:00Z');
    expect((await office.value('sync.now', {})).lastError).toBeNull();
    expect(text((await (await login('helene.martin@example.fr')).get('/mes-enfants')).body)).toContain('Restauration scolaire repas 6,10 €');
  });

  it('serves the family its invoice as a real PDF, privately, as an attachment [needs the pdf branch’s invoicePdf]', async () => {
    insertInvoice(ids.first, martinInvoice(), 42);
    const martin = await loggedIn(ids.first, 'helene.martin@example.fr');
    const response = await martin.download('/releve/factures/2026-000042.pdf');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="facture-2026-000042.pdf"');
    expect(response.headers.get('cache-control')).toBe('private, no-store');
    const pdf = response.bytes;
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grenette-invoice-'));
    try {
      fs.writeFileSync(path.join(dir, 'facture.pdf'), pdf);
      const read = execFileSync('pdftotext', ['-layout', path.join(dir, 'facture.pdf'), '-'], { encoding: 'utf8' });
      expect(read).toContain('2026-000042');
      expect(read).toContain('16,40');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

