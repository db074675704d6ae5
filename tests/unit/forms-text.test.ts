import { describe, expect, it } from 'vitest';
import { dayShapeFr, parseDayFr, typedDay } from '../../src/shared/calendar/format.js';
import { dateFormat } from '../../src/shared/requests/formats.js';
import { dayProblem, isoDay } from '../../src/shared/validation/fields.js';
import { familySchemas } from '../../src/shared/families/input.js';
import { draftToCaf } from '../../src/renderer/family/convert.js';
import { auditValueText, regimeLabel } from '../../src/renderer/lib/format.js';
import { eventAbsenceNote } from '../../src/renderer/settings/rules.js';

describe('a date typed in a form (issue 10, item 1)', () => {
  it('is read the French way, once for the office forms and the portal requests', () => {
    expect(parseDayFr('17/04/1986')).toBe('1986-04-17');
    expect(parseDayFr('7/5/1986')).toBe('1986-05-07');
    expect(parseDayFr('07.05.1986')).toBe('1986-05-07');
    expect(parseDayFr('07 05 1986')).toBe('1986-05-07');
    expect(parseDayFr('1986-05-07')).toBe('1986-05-07');
    expect(parseDayFr('31/02/2026')).toBeNull();
    expect(dayShapeFr('31/02/2026')).toBe('2026-02-31');
    expect(dayShapeFr('12/2026')).toBeNull();
    expect(dateFormat.parse('31/02/2026')).toEqual({ ok: false, error: 'Le 31/02/2026 n’existe pas dans le calendrier.' });
    expect(dateFormat.parse('7 5 1986')).toEqual({ ok: true, value: '1986-05-07' });
  });

  it('holds the typed text when it is not a real day, never an empty value that would erase the saved one', () => {
    expect(typedDay(' 17/04/1986 ')).toBe('1986-04-17');
    expect(typedDay('   ')).toBe('');
    expect(typedDay('31/02/2026')).toBe('31/02/2026');
    expect(typedDay('17/04')).toBe('17/04');
  });

  it('is refused with a French message by the shared checks, zod or not', () => {
    expect(dayProblem('31/02/2026', 'La date de fin')).toBe('La date de fin : date invalide (jj/mm/aaaa).');
    expect(dayProblem('', 'La date de fin')).toBeNull();
    expect(dayProblem('', 'La date de fin', 'Indiquez la date de fin.')).toBe('Indiquez la date de fin.');
    expect(dayProblem('2026-02-28', 'La date de fin')).toBeNull();
    expect(isoDay('La fin du PAI').safeParse('31/02/2026').error?.issues[0]?.message).toBe('La fin du PAI : date invalide (jj/mm/aaaa).');
    const responsable = familySchemas('2026-11-28').responsable.shape.dateNaissance;
    expect(responsable.safeParse('31/02/2026').error?.issues[0]?.message).toBe('La date de naissance : date invalide (jj/mm/aaaa).');
  });
});

describe('values shown to a person (issue 10, item 8)', () => {
  it('names régimes in French', () => {
    expect(regimeLabel('standard')).toBe('Standard');
    expect(regimeLabel('vegetarien')).toBe('Végétarien');
    expect(regimeLabel('sans_porc')).toBe('Sans porc');
    expect(regimeLabel('')).toBe('');
  });

  it('writes the history’s days jj/mm/aaaa, even those stored ISO by older entries', () => {
    expect(auditValueText('1986-04-17')).toBe('17/04/1986');
    expect(auditValueText(null)).toBe('—');
    expect(auditValueText('06 12 34 56 78')).toBe('06 12 34 56 78');
    expect(auditValueText('Réservé le 2026-12-01 à 10h')).toBe('Réservé le 2026-12-01 à 10h');
  });
});

describe('small wording (issue 10, item 11)', () => {
  it('counts children and days apart after a collective absence', () => {
    expect(eventAbsenceNote({ children: 19, days: 1 })).toBe('19 enfants marqués absents sur 1 jour.');
    expect(eventAbsenceNote({ children: 1, days: 3 })).toBe('1 enfant marqué absent sur 3 jours.');
    expect(eventAbsenceNote({ children: 0, days: 0 })).toBe('Aucun enfant attendu ces jours-là : aucune absence enregistrée.');
  });

  it('answers a negative QF with what is wrong with it', () => {
    const draft = { regime: 'CAF' as const, number: '', qfValidUntil: '' };
    expect(draftToCaf({ ...draft, qf: '-5' }, 'caf').errors).toEqual({ 'caf.qf': 'Le quotient familial ne peut pas être négatif.' });
    expect(draftToCaf({ ...draft, qf: '850,5' }, 'caf').errors).toEqual({ 'caf.qf': 'Le quotient familial est un nombre entier, sans virgule (ex. 850).' });
    expect(draftToCaf({ ...draft, qf: '1 250' }, 'caf')).toEqual({ value: { regime: 'CAF', number: '', qf: 1250, qfValidUntil: null }, errors: {} });
    // The office's own check says the same.
    expect(familySchemas('2026-11-28').caf.shape.qf.safeParse(-5).error?.issues[0]?.message).toBe('Le quotient familial ne peut pas être négatif.');
  });
});
