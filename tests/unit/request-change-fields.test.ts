import { describe, expect, it } from 'vitest';
import {
  CHANGE_FIELD_KEYS,
  CHANGE_FIELDS,
  changeField,
  displayChangeValue,
  parseChangeValue,
  type ChangeFieldKey,
} from '../../src/shared/requests/change-fields.js';

/**
 * The one list of what a family may ask to change: every key parses the forms a person types (as the pages show
 * them) into one canonical text, refuses bad ones with a French message, and shows the canonical text back.
 */

const TODAY = '2026-11-30';
type Case = { good: Array<[typed: string, canonical: string, shown?: string]>; bad: Array<[typed: string, message: RegExp]> };

const name = (what: string): Case => ({
  good: [['  Dupont-Martin ', 'Dupont-Martin'], ["N'Diaye", "N'Diaye"]],
  bad: [['', new RegExp(`${what} est obligatoire`)], ['R2D2', /que des lettres/], ['x'.repeat(81), /80 caractères au plus/]],
});
const text = (max: number): Case => ({ good: [[' 3 rue des Prés ', '3 rue des Prés'], ['', '']], bad: [['x'.repeat(max + 1), new RegExp(`${max} caractères au plus`)]] });
const phone: Case = {
  good: [['0612345678', '+33612345678'], ['06.12.34.56.78', '+33612345678'], ['+41 22 123 45 67', '+41221234567'], ['', '']],
  bad: [['06 12', /Numéro de téléphone invalide/], ['appelez-moi', /Numéro de téléphone invalide/]],
};
const yesNo: Case = {
  good: [['oui', 'true', 'Oui'], ['Non', 'false', 'Non'], [' OUI ', 'true', 'Oui']],
  bad: [['peut-être', /Répondez « oui » ou « non »/], ['', /Répondez « oui » ou « non »/]],
};
const date = (what: RegExp | null): Case => ({
  good: [['31/12/2027', '2027-12-31', '31/12/2027'], ['1/2/2027', '2027-02-01', '01/02/2027'], ['2027-03-15', '2027-03-15', '15/03/2027'], ['', '', '']],
  bad: [
    ['31/02/2027', /Le 31\/02\/2027 n’existe pas dans le calendrier/],
    ['2027-02-31', /Le 31\/02\/2027 n’existe pas/],
    ['demain', /Date attendue au format jj\/mm\/aaaa/],
    ...(what ? [['12/2027', what] as [string, RegExp]] : []),
  ],
});
const responsable = (rank: 1 | 2): Record<string, Case> => ({
  [`responsable${rank}.civilite`]: { good: [['Madame', 'Mme', 'Mme'], ['M.', 'M.'], ['monsieur', 'M.'], ['', '', 'Non renseignée']], bad: [['Docteur', /Choisissez parmi : M\., Mme/]] },
  [`responsable${rank}.nom`]: name('Le nom'),
  [`responsable${rank}.prenom`]: name('Le prénom'),
  [`responsable${rank}.adresse`]: text(200),
  [`responsable${rank}.codePostal`]: { good: [['74 370', '74370'], ['', '']], bad: [['7437', /Le code postal compte 5 chiffres/], ['ABCDE', /5 chiffres/]] },
  [`responsable${rank}.ville`]: text(80),
  [`responsable${rank}.telMobile`]: phone,
  [`responsable${rank}.telFixe`]: phone,
  [`responsable${rank}.telPro`]: phone,
  [`responsable${rank}.email`]: { good: [[' claire.martin@example.fr ', 'claire.martin@example.fr'], ['', '']], bad: [['claire.martin@', /Adresse e-mail invalide/]] },
  [`responsable${rank}.profession`]: text(80),
  [`responsable${rank}.employeur`]: text(80),
});

type ResponsableKey = Extract<ChangeFieldKey, `responsable${string}`>;
const CASES: Record<ChangeFieldKey, Case> = {
  ...(responsable(1) as Record<ResponsableKey, Case>),
  ...(responsable(2) as Record<ResponsableKey, Case>),
  'household.situation': { good: [['Marié(e)', 'marie', 'Marié(e)'], ['pacsé', 'pacse', 'Pacsé(e)'], ['Vie maritale', 'concubinage'], ['veuf / veuve', 'veuf']], bad: [['compliquée', /Choisissez parmi : Marié\(e\), Pacsé\(e\)/]] },
  'household.resident': yesNo,
  'fiscal.rfrCents': {
    good: [['32 450,50 €', '3245050', '32\u00a0450,50\u00a0€'], ['32450.5', '3245050'], ['32\u00a0450', '3245000'], ['0', '0', '0,00\u00a0€'], ['', '', '']],
    bad: [['32 450,505', /Deux décimales au plus/], ['beaucoup', /Montant invalide/], ['-10', /Le revenu ne peut pas être négatif/]],
  },
  'fiscal.partsX100': {
    good: [['2,5', '250', '2,5'], ['3', '300', '3'], ['2.25', '225', '2,25'], ['', '', '']],
    bad: [['2,3', /Le nombre de parts va par quarts/], ['0,5', /au moins 1/], ['deux', /Nombre attendu, avec une virgule/]],
  },
  'fiscal.year': { good: [['2025', '2025'], ['', '']], bad: [['1999', /Année des revenus invalide/], ['2025,5', /Nombre entier attendu/]] },
  'caf.regime': { good: [['CAF', 'CAF', 'CAF'], ['msa', 'MSA'], ['Autre régime', 'AUTRE'], ['Régime général', 'CAF']], bad: [['RSI', /Choisissez parmi : CAF, MSA, Autre régime/]] },
  'caf.number': { good: [['123 45 67', '1234567'], ['', '']], bad: [['123456', /7 chiffres/]] },
  'caf.qf': { good: [['812', '812'], [' 1 250 ', '1250'], ['', '']], bad: [['812,5', /Nombre entier attendu/], ['200000', /100000|100 000/]] },
  'caf.qfValidUntil': date(/Date attendue/),
  'bank.holder': { good: [['Claire Martin', 'Claire Martin'], ['', '']], bad: [['x'.repeat(71), /70 caractères au plus/]] },
  'bank.iban': {
    good: [['fr76 3000 6000 0112 3456 7890 189', 'FR7630006000011234567890189', 'FR76 3000 6000 0112 3456 7890 189'], ['', '']],
    bad: [['FR76 3000 6000 0112 3456 7890 188', /chiffres de contrôle|clé RIB/], ['FR76 3000', /27 caractères/], ['1234', /deux lettres et deux chiffres/]],
  },
  'bank.bic': { good: [['agri fr pp', 'AGRIFRPP'], ['TRPUFRP1XXX', 'TRPUFRP1XXX'], ['', '']], bad: [['AGRI', /8 ou 11 caractères/]] },
  'identity.regime': { good: [['Sans porc', 'sans_porc', 'Sans porc'], ['végétarien', 'vegetarien']], bad: [['halal', /Choisissez parmi : Standard, Sans porc/]] },
  'identity.classe': { good: [['CE2', 'CE2'], ['cm1', 'CM1'], ['', '']], bad: [['6e', /Choisissez parmi/]] },
  'health.allergies': text(1000),
  'health.pai': yesNo,
  'health.paiEnd': date(null),
  'health.medecinNom': text(80),
  'health.medecinTel': phone,
  'authorisations.droitImage': yesNo,
  'authorisations.sortieSeule': yesNo,
  'authorisations.transport': yesNo,
  'authorisations.soinsUrgence': yesNo,
};

describe('the list of fields a family may change', () => {
  it('has one entry per key, each with its label, entity and format, the family’s 36 fields among them', () => {
    expect(new Set(CHANGE_FIELD_KEYS).size).toBe(CHANGE_FIELD_KEYS.length);
    expect([...CHANGE_FIELD_KEYS].sort()).toEqual(Object.keys(CASES).sort());
    expect(CHANGE_FIELDS.filter((f) => f.entity === 'family')).toHaveLength(36);
    for (const f of CHANGE_FIELDS) {
      expect(f.key, f.key).toBe(`${f.section}.${f.name}`);
      expect(f.label, f.key).not.toBe('');
      expect(f.entity, f.key).toBe(['identity', 'health', 'authorisations'].includes(f.section) ? 'child' : 'family');
    }
  });

  for (const [key, { good, bad }] of Object.entries(CASES)) {
    it(`${key}: parses the typed forms to canonical text and refuses bad ones in French`, () => {
      const f = changeField(key)!;
      for (const [typed, canonical, shown] of good) {
        expect(parseChangeValue(key, typed, TODAY), `${key} « ${typed} »`).toEqual({ ok: true, value: canonical });
        // The canonical text reads back, and typing what is shown gives the same value again.
        expect(f.format.read(canonical), key).not.toBeUndefined();
        if (shown !== undefined) expect(displayChangeValue(key, canonical)).toBe(shown);
        expect(parseChangeValue(key, displayChangeValue(key, canonical), TODAY), `${key} shown`).toEqual({ ok: true, value: canonical });
      }
      for (const [typed, message] of bad) {
        const parsed = parseChangeValue(key, typed, TODAY);
        expect(parsed.ok, `${key} « ${typed} »`).toBe(false);
        if (!parsed.ok) {
          expect(parsed.error).toMatch(message);
          expect(parsed.error).not.toMatch(/Invalid|expected|Required/);
        }
      }
    });
  }

  it('refuses a key that is not on the list, and a canonical text that is not canonical', () => {
    expect(parseChangeValue('bank.password', 'x', TODAY)).toEqual({ ok: false, error: 'Cette information ne peut pas être modifiée par une demande.' });
    expect(changeField('fiscal.rfrCents')!.format.read('32 450,50')).toBeUndefined();
    expect(changeField('caf.qfValidUntil')!.format.read('31/12/2027')).toBeUndefined();
    expect(changeField('caf.qfValidUntil')!.format.read('2027-02-31')).toBeUndefined();
    expect(changeField('household.resident')!.format.read('oui')).toBeUndefined();
    expect(changeField('bank.iban')!.format.read('FR76 3000 6000 0112 3456 7890 189')).toBeUndefined();
  });

  it('shows a masked IBAN as published', () => {
    expect(displayChangeValue('bank.iban', 'FR76 •••• •••• •••• •••• •••• 189')).toBe('FR76 •••• •••• •••• •••• •••• 189');
  });
});

describe('amounts typed and shown the French way (src/shared/money.ts)', () => {
  it('reads a typed income into cents and shows it back grouped', () => {
    expect(parseChangeValue('fiscal.rfrCents', '1 234,56 €', TODAY)).toEqual({ ok: true, value: '123456' });
    expect(parseChangeValue('fiscal.rfrCents', '1\u202f234,5', TODAY)).toEqual({ ok: true, value: '123450' });
    expect(displayChangeValue('fiscal.rfrCents', '100000000')).toBe('1\u00a0000\u00a0000,00\u00a0€');
  });
  it('refuses what is not an amount with the money module\'s French message', () => {
    const parsed = parseChangeValue('fiscal.rfrCents', '1,234,56', TODAY);
    expect(parsed.ok).toBe(false);
  });
});
