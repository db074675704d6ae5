import { afterEach, describe, expect, it } from 'vitest';
import type { InvoiceDocument } from '../../src/shared/billing/invoice.js';
import { makeTestOffice, type TestOffice } from '../helpers/office.js';
import { addresseeOf } from '../../src/office/billing/run-facts.js';
import { computeMonth } from '../../src/office/billing/run-generate.js';
import { seedDemoCommune } from '../../src/office/demo/seed.js';
import { buildNovember, setDay } from './billing-run-commune.js';

let office: TestOffice;
afterEach(async () => {
  await office?.close();
});

const count = (table: string): number => office.sqlite.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;

describe('the monthly invoice run', () => {
  it('drafts November for a small commune with amounts worked by hand, explains each day, issues numbered frozen invoices', async () => {
    office = await makeTestOffice({ now: '2026-12-02T09:00:00Z' });
    const n = await buildNovember(office);
    const progress: string[] = [];
    const generated = await office.core.call(office.session, 'invoiceRuns.generate', { month: '2026-11' }, (p) => progress.push(p.label));
    if (!generated.ok) throw new Error(JSON.stringify(generated.error));
    const view = generated.value as Awaited<ReturnType<typeof office.value<'invoiceRuns.get'>>>;
    expect(progress).toContain('Lecture et calcul des brouillons');
    expect(progress).toContain('Enregistrement des brouillons');

    // Léa (resident, CAF 850: 3,50 €): 17 canteen days less 6 and 9 November (illness covered by a certificate after
    // the waiting day of the 5th), the 10th (strike) and the 12th (cancelled on time) = 13 meals = 45,50 €, plus the
    // late booking of the 13th, 1,00 €: 46,50 €.
    // Tom (non-resident, tax notice 36 000 € / 12 / 3 parts = QF 1 000: 4,50 €): 19th walk-in and 20th = 9,00 €,
    // present without booking 2,00 €, PAI meal brought 2 × −2,50 €: 6,00 €.
    // Zoé (CAF expired 31 October, no tax notice: highest bracket 4,20 €): 2 meals = 8,40 €, flagged.
    // Noé (CAF 500: 3,00 €): ill since Thursday 15 October with a certificate, so 2 and 3 November are the 3rd and 4th
    // days of the run, not billed; the 5th = 3,00 €.
    expect(view.drafts.map((d) => [d.familyName, d.totalCents, d.qfFlagged])).toEqual([
      ['Bernard Claire', 600, false],
      ['Durand Paul', 4650, false],
      ['Petit Marc', 840, true],
      ['Roux Inès', 300, false],
    ]);
    expect(view.totalCents).toBe(6390);
    expect(view.drafts.find((d) => d.familyId === n.durand)?.byService).toEqual({ [n.canteen]: 4650 });
    expect(view.problems).toEqual([]);
    expect(view.flaggedFamilies.map((f) => [f.familyId, f.familyName])).toEqual([[n.petit, 'Petit Marc']]);
    expect(view.status).toBe('draft');

    const lea = await office.value('invoiceRuns.draft', { month: '2026-11', familyId: n.durand });
    expect(lea.stale).toBe(false);
    expect(lea.lines.map((l) => [l.kind, l.unitCents, l.quantity, l.amountCents])).toEqual([
      ['unit', 350, 13, 4550],
      ['late_booking', 100, 1, 100],
    ]);
    const why = (day: string) => lea.days.find((d) => d.day === day);
    expect(why('2026-11-05')).toMatchObject({ billed: true, code: 'waiting_day', childName: 'Léa DURAND', serviceName: 'Restauration scolaire' });
    expect(why('2026-11-06')).toMatchObject({ billed: false, code: 'absence_covered' });
    expect(why('2026-11-10')).toMatchObject({ billed: false, code: 'absence_reason_not_billed' });
    expect(why('2026-11-12')).toMatchObject({ billed: false, code: 'cancelled_on_time' });
    expect(why('2026-11-17')).toMatchObject({ billed: true, code: 'cancelled_late' });
    expect(why('2026-11-13')?.why).toBe('Facturé avec majoration : réservé hors délai, présence non pointée');
    const tom = await office.value('invoiceRuns.draft', { month: '2026-11', familyId: n.bernard });
    expect(tom.lines.map((l) => [l.kind, l.unitCents, l.quantity])).toEqual([
      ['unit', 450, 2],
      ['unbooked', 200, 1],
      ['pai_reduction', -250, 2],
    ]);
    const noe = await office.value('invoiceRuns.draft', { month: '2026-11', familyId: n.roux });
    expect(noe.days.map((d) => [d.day, d.billed, d.code])).toEqual([
      ['2026-11-02', false, 'absence_covered'],
      ['2026-11-03', false, 'absence_covered'],
      ['2026-11-05', true, 'booked_not_pointed'],
    ]);

    // Issued by the régisseur: numbers 2026-000001… in the drafts' order (family id), frozen documents.
    const regie = await office.as('regisseur');
    const issued = await regie.call('invoiceRuns.issue', { month: '2026-11' });
    if (!issued.ok) throw new Error(JSON.stringify(issued.error));
    expect(issued.value.status).toBe('issued');
    expect(issued.value.numbers).toEqual({ first: '2026-000001', last: '2026-000004' });
    const list = await office.value('invoices.list', { familyId: null, month: '2026-11' });
    expect(list.map((i) => [i.number, i.familyName, i.totalCents, i.dueDate]).sort()).toEqual([
      ['2026-000001', 'Durand Paul', 4650, '2027-01-01'],
      ['2026-000002', 'Bernard Claire', 600, '2027-01-01'],
      ['2026-000003', 'Petit Marc', 840, '2027-01-01'],
      ['2026-000004', 'Roux Inès', 300, '2027-01-01'],
    ]);
    const durandInvoice = await office.value('invoices.get', { id: list.find((i) => i.familyId === n.durand)!.id });
    const doc: InvoiceDocument = durandInvoice.document;
    expect(doc).toMatchObject({ kind: 'invoice', number: '2026-000001', issueDate: '2026-12-02', dueDate: '2027-01-01', month: '2026-11', totalCents: 4650 });
    expect(doc.family).toEqual({ id: n.durand, name: 'M. et Mme Paul DURAND', address: ['3 rue des Lilas', '69100 Villeurbanne'] });
    expect(doc.issuer.siret).toBe('21740112400011');
    expect(doc.lines[0]).toMatchObject({ childName: 'Léa DURAND', quantity: 13, amountCents: 4550 });
    expect(doc.days.find((d) => d.day === '2026-11-06')?.why).toMatch(/^Non facturé : 2e jour d'absence pour raison médicale, certificat médical fourni/);
    expect(doc.qf[0]?.qf).toBe(850);
    expect(durandInvoice.issuedBy).toMatch(/regisseur/);
    expect(office.sqlite.prepare('SELECT COUNT(*) FROM invoice_lines').pluck().get()).toBe(2 + 3 + 1 + 1);
    const dirty = office.sqlite.prepare('SELECT family_id FROM sync_dirty WHERE family_id IN (?, ?, ?, ?)').pluck().all(n.durand, n.bernard, n.petit, n.roux);
    expect(dirty).toHaveLength(4);
    expect(office.sqlite.prepare("SELECT COUNT(*) FROM audit_log WHERE entity = 'invoice' AND action = 'issue'").pluck().get()).toBe(4);

    // The database itself refuses to change an issued invoice.
    expect(() => office.sqlite.prepare('UPDATE invoices SET total_cents = 1').run()).toThrow(/never changed/);

    // A credit note and a complementary invoice continue the sequence; credit notes cannot exceed what is left.
    const first = list.find((i) => i.familyId === n.durand)!;
    const credit = await regie.call('invoices.correct', {
      invoiceId: first.id,
      kind: 'credit_note',
      reason: 'Certificat médical reçu pour le 5 novembre',
      lines: [{ childId: n.lea, serviceId: n.canteen, label: 'Repas du 5 novembre', amountCents: 350 }],
    });
    if (!credit.ok) throw new Error(JSON.stringify(credit.error));
    expect(credit.value).toMatchObject({ number: '2026-000005', kind: 'credit_note', totalCents: -350, corrects: '2026-000001' });
    expect(credit.value.document.lines[0]).toMatchObject({ kind: 'correction', amountCents: -350, childName: 'Léa DURAND' });
    const tooMuch = await regie.call('invoices.correct', {
      invoiceId: first.id,
      kind: 'credit_note',
      reason: 'Erreur',
      lines: [{ childId: null, serviceId: null, label: 'Tout', amountCents: 4301 }],
    });
    expect(tooMuch).toMatchObject({ ok: false, error: { message: "L'avoir (43,01\u00a0€) dépasse le reste de la facture (43,00\u00a0€)." } });
    const extra = await regie.call('invoices.correct', {
      invoiceId: first.id,
      kind: 'complementary',
      reason: 'Repas du 30 novembre oublié',
      lines: [{ childId: n.lea, serviceId: n.canteen, label: 'Repas', amountCents: 350 }],
    });
    expect(extra.ok && extra.value).toMatchObject({ number: '2026-000006', kind: 'complementary', totalCents: 350, dueDate: '2027-01-01' });
    const reread = await office.value('invoices.get', { id: first.id });
    expect(reread.creditedCents).toBe(350);
    expect(reread.corrections.map((c) => c.number)).toEqual(['2026-000005', '2026-000006']);
    expect(office.sqlite.prepare('SELECT last_number FROM invoice_sequences WHERE year = 2026').pluck().get()).toBe(6);
  });

  it('tells a stale draft and refuses to issue until the run is computed again', async () => {
    office = await makeTestOffice({ now: '2026-12-02T09:00:00Z' });
    const n = await buildNovember(office);
    await office.value('invoiceRuns.generate', { month: '2026-11' });
    // Zoé came on Thursday 5 without a booking, pointed after the drafts were computed.
    setDay(office.sqlite, n.zoe, n.canteen, '2026-11-05', { attendance: 'present', walkIn: true });
    const draft = await office.value('invoiceRuns.draft', { month: '2026-11', familyId: n.petit });
    expect(draft.stale).toBe(true);
    expect(draft.totalCents).toBe(840 + 420 + 200);
    const other = await office.value('invoiceRuns.draft', { month: '2026-11', familyId: n.durand });
    expect(other.stale).toBe(false);

    const regie = await office.as('regisseur');
    const refused = await regie.call('invoiceRuns.issue', { month: '2026-11' });
    expect(refused).toMatchObject({ ok: false, error: { message: 'Les données ont changé depuis le calcul des brouillons : recalculez avant d’émettre.' } });
    expect(count('invoices')).toBe(0);
    expect(office.sqlite.prepare('SELECT COUNT(*) FROM invoice_sequences').pluck().get()).toBe(0);

    await office.value('invoiceRuns.generate', { month: '2026-11' });
    const issued = await regie.call('invoiceRuns.issue', { month: '2026-11' });
    expect(issued.ok && issued.value.totalCents).toBe(6390 + 620);
  });

  it('refuses bad input with a French message and saves nothing', async () => {
    office = await makeTestOffice({ now: '2026-12-02T09:00:00Z' });
    const n = await buildNovember(office);
    const future = await office.call('invoiceRuns.generate', { month: '2027-01' });
    expect(future).toMatchObject({ ok: false, error: { code: 'validation', fields: { month: 'La facturation de janvier 2027 ne peut pas être calculée avant le début du mois.' } } });
    const malformed = await office.call('invoiceRuns.generate', { month: '2026-13' });
    expect(malformed).toMatchObject({ ok: false, error: { fields: { month: 'Le mois s’écrit AAAA-MM (par exemple 2026-11).' } } });
    expect(count('invoice_runs')).toBe(0);

    await office.value('invoiceRuns.generate', { month: '2026-11' });
    const drafts = count('invoice_drafts');
    const audits = count('audit_log');
    // Issuing without the régisseur role: the admin and an agent are refused.
    for (const caller of [office.call, (await office.as('agent')).call]) {
      const refused = await caller('invoiceRuns.issue', { month: '2026-11' });
      expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden', message: 'Seul le régisseur peut émettre les factures.' } });
    }
    expect(count('invoices')).toBe(0);
    expect(office.sqlite.prepare('SELECT status FROM invoice_runs').pluck().get()).toBe('draft');

    const regie = await office.as('regisseur');
    expect((await regie.call('invoiceRuns.issue', { month: '2026-11' })).ok).toBe(true);
    const invoices = count('invoices');
    // A run for a month already issued: neither computed again nor issued again.
    const again = await office.call('invoiceRuns.generate', { month: '2026-11' });
    expect(again).toMatchObject({ ok: false, error: { message: 'La facturation de novembre 2026 est déjà émise : corrigez par avoir ou facture complémentaire.' } });
    const twice = await regie.call('invoiceRuns.issue', { month: '2026-11' });
    expect(twice).toMatchObject({ ok: false, error: { message: 'La facturation de novembre 2026 est déjà émise : corrigez par avoir ou facture complémentaire.' } });
    expect(count('invoice_drafts')).toBe(drafts);
    expect(count('invoices')).toBe(invoices);

    // A credit note larger than its invoice, one without reason, one by an agent: refused, nothing numbered.
    const petit = (await office.value('invoices.list', { familyId: n.petit, month: null }))[0]!;
    const big = await regie.call('invoices.correct', { invoiceId: petit.id, kind: 'credit_note', reason: 'Erreur de tarif', lines: [{ childId: null, serviceId: null, label: 'Remise', amountCents: 841 }] });
    expect(big).toMatchObject({ ok: false, error: { message: "L'avoir (8,41\u00a0€) dépasse le reste de la facture (8,40\u00a0€)." } });
    const noReason = await regie.call('invoices.correct', { invoiceId: petit.id, kind: 'credit_note', reason: ' ', lines: [{ childId: null, serviceId: null, label: 'Remise', amountCents: 100 }] });
    expect(noReason).toMatchObject({ ok: false, error: { fields: { reason: 'Le motif de la correction est obligatoire.' } } });
    const negative = await regie.call('invoices.correct', { invoiceId: petit.id, kind: 'complementary', reason: 'Oubli', lines: [{ childId: null, serviceId: null, label: 'Repas', amountCents: -100 }] });
    expect(negative).toMatchObject({ ok: false, error: { fields: { 'lines.0.amountCents': 'Le montant doit être supérieur à zéro.' } } });
    const foreignChild = await regie.call('invoices.correct', { invoiceId: petit.id, kind: 'complementary', reason: 'Oubli', lines: [{ childId: n.lea, serviceId: null, label: 'Repas', amountCents: 100 }] });
    expect(foreignChild).toMatchObject({ ok: false, error: { fields: { 'lines.0.childId': 'Cet enfant n’est pas de la famille facturée.' } } });
    const byAgent = await office.call('invoices.correct', { invoiceId: petit.id, kind: 'credit_note', reason: 'Erreur', lines: [{ childId: null, serviceId: null, label: 'Remise', amountCents: 100 }] });
    expect(byAgent).toMatchObject({ ok: false, error: { message: 'Seul le régisseur peut émettre les factures.' } });
    expect(count('invoices')).toBe(invoices);
    expect(office.sqlite.prepare('SELECT last_number FROM invoice_sequences').pluck().get()).toBe(invoices);
    expect(count('audit_log')).toBeGreaterThan(audits);
  });

  it('refuses to issue while a billed day has no price, naming how many', async () => {
    office = await makeTestOffice({ now: '2026-12-02T09:00:00Z' });
    const n = await buildNovember(office);
    const evening = (await office.db.selectFrom('services').select('id').where('code', '=', 'soir').executeTakeFirstOrThrow()).id;
    setDay(office.sqlite, n.lea, evening, '2026-11-02', { attendance: 'present' });
    const view = await office.value('invoiceRuns.generate', { month: '2026-11' });
    expect(view.problems).toHaveLength(1);
    expect(view.problems[0]?.message).toMatch(/^Aucun tarif en vigueur pour Accueil du soir le lundi 2 novembre 2026 \(Léa DURAND, famille n° \d+\)/);
    const regie = await office.as('regisseur');
    const refused = await regie.call('invoiceRuns.issue', { month: '2026-11' });
    expect(refused).toMatchObject({ ok: false, error: { message: 'Un jour à facturer reste sans prix (tarif ou heures manquants) : corrigez-les et recalculez avant d’émettre.' } });
    expect(count('invoices')).toBe(0);
  });

  it('lists runs with their totals', async () => {
    office = await makeTestOffice({ now: '2026-12-02T09:00:00Z' });
    await buildNovember(office);
    expect(await office.value('invoiceRuns.list', {})).toEqual([]);
    const missing = await office.call('invoiceRuns.get', { month: '2026-11' });
    expect(missing).toMatchObject({ ok: false, error: { code: 'not_found', message: 'Aucun brouillon pour novembre 2026 : lancez le calcul de la facturation.' } });
    await office.value('invoiceRuns.generate', { month: '2026-11' });
    expect(await office.value('invoiceRuns.list', {})).toEqual([
      { month: '2026-11', status: 'draft', generatedAt: '2026-12-02T09:00:00.000Z', issuedAt: null, families: 4, totalCents: 6390, flagged: 1, problems: 0 },
    ]);
  });
});

describe('a run computed range of families by range', () => {
  const computed = (rangeFamilies: number) => computeMonth({ db: office.db, progress: () => {} }, '2026-11', { keepDays: true, rangeFamilies });

  it('is the same run as computed in one go, for the small commune and the demo commune', async () => {
    office = await makeTestOffice({ now: '2026-12-02T09:00:00Z' });
    await buildNovember(office);
    const whole = await computed(1_000_000);
    expect(whole.run.drafts).toHaveLength(4);
    // One family a range: the illness run followed back into October, the flags and the problems stay the same.
    expect(await computed(1)).toEqual(whole);

    await seedDemoCommune(office.db, { scale: 'default', clock: office.clock, seed: 11 });
    const demo = await computed(1_000_000);
    expect(demo.run.drafts.length).toBeGreaterThan(100);
    expect(demo.run.drafts.flatMap((draft) => draft.days).length).toBeGreaterThan(5_000);
    expect(await computed(7)).toEqual(demo);
    expect(await computed(1)).toEqual(demo);
  });
});

describe('the addressee of an invoice', () => {
  it('names one or both responsables as a French letter does', () => {
    const paul = { civilite: 'M.', nom: 'Durand', prenom: 'Paul' };
    expect(addresseeOf(paul, null)).toBe('M. Paul DURAND');
    expect(addresseeOf(paul, { civilite: 'Mme', nom: 'durand', prenom: 'Anne' })).toBe('M. et Mme Paul DURAND');
    expect(addresseeOf({ civilite: 'Mme', nom: 'Durand', prenom: 'Anne' }, paul)).toBe('Mme Anne DURAND et M. Paul DURAND');
    expect(addresseeOf(paul, { civilite: 'Mme', nom: 'Martin', prenom: 'Anne' })).toBe('M. Paul DURAND et Mme Anne MARTIN');
    expect(addresseeOf({ civilite: '', nom: 'Roux', prenom: 'Inès' }, null)).toBe('Inès ROUX');
  });
});
