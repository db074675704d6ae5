import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addDays, dayRange, isoWeekday } from '../../src/shared/calendar/days.js';
import { deadlineFor } from '../../src/shared/planning/deadlines.js';
import { portalRequestSchema, type FamilyPublication } from '../../src/shared/sync/contract.js';
import { certificatePdf } from '../helpers/uploads.js';
import { CANTEEN, EVENING, insertPublication, insertSettings, makePublication, PLANNING_SETTINGS, PortalClient, startTestPortal, WEDNESDAY_RULE, type TestPortal } from '../helpers/portal.js';

/**
 * The Planning page on a real portal (temp SQLite, injected clock at Monday 30 November 2026, 10:00 Paris): the
 * canteen refuses late changes, the evening care takes them marked late; deadlines are Wednesday noon of the week before.
 */
const PASSWORD = 'un mot de passe solide';
const NOW = '2026-11-30T09:00:00.000Z';


type Row = FamilyPublication['planning']['children'][number]['rows'][number];

/** Booked on school days, closed on Wednesdays and weekends, and a closure on Tuesday 8 December; each open day with the deadline the office publishes for it. */
function row(serviceId: number, from: string, to: string): Row {
  return {
    serviceId,
    cells: dayRange(from, to).map((day) => {
      const weekday = isoWeekday(day);
      if (weekday >= 6) return { day, state: 'closed' as const, closedWhy: weekday === 6 ? 'Service fermé le samedi' : 'Service fermé le dimanche' };
      if (weekday === 3) return { day, state: 'closed' as const, closedWhy: 'Service fermé le mercredi' };
      if (day === '2026-12-08') return { day, state: 'closed' as const, closedWhy: 'Fermeture exceptionnelle : inventaire' };
      if (day === '2026-12-21') return { day, state: 'closed' as const, closedWhy: 'Fermeture exceptionnelle : sortie du personnel' };
      const changeableUntil = deadlineFor(WEDNESDAY_RULE, day);
      if (serviceId === EVENING && day === '2026-12-10') return { day, state: 'open' as const, changeableUntil };
      return { day, state: 'booked' as const, changeableUntil };
    }),
  };
}

function familyPublication(familyId: number): FamilyPublication {
  const base = makePublication(familyId);
  const leo = base.children[0]!;
  const ines = { ...leo, id: familyId * 10 + 2, prenom: 'Inès', dateNaissance: '2020-02-02' };
  const from = '2026-11-01';
  const to = '2027-01-31';
  return {
    ...base,
    children: [leo, ines],
    planning: {
      from,
      to,
      children: [
        { childId: leo.id, rows: [row(CANTEEN, from, to), row(EVENING, from, to)] },
        { childId: ines.id, rows: [row(CANTEEN, from, to)] },
      ],
    },
  };
}

let portal: TestPortal;
let family: PortalClient;

beforeEach(async () => {
  portal = await startTestPortal({ now: NOW });
  await insertSettings(portal.db, PLANNING_SETTINGS);
  await insertPublication(portal.db, familyPublication(1));
  await insertPublication(portal.db, familyPublication(2));
  family = new PortalClient(portal.app);
  expect((await family.activate('famille1@example.test', PASSWORD)).status).toBe(303);
});
afterEach(async () => {
  await portal.close();
});

async function storedRequests() {
  const rows = await portal.db.selectFrom('requests').select(['body', 'late', 'family_id']).orderBy('seq').execute();
  return rows.map((r) => ({ ...portalRequestSchema.parse(JSON.parse(r.body)), late: r.late === 1, family: r.family_id }));
}

/** Opens a cell's page (for its CSRF token) then posts its form. */
async function ask(childId: number, serviceId: number, day: string, form: Record<string, string>) {
  const page = await family.get(`/planning/${childId}/${serviceId}/${day}`);
  expect(page.status).toBe(200);
  return family.post(`/planning/${childId}/${serviceId}/${day}?vue=semaine&du=${day}`, form);
}

describe('planning grid', () => {
  it('shows each child’s services by day with states, closed days and the deadline in words', async () => {
    const page = await family.get('/planning?enfant=11&vue=semaine&du=2026-12-07');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<caption class="sr-only">Planning de Léo Martin, semaine du lundi 7 décembre 2026</caption>');
    // One row per day, one column per service (a week fits a phone).
    expect(page.body).toContain('<th scope="col">Restauration scolaire</th>');
    expect(page.body).toContain('<th scope="col">Accueil du soir</th>');
    expect(page.body).toContain('<th scope="row" class="sticky"><span aria-hidden="true">lun. 7/12</span><span class="sr-only">lundi 7 décembre 2026</span></th>');
    expect(page.body).toContain('<span class="cell-text">Réservé</span>');
    expect(page.body).toContain('<span class="cell-until">jusqu’au mer. 2/12 12h00</span>');
    expect(page.body).toContain('<span class="cell-until">Fermeture exceptionnelle : inventaire</span>');
    expect(page.body).toContain('Restauration scolaire, lundi 7 décembre 2026 : Réservé. Modifiable jusqu’au mercredi 2 décembre 2026 à 12h00.');
    expect(page.body).toContain('Restauration scolaire, mardi 8 décembre 2026 : Fermé. Fermeture exceptionnelle : inventaire.');
    expect(page.body).toContain('Accueil du soir, jeudi 10 décembre 2026 : Ouvert, non réservé. Modifiable jusqu’au mercredi 2 décembre 2026 à 12h00.');
    expect(page.body).toContain('href="/planning/11/1/2026-12-07?vue=semaine&amp;du=2026-12-07"');
    // Weekends, closed for every service, are left out; Wednesday stays (closed) between the open days.
    expect(page.body).not.toContain('samedi 12 décembre 2026');
    expect(page.body).toContain('mercredi 9 décembre 2026');
    // Previous / next weeks and the month view.
    expect(page.body).toContain('href="/planning?enfant=11&amp;vue=semaine&amp;du=2026-11-30" rel="prev"');
    expect(page.body).toContain('href="/planning?enfant=11&amp;vue=semaine&amp;du=2026-12-14" rel="next"');
    // The sibling is a tab.
    expect(page.body).toContain('href="/planning?enfant=12&amp;vue=semaine&amp;du=2026-12-07">Inès</a>');

    const month = await family.get('/planning?enfant=12&vue=mois&du=2026-12-15');
    expect(month.body).toContain('<caption class="sr-only">Planning de Inès Martin, décembre 2026</caption>');
    expect(month.body).toContain('Restauration scolaire, jeudi 31 décembre 2026 : Réservé.');
    expect(month.body).not.toContain('Accueil du soir');
    expect(month.body).toContain('href="/planning?enfant=12&amp;vue=mois&amp;du=2026-11-01" rel="prev"');
    // The window ends in January: no month after it.
    const last = await family.get('/planning?enfant=12&vue=mois&du=2027-01-04');
    expect(last.body).toContain('<span class="disabled">Mois suivant →</span>');
  });

  it('a past deadline on a refusing service locks the cell with the reason; a closed day offers nothing', async () => {
    const late = await family.get('/planning/11/1/2026-12-01');
    expect(late.body).toContain('Aucune modification possible.');
    expect(late.body).toContain('Délai dépassé : les changements de ce jour étaient possibles jusqu’au mercredi 25 novembre 2026 à 12h00.');
    expect(late.body).not.toContain('name="action"');
    const grid = await family.get('/planning?enfant=11&du=2026-11-30');
    expect(grid.body).toContain('Restauration scolaire, mardi 1er décembre 2026 : Réservé. Délai dépassé : les changements de ce jour étaient possibles jusqu’au mercredi 25 novembre 2026 à 12h00.');
    expect(grid.body).toContain('Accueil du soir, mardi 1er décembre 2026 : Réservé. Délai dépassé : une demande sera marquée hors délai.');

    const closed = await family.get('/planning/11/1/2026-12-09');
    expect(closed.body).toContain('Service fermé ce jour : Service fermé le mercredi.');
    expect(closed.body).not.toContain('<form method="post" action="/planning');
    const posted = await family.post('/planning/11/1/2026-12-09', { action: 'absence', motif: 'MEDICAL' });
    expect(posted.status).toBe(422);
    expect(await storedRequests()).toEqual([]);
  });
});

describe('asking for a change', () => {
  it('an absence on two Mondays is one request with two items, and both cells turn 🚧', async () => {
    const form = await family.get('/planning/11/1/2026-12-07');
    expect(form.body).toContain('<h2 id="action-cancel">Annuler la réservation</h2>');
    expect(form.body).toContain('<h2 id="action-absence">Déclarer une absence</h2>');
    // The most frequent action first.
    expect(form.body.indexOf('id="action-absence"')).toBeLessThan(form.body.indexOf('id="action-cancel"'));
    expect(form.body).toContain('Possible jusqu’au mercredi 2 décembre 2026 à 12h00.');
    for (const label of ['RAISON MEDICALE', 'VOYAGE OU SORTIE SCOLAIRE', 'CAS DE FORCE MAJEURE', 'AUTRES']) expect(form.body).toContain(label);
    expect(form.body).toContain('Tous les lundis jusqu’au');

    // Motif → confirmer: the first step stores nothing and shows what will be sent, the answers in hidden fields.
    const step = await family.post('/planning/11/1/2026-12-07?vue=semaine&du=2026-12-07', { action: 'absence', motif: 'MEDICAL', commentaire: 'Angine', jusqu_au: '2026-12-14' });
    expect(step.status).toBe(200);
    expect(step.body).toContain('<h1>Confirmer l’absence</h1>');
    expect(step.body).toContain('Restauration scolaire : 2 jours');
    expect(step.body).toContain('<dd>lundi 7 décembre 2026, lundi 14 décembre 2026</dd>');
    expect(step.body).toContain('<input type="hidden" name="motif" value="MEDICAL">');
    expect(step.body).toContain('<input type="hidden" name="jusqu_au" value="2026-12-14">');
    expect(step.body).toContain('name="_csrf"');
    expect(await storedRequests()).toEqual([]);
    const sent = await family.post('/planning/11/1/2026-12-07?vue=semaine&du=2026-12-07', { action: 'absence', confirmer: '1', motif: 'MEDICAL', commentaire: 'Angine', jusqu_au: '2026-12-14' });
    expect(sent.status).toBe(303);
    const stored = await storedRequests();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      kind: 'absence',
      reason: 'MEDICAL',
      comment: 'Angine',
      submittedAt: NOW,
      familyId: 1,
      late: false,
      items: [
        { childId: 11, serviceId: CANTEEN, day: '2026-12-07' },
        { childId: 11, serviceId: CANTEEN, day: '2026-12-14' },
      ],
    });
    expect(sent.location).toBe(`/planning?enfant=11&vue=semaine&du=2026-12-07&demande=${stored[0]!.uid}`);

    const page = await family.get(sent.location!);
    expect(page.body).toContain('Votre demande a été envoyée au service (2 jours).');
    expect(page.body).toContain('Restauration scolaire, lundi 7 décembre 2026 : Absence déclarée (en attente) (RAISON MEDICALE).');
    expect(page.body).toMatch(/cell-absence_requested[^>]*><a[^>]*>.*?🚧.*?<span class="cell-text">Absence en attente<\/span>/);
    expect(page.body).toContain('marqués 🚧 « en attente »');
    const next = await family.get('/planning?enfant=11&du=2026-12-14');
    expect(next.body).toContain('Restauration scolaire, lundi 14 décembre 2026 : Absence déclarée (en attente) (RAISON MEDICALE).');
    // A second request on the same day is not offered.
    const again = await family.get('/planning/11/1/2026-12-07');
    expect(again.body).toContain('Une demande est déjà en attente de validation pour ce jour.');
  });

  it('a weekly repeat leaves out the closed days it crosses and says so', async () => {
    const res = await ask(11, CANTEEN, '2026-12-14', { action: 'cancel', jusqu_au: '2026-12-28' });
    expect(res.status).toBe(303);
    const [request] = await storedRequests();
    expect(request!.items.map((i) => i.day)).toEqual(['2026-12-14', '2026-12-28']);
    const page = await family.get(res.location!);
    expect(page.body).toContain('Votre demande a été envoyée au service (2 jours).');
    expect(page.body).toContain('1 jour non compris : service fermé, jour déjà demandé ou action impossible ce jour-là.');
    // A repeat ending before the chosen day is an error, nothing is recorded.
    const wrong = await ask(11, CANTEEN, '2026-12-17', { action: 'cancel', jusqu_au: '2026-12-10' });
    expect(wrong.status).toBe(422);
    expect(wrong.body).toContain('La date de fin de la répétition doit être après le jour choisi.');
    expect(await storedRequests()).toHaveLength(1);
  });

  it('siblings ticked go in the same request, with a PDF certificate', async () => {
    const page = await family.get('/planning/11/1/2026-12-10');
    expect(page.body).toContain('Inès Martin');
    // The confirmation names each child with its days.
    const step = await family.post('/planning/11/1/2026-12-10', { action: 'absence', motif: 'STRIKE', commentaire: '', jusqu_au: '', freres: '12' });
    expect(step.body).toContain('<li>Léo Martin : jeudi 10 décembre 2026</li><li>Inès Martin : jeudi 10 décembre 2026</li>');
    expect(step.body).toContain('<input type="hidden" name="freres" value="12">');
    const pdf = await certificatePdf();
    const boundary = '----planning-test';
    const fields: Array<[string, string]> = [['_csrf', family.csrf()], ['action', 'absence'], ['confirmer', '1'], ['motif', 'STRIKE'], ['commentaire', ''], ['jusqu_au', ''], ['freres', '12']];
    const parts = fields.map(([name, value]) => Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="certificat"; filename="mot.pdf"\r\nContent-Type: application/pdf\r\n\r\n`), pdf, Buffer.from(`\r\n--${boundary}--\r\n`));
    const res = await portal.app.inject({
      method: 'POST',
      url: '/planning/11/1/2026-12-10',
      headers: { cookie: [...family.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: Buffer.concat(parts),
    });
    expect(res.statusCode).toBe(303);
    const [request] = await storedRequests();
    expect(request!.items).toEqual([
      { childId: 11, serviceId: CANTEEN, day: '2026-12-10' },
      { childId: 12, serviceId: CANTEEN, day: '2026-12-10' },
    ]);
    expect(request!.certificate).toMatchObject({ mime: 'application/pdf', fileName: 'justificatif.pdf' });
    // The file is kept once, as bytes, beside the request (the pull puts it back into the request it sends).
    const upload = await portal.db.selectFrom('uploads').selectAll().executeTakeFirstOrThrow();
    expect(upload).toMatchObject({ kind: 'certificate', mime: 'application/pdf', size: pdf.length });
    expect(Buffer.from(upload.content).equals(pdf)).toBe(true);
    const ines = await family.get('/planning?enfant=12&du=2026-12-07');
    expect(ines.body).toContain('Restauration scolaire, jeudi 10 décembre 2026 : Absence déclarée (en attente) (GREVE DU PERSONNEL OU DES ENSEIGNANTS).');
  });

  it('a change sent after the deadline of a refusing service is refused at once with the deadline in words', async () => {
    // The family opened the form on time, and sends it after Wednesday noon.
    portal.clock.set('2026-12-02T10:45:00.000Z');
    await family.login('famille1@example.test', PASSWORD);
    const form = await family.get('/planning/11/1/2026-12-07');
    expect(form.body).toContain('Possible jusqu’au mercredi 2 décembre 2026 à 12h00.');
    portal.clock.advance(15 * 60 * 1000);
    const res = await family.post('/planning/11/1/2026-12-07', { action: 'cancel' });
    expect(res.status).toBe(422);
    expect(res.body).toContain(
      'Demande refusée, hors délai : les changements du lundi 7 décembre 2026 pour Restauration scolaire étaient possibles jusqu’au mercredi 2 décembre 2026 à 12h00.',
    );
    expect(res.body).toContain('role="alert"');
    expect(await storedRequests()).toEqual([]);
  });

  it('a late change on a service that takes them is recorded and shown hors délai', async () => {
    const page = await family.get('/planning/11/2/2026-12-03');
    expect(page.body).toContain('Délai dépassé depuis le mercredi 25 novembre 2026 à 12h00 : la demande sera envoyée hors délai');
    const res = await family.post('/planning/11/2/2026-12-03?vue=semaine&du=2026-11-30', { action: 'cancel' });
    expect(res.status).toBe(303);
    const [request] = await storedRequests();
    expect(request).toMatchObject({ kind: 'cancel', late: true, items: [{ childId: 11, serviceId: EVENING, day: '2026-12-03' }] });
    const grid = await family.get(res.location!);
    expect(grid.body).toContain('Elle est arrivée hors délai');
    expect(grid.body).toContain('Accueil du soir, jeudi 3 décembre 2026 : Annulation demandée, hors délai.');
  });

  it('a booking on an open day is recorded with the portal’s clock', async () => {
    portal.clock.set('2026-12-01T08:30:00.000Z');
    await family.login('famille1@example.test', PASSWORD);
    const res = await ask(11, EVENING, '2026-12-10', { action: 'book' });
    expect(res.status).toBe(303);
    const [request] = await storedRequests();
    expect(request).toMatchObject({ kind: 'book', submittedAt: '2026-12-01T08:30:00.000Z', late: false });
  });

  it('after the office decides, the cells show the outcome and the refusal reason', async () => {
    const decided = familyPublication(1);
    decided.version = 2;
    const canteen = decided.planning.children[0]!.rows[0]!;
    canteen.cells = canteen.cells.map((c) => (c.day === '2026-12-07' ? { day: c.day, state: 'absent' as const, absenceReason: 'MEDICAL' as const } : c));
    decided.requests = [{
      uid: '33333333-3333-4333-8333-333333333333', kind: 'absence', submittedAt: NOW, reason: 'MEDICAL', items: [
        { childId: 11, serviceId: CANTEEN, day: '2026-12-07', status: 'accepted', refusalReason: null, decidedAt: '2026-11-30T10:00:00.000Z' },
        { childId: 11, serviceId: CANTEEN, day: '2026-12-14', status: 'refused', refusalReason: 'Certificat manquant', decidedAt: '2026-11-30T10:00:00.000Z' },
      ],
    }];
    await insertPublication(portal.db, decided);
    const week = await family.get('/planning?enfant=11&du=2026-12-07');
    expect(week.body).toContain('Restauration scolaire, lundi 7 décembre 2026 : Absent (motif connu) (RAISON MEDICALE).');
    const next = await family.get('/planning?enfant=11&du=2026-12-14');
    expect(next.body).toContain('Restauration scolaire, lundi 14 décembre 2026 : Réservé. Dernière demande refusée : Certificat manquant.');
    // On the cell itself, not only for screen readers: « ⛔ Absence refusée : Certificat manquant ».
    expect(next.body).toContain('<span class="cell-refusal"><span class="cell-symbol">⛔ </span>Absence refusée : Certificat manquant</span>');
  });
});

describe('what the office judged is what the family reads', () => {
  it('shows a published pending item late only when the office stored it late, whatever today’s settings say', async () => {
    const published = familyPublication(1);
    published.version = 2;
    const item = (day: string, late?: boolean) => ({
      childId: 11, serviceId: CANTEEN, day, status: 'pending' as const, refusalReason: null, decidedAt: null, ...(late === undefined ? {} : { late }),
    });
    published.requests = [
      // Asked on time by today's rules, but the office judged it late on arrival (its rules then were stricter).
      { uid: '44444444-4444-4444-8444-444444444444', kind: 'cancel', submittedAt: NOW, reason: null, items: [item('2026-12-07', true)] },
      // Published by an older office without the flag: not late.
      { uid: '55555555-5555-4555-8555-555555555555', kind: 'cancel', submittedAt: '2026-12-05T09:00:00.000Z', reason: null, items: [item('2026-12-10')] },
    ];
    await insertPublication(portal.db, published);
    const week = await family.get('/planning?enfant=11&du=2026-12-07');
    expect(week.body).toContain('Restauration scolaire, lundi 7 décembre 2026 : Annulation demandée, hors délai.');
    expect(week.body).toContain('Restauration scolaire, jeudi 10 décembre 2026 : Annulation demandée.');
  });

  it('shows until when a day can change as the office published it', async () => {
    const published = familyPublication(1);
    published.version = 2;
    const canteen = published.planning.children[0]!.rows[0]!;
    // The office moved this day's deadline earlier (a closure the day before, say): the portal says what it published.
    canteen.cells = canteen.cells.map((c) => (c.day === '2026-12-14' ? { ...c, changeableUntil: '2026-12-04T11:00:00.000Z' } : c));
    await insertPublication(portal.db, published);
    const week = await family.get('/planning?enfant=11&du=2026-12-14');
    expect(week.body).toContain('Restauration scolaire, lundi 14 décembre 2026 : Réservé. Modifiable jusqu’au vendredi 4 décembre 2026 à 12h00.');
  });
});

describe('only the family’s own children', () => {
  it('answers 404 for another family’s child, in the grid, the cell page and the form', async () => {
    expect((await family.get('/planning?enfant=21')).status).toBe(404);
    expect((await family.get('/planning/21/1/2026-12-07')).status).toBe(404);
    await family.get('/planning');
    const res = await family.post('/planning/21/1/2026-12-07', { action: 'absence', motif: 'MEDICAL' });
    expect(res.status).toBe(404);
    // Another family's child ticked as a sibling is refused too.
    await family.get('/planning/11/1/2026-12-07');
    const sibling = await family.post('/planning/11/1/2026-12-07', { action: 'absence', motif: 'MEDICAL', freres: '21' });
    expect(sibling.status).toBe(422);
    expect(sibling.body).toContain('n’appartient pas à votre famille');
    expect(await storedRequests()).toEqual([]);
  });

  it('requires the CSRF token and a login', async () => {
    await family.get('/planning/11/1/2026-12-07');
    const res = await family.post('/planning/11/1/2026-12-07', { action: 'absence', motif: 'MEDICAL' }, { csrf: null });
    expect(res.status).toBe(403);
    const anonymous = new PortalClient(portal.app);
    const page = await anonymous.get('/planning');
    expect(page.status).toBe(303);
    expect(page.location).toBe('/connexion?suite=%2Fplanning');
    expect(addDays('2026-12-07', 7)).toBe('2026-12-14');
  });
});
