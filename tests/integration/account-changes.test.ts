import { maskIban } from '../../src/shared/validation/bank.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FamilyInput } from '../../src/shared/families/input.js';
import { CHANGE_FIELD_KEYS, CHANGE_FIELDS, type ChangeFieldKey } from '../../src/shared/requests/change-fields.js';
import { familyPublicationSchema } from '../../src/shared/sync/contract.js';
import { makeTestOffice, sampleChildInput, sampleFamilyInput, type TestOffice } from '../helpers/office.js';
import { activatedFamily } from '../helpers/paired-family.js';
import { HttpFamily } from '../helpers/portal-http.js';
import { startTestPortal, SYNC_SECRET, type TestPortal } from '../helpers/sync.js';

/**
 * « Mon compte › Demander une modification » end to end, through both real servers: a family logged in on the real
 * portal over HTTP posts each field as the browser sends the form (CSRF, urlencoded, values typed the French way);
 * the office's real sync brings every change to the queue as a valid pending change; accepted, each is applied to
 * the office's records, audited, and published back to the family.
 */

let office: TestOffice;
let portal: TestPortal;
let familyId: number;
let childId: number;
const PASSWORD = 'un mot de passe solide';

const FAMILY: FamilyInput = sampleFamilyInput({
  responsable2: {
    civilite: 'M.',
    nom: 'Martin',
    prenom: 'Paul',
    dateNaissance: null,
    adresse: '3 rue des Lilas',
    codePostal: '69100',
    ville: 'Villeurbanne',
    telMobile: '06 98 76 54 32',
    telFixe: '',
    email: 'paul.martin@example.fr',
    profession: 'Menuisier',
    employeur: 'Bois & Cie',
    telPro: '',
  },
  // No bank details yet: the IBAN is given without a holder on file.
  bank: { holder: '', iban: '', bic: '' },
});

/** What the family types (as the page shows values), what the office receives, and what its record holds after. */
const responsableChanges = (rank: 1 | 2) => {
  const r = `responsable${rank}` as const;
  return [
    [`${r}.civilite`, rank === 1 ? 'Monsieur' : 'Madame', rank === 1 ? 'M.' : 'Mme', rank === 1 ? 'M.' : 'Mme'],
    [`${r}.nom`, ' Martin-Durand ', 'Martin-Durand', 'Martin-Durand'],
    [`${r}.prenom`, rank === 1 ? 'Hélène-Marie' : 'Paul-André', rank === 1 ? 'Hélène-Marie' : 'Paul-André', rank === 1 ? 'Hélène-Marie' : 'Paul-André'],
    [`${r}.adresse`, '12 avenue des Tilleuls', '12 avenue des Tilleuls', '12 avenue des Tilleuls'],
    [`${r}.codePostal`, '74 370', '74370', '74370'],
    [`${r}.ville`, 'Épagny Metz-Tessy', 'Épagny Metz-Tessy', 'Épagny Metz-Tessy'],
    [`${r}.telMobile`, `07112233${rank}4`, `+337112233${rank}4`, `07 11 22 33 ${rank}4`],
    [`${r}.telFixe`, '04.50.22.98.19', '+33450229819', '04 50 22 98 19'],
    [`${r}.telPro`, '+41 22 123 45 67', '+41221234567', '+41 221 23 45 67'],
    [`${r}.email`, ` r${rank}.nouveau@example.org `, `r${rank}.nouveau@example.org`, `r${rank}.nouveau@example.org`],
    [`${r}.profession`, 'Cadre de santé', 'Cadre de santé', 'Cadre de santé'],
    [`${r}.employeur`, 'CHANGE', 'CHANGE', 'CHANGE'],
  ] as Array<[ChangeFieldKey, string, string, unknown]>;
};

const CHANGES: Array<[key: ChangeFieldKey, typed: string, canonical: string, stored: unknown]> = [
  ...responsableChanges(1),
  ...responsableChanges(2),
  ['household.situation', 'Pacsé(e)', 'pacse', 'pacse'],
  ['household.resident', 'non', 'false', false],
  ['fiscal.rfrCents', '32 450,50 €', '3245050', 3_245_050],
  ['fiscal.partsX100', '3,5', '350', 350],
  ['fiscal.year', '2024', '2024', 2024],
  ['caf.regime', 'MSA', 'MSA', 'MSA'],
  ['caf.number', '765 43 21', '7654321', '7654321'],
  ['caf.qf', '1 250', '1250', 1250],
  ['caf.qfValidUntil', '31/12/2027', '2027-12-31', '2027-12-31'],
  ['bank.iban', 'fr76 3000 6000 0112 3456 7890 189', 'FR7630006000011234567890189', 'FR7630006000011234567890189'],
  ['bank.holder', 'Hélène et Paul Martin', 'Hélène et Paul Martin', 'Hélène et Paul Martin'],
  ['bank.bic', 'agri frpp', 'AGRIFRPP', 'AGRIFRPP'],
];

/** A child's fields, asked on « Mes enfants ». */
const CHILD_CHANGES: Array<[key: ChangeFieldKey, typed: string, canonical: string, stored: unknown]> = [
  ['identity.regime', 'végétarien', 'vegetarien', 'vegetarien'],
  ['identity.classe', 'ce1', 'CE1', 'CE1'],
  ['health.allergies', 'Arachide, kiwi', 'Arachide, kiwi', 'Arachide, kiwi'],
  ['health.pai', 'non', 'false', false],
  ['health.paiEnd', '03/07/2027', '2027-07-03', '2027-07-03'],
  ['health.medecinNom', 'Dr Favre', 'Dr Favre', 'Dr Favre'],
  ['health.medecinTel', '0450000000', '+33450000000', '04 50 00 00 00'],
  ['authorisations.droitImage', 'Non', 'false', false],
  ['authorisations.sortieSeule', 'oui', 'true', true],
  ['authorisations.transport', 'non', 'false', false],
  ['authorisations.soinsUrgence', 'NON', 'false', false],
];

const SECTION_OF: Record<string, string> = {
  responsable1: 'responsable-1',
  responsable2: 'responsable-2',
  household: 'situation',
  fiscal: 'fiscal',
  caf: 'caf',
  bank: 'banque',
};

beforeEach(async () => {
  office = await makeTestOffice();
  portal = await startTestPortal(office.clock);
  familyId = (await office.value('families.create', { data: FAMILY })).id;
  childId = (await office.value('children.create', { familyId, data: sampleChildInput() })).id;
  await office.value('sync.configure', { portalUrl: portal.url, secret: SYNC_SECRET });
});

afterEach(async () => {
  await portal.close();
  await office.close();
});

const loggedInFamily = (): Promise<HttpFamily> => activatedFamily(office, portal.url, familyId, PASSWORD);

const portalRequests = async () => (await portal.db.selectFrom('requests').select(['uid', 'body']).orderBy('seq').execute()).map((row) => JSON.parse(row.body) as { changes: unknown[] });

describe('every field a family can change on the portal', () => {
  it('is the whole list: the family’s fields on « Mon compte », the child’s on « Mes enfants »', async () => {
    const family = await loggedInFamily();
    const offered = async (path: string) => [...(await family.get(path)).body.matchAll(/<option value="([^"]+)"/g)].map((match) => match[1]).sort();
    // Mon compte: one « Demander une modification » per section, leading to its fields, one page each.
    const account = (await family.get('/mon-compte')).body;
    const sections = [...account.matchAll(/href="\/mon-compte\/modification\?rubrique=([^"]+)"/g)].map((match) => match[1]!);
    const fields: string[] = [];
    for (const section of sections) {
      fields.push(...[...(await family.get(`/mon-compte/modification?rubrique=${section}`)).body.matchAll(/href="\/mon-compte\/modification\?champ=([^"]+)"/g)].map((match) => match[1]!));
    }
    expect(fields.sort()).toEqual(CHANGE_FIELDS.filter((f) => f.entity === 'family').map((f) => f.key).sort());
    expect(await offered('/mes-enfants')).toEqual(CHANGE_FIELDS.filter((f) => f.entity === 'child').map((f) => f.key).sort());
    expect([...CHANGES, ...CHILD_CHANGES].map(([key]) => key).sort()).toEqual([...CHANGE_FIELD_KEYS].sort());
  });

  it('arrives at the office as a valid pending change, is applied when accepted, and is published back', async () => {
    const family = await loggedInFamily();
    for (const [key, typed] of CHANGES) {
      await family.get('/mon-compte');
      const sent = await family.post('/mon-compte/modification', { field: key, value: typed });
      expect(sent, `${key} « ${typed} »`).toMatchObject({ status: 303, location: '/mon-compte?demande=envoyee' });
    }
    for (const [key, typed] of CHILD_CHANGES) {
      await family.get('/mes-enfants');
      const sent = await family.post(`/mes-enfants/${childId}/modification`, { field: key, value: typed });
      expect(sent, `${key} « ${typed} »`).toMatchObject({ status: 303, location: '/mes-enfants?demande=envoyee' });
    }
    const ALL = [...CHANGES, ...CHILD_CHANGES];
    // Each change travels in canonical form; the IBAN given while no holder is on file names the responsable.
    const bodies = await portalRequests();
    expect(bodies).toHaveLength(ALL.length);
    const iban = bodies.find((body) => JSON.stringify(body).includes('bank.iban'))!;
    expect(iban.changes).toEqual([
      expect.objectContaining({ field: 'bank.iban', label: 'Coordonnées bancaires · IBAN', oldValue: '', newValue: 'FR7630006000011234567890189' }),
      expect.objectContaining({ field: 'bank.holder', label: 'Coordonnées bancaires · Titulaire du compte', oldValue: '', newValue: 'Hélène Martin' }),
    ]);
    const pendingPage = await family.get('/mon-compte');
    // The e-mail on file is the login: the family is told before it changes under them.
    expect(pendingPage.body).toContain('Vous vous connectez avec l’adresse e-mail de votre fiche : si le service accepte de la changer, connectez-vous ensuite avec la nouvelle adresse.');
    expect(pendingPage.body).toContain('🚧 Modification demandée, en attente : Revenu fiscal de référence → « 32\u00a0450,50\u00a0€ »');
    expect(pendingPage.body).toContain('🚧 Modification demandée, en attente : Quotient valable jusqu’au → « 31/12/2027 »');
    expect(pendingPage.body).toContain('🚧 Modification demandée, en attente : IBAN → « FR76 3000 6000 0112 3456 7890 189 »');
    // The request's own page reads each change as the office's queue does, an empty old value included.
    const ibanUid = (await portal.db.selectFrom('requests').select(['uid', 'body']).execute()).find((row) => row.body.includes('bank.iban'))!.uid;
    const ibanPage = await family.get(`/demandes/${ibanUid}`);
    expect(ibanPage.body).toContain('<li>Coordonnées bancaires · IBAN : (vide) → FR76 3000 6000 0112 3456 7890 189</li>');
    expect(ibanPage.body).toContain('<li>Coordonnées bancaires · Titulaire du compte : (vide) → Hélène Martin</li>');
    const childrenPage = await family.get('/mes-enfants');
    expect(childrenPage.body).toContain('🚧 Modification demandée, en attente : Fin du PAI → « 03/07/2027 »');
    expect(childrenPage.body).toContain('🚧 Modification demandée, en attente : Régime alimentaire → « Végétarien »');

    // The office's sync: every change in the queue, pending, with no conflict and its canonical value.
    expect((await office.value('sync.now', {})).lastError).toBeNull();
    const refusedAtArrival = office.sqlite.prepare("SELECT refusal_reason FROM request_items WHERE status = 'refused'").pluck().all();
    expect(refusedAtArrival).toEqual([]);
    const queue = await office.value('requests.queue', {});
    expect(queue).toHaveLength(ALL.length);
    const queued = queue.flatMap((row) => row.changes.map((change) => ({ row, change })));
    for (const [key, typed, canonical] of ALL) {
      const found = queued.filter(({ change }) => change.field === key);
      expect(found.length, key).toBeGreaterThan(0);
      const last = found[found.length - 1]!;
      // The requested IBAN is kept sealed and shown masked in the queue (issue #12).
      expect(last.change.newValue, `${key} « ${typed} »`).toBe(key === 'bank.iban' ? maskIban(canonical) : canonical);
      expect(last.row).toMatchObject({ kind: 'data_change', familyId, conflicts: [] });
    }

    // Accepted in the order they were sent: every field is in the office's record, audited.
    const decided = await office.value('requests.decide', { itemIds: queue.map((row) => row.itemId).sort((a, b) => a - b), decision: 'accept', refusalReason: null });
    expect(decided).toMatchObject({ accepted: ALL.length, refused: 0, skipped: [] });
    const file = await office.value('families.get', { id: familyId });
    for (const [key, , , stored] of CHANGES) {
      const [section, name] = key.split('.') as [string, string];
      // The IBAN leaves the office masked, for every role (issue #12): the stored value is the one masked here.
      const shown = key === 'bank.iban' ? maskIban(String(stored)) : stored;
      expect((file.data as unknown as Record<string, Record<string, unknown>>)[section]![name], key).toEqual(shown);
    }
    const child = await office.value('children.get', { id: childId });
    for (const [key, , , stored] of CHILD_CHANGES) {
      const [section, name] = key.split('.') as [string, string];
      expect((child.data as unknown as Record<string, Record<string, unknown>>)[section]![name], key).toEqual(stored);
    }
    const audit = await office.value('audit.forFamily', { familyId });
    expect(audit.some((entry) => entry.field === 'Responsable 2 · Téléphone mobile' && entry.newValue === '07 11 22 33 24')).toBe(true);
    // Days in the history read the French way.
    const qfValidity = audit.filter((entry) => entry.field === 'CAF · Validité du QF').map((entry) => [entry.oldValue, entry.newValue]);
    expect(qfValidity).toContainEqual(['31/12/2026', '31/12/2027']);

    // Republished: the family sees its new data, shown the French way.
    expect((await office.value('sync.now', {})).lastError).toBeNull();
    const row = await portal.db.selectFrom('publications').select('data').where('family_id', '=', familyId).executeTakeFirstOrThrow();
    const published = familyPublicationSchema.parse(JSON.parse(row.data));
    expect(published.account.fiscal).toEqual({ rfrCents: 3_245_050, partsX100: 350, year: 2024 });
    expect(published.account.bank).toEqual({ holder: 'Hélène et Paul Martin', ibanMasked: 'FR76 •••• •••• •••• •••• •••• 189', bic: 'AGRIFRPP' });
    expect(published.requests.every((request) => request.items.every((item) => item.status === 'accepted'))).toBe(true);
    // Each decision mail names what was changed (by label: a mail never carries the IBAN).
    const mails = await portal.db.selectFrom('email_outbox').select(['subject', 'text_body']).execute();
    expect(mails).toHaveLength(ALL.length);
    expect(mails.map((mail) => mail.text_body)).toContainEqual(expect.stringContaining('- Coordonnées bancaires · IBAN, Coordonnées bancaires · Titulaire du compte : acceptée'));
    expect(mails.map((mail) => mail.text_body)).toContainEqual(expect.stringContaining('- Données fiscales · Revenu fiscal de référence : acceptée'));
    expect(mails.some((mail) => mail.text_body.includes('Votre demande :') || mail.text_body.includes('0112 3456'))).toBe(false);
    // The responsable's new e-mail is now the login: the family logs in with it.
    const again = new HttpFamily(portal.url);
    await again.get('/connexion');
    expect((await again.post('/connexion', { email: 'r1.nouveau@example.org', password: PASSWORD })).status).toBe(303);
    const account = await again.get('/mon-compte');
    for (const shown of ['32\u00a0450,50\u00a0€', '3,5', '31/12/2027', 'Pacsé(e)', 'MSA', '07 11 22 33 14', 'Hélène et Paul Martin']) expect(account.body).toContain(shown);
    expect(account.body).not.toContain('🚧 Modification demandée');
    const children = await again.get('/mes-enfants');
    for (const shown of ['Végétarien', 'Arachide, kiwi', 'Dr Favre', 'Sortie seule autorisée : Oui', 'Droit à l&#39;image : Non']) expect(children.body).toContain(shown);
    expect(children.body).not.toContain('🚧 Modification demandée');
  });

  it('refuses to empty the account holder while an IBAN is on file, as the office would, and records nothing', async () => {
    await office.value('families.update', {
      id: familyId,
      patch: { bank: { holder: 'Hélène Martin', iban: 'FR76 3000 6000 0112 3456 7890 189', bic: '' } },
    });
    const family = await loggedInFamily();
    await family.get('/mon-compte');
    const page = await family.post('/mon-compte/modification', { field: 'bank.holder', value: '' });
    expect(page.status).toBe(400);
    const message = 'Titulaire du compte : Le titulaire du compte est obligatoire tant qu’un IBAN est enregistré.';
    expect(page.body).toContain(`<p class="error" id="banque-erreur">${message}`);
    expect(await portalRequests()).toEqual([]);
    // Another holder's name is a change like any other.
    await family.get('/mon-compte');
    expect((await family.post('/mon-compte/modification', { field: 'bank.holder', value: 'Paul Martin' })).status).toBe(303);
    expect(await portalRequests()).toHaveLength(1);
  });

  it('refuses a bad value next to its field, in French, and records nothing', async () => {
    const family = await loggedInFamily();
    const cases: Array<[ChangeFieldKey, string, string]> = [
      ['caf.qfValidUntil', '31/02/2027', 'Quotient valable jusqu’au : Le 31/02/2027 n’existe pas dans le calendrier.'],
      ['fiscal.rfrCents', 'beaucoup', 'Revenu fiscal de référence : Montant invalide : écrivez par exemple 1 234,56.'],
      ['fiscal.partsX100', '2,3', 'Nombre de parts : Le nombre de parts va par quarts (ex. 2,5).'],
      ['bank.iban', 'FR76 3000 6000 0112 3456 7890 188', 'IBAN : '],
      ['responsable1.email', 'helene@', 'Adresse e-mail : Adresse e-mail invalide.'],
      ['responsable1.nom', '', 'Nom : Le nom est obligatoire.'],
      ['responsable1.telMobile', '06 12 34 56 78', 'Téléphone mobile : c’est déjà la valeur enregistrée.'],
    ];
    for (const [key, typed, message] of cases) {
      await family.get('/mon-compte');
      const section = SECTION_OF[key.split('.')[0]!]!;
      const page = await family.post('/mon-compte/modification', { field: key, value: typed });
      expect(page.status, key).toBe(400);
      expect(page.body).toContain(`Demande non envoyée : ${message}`);
      expect(page.body).toContain(`<p class="error" id="${section}-erreur">${message}`);
      expect(page.body).toMatch(new RegExp(`<input id="${section}-valeur" [^>]*aria-invalid="true" aria-describedby="[^"]*${section}-erreur"`));
      expect(page.body).toContain(`<input type="hidden" name="field" value="${key}">`);
    }
    await family.get('/mes-enfants');
    const child = await family.post(`/mes-enfants/${childId}/modification`, { field: 'health.paiEnd', value: '31/06/2027' });
    expect(child.status).toBe(400);
    expect(child.body).toContain(`<p class="error" id="modification-${childId}-erreur">Fin du PAI : Le 31/06/2027 n’existe pas dans le calendrier.`);
    await family.get('/mes-enfants');
    expect((await family.post(`/mes-enfants/${childId}/modification`, { field: 'responsable1.nom', value: 'Dupont' })).status).toBe(400);
    expect((await family.post(`/mes-enfants/999999/modification`, { field: 'health.allergies', value: 'Kiwi' })).status).toBe(404);
    expect(await portalRequests()).toEqual([]);
  });
});
