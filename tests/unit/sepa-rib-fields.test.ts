import { describe, expect, it } from 'vitest';
import { extractRibFields, ibanShape, repairedBic, repairedReadings, type ScanWord } from '../../src/office/sepa/scan/rib-fields.js';
import { ibanFromRib, ibanProblem, ribKey } from '../../src/shared/validation/bank.js';

/**
 * The RIB's fields found in words with their boxes (src/office/sepa/scan/rib-fields.ts), on pages written here word by
 * word: a line is a y position and words at x positions (fractions of the page), 0.02 high, 0.01 wide a letter.
 */

type Placed = [x: number, text: string];

function page(lines: [y: number, ...words: Placed[]][], options: { confidence?: number; ocrLines?: boolean } = {}): ScanWord[] {
  const words: ScanWord[] = [];
  lines.forEach(([y, ...placed], lineIndex) => {
    for (const [x, text] of placed) {
      let at = x;
      for (const word of text.split(' ')) {
        words.push({
          text: word,
          page: 0,
          x: at,
          y,
          width: word.length * 0.01,
          height: 0.02,
          confidence: options.confidence ?? 90,
          ...(options.ocrLines ? { line: `0.0.${lineIndex}` } : {}),
        });
        at += (word.length + 1) * 0.01;
      }
    }
  });
  return words;
}

const EXAMPLE_IBAN = 'FR7630006000011234567890189';

function ribPage(iban: string, table: string[], extra: [y: number, ...words: Placed[]][] = []): ScanWord[] {
  const grouped = iban.replace(/(.{4})(?=.)/g, '$1 ');
  return page([
    [0.05, [0.05, "RELEVÉ D'IDENTITÉ BANCAIRE"]],
    [0.15, [0.05, 'Titulaire du compte'], [0.6, 'Domiciliation']],
    [0.18, [0.05, 'MME HÉLÈNE LEFÈVRE'], [0.6, 'CREDIT AGRICOLE DES SAVOIE']],
    [0.21, [0.05, '12 CHEMIN DES GRANGES'], [0.6, 'ANNECY']],
    [0.3, [0.05, 'Code banque'], [0.2, 'Code guichet'], [0.35, 'Numéro de compte'], [0.6, 'Clé RIB']],
    [0.33, [0.05, table[0] as string], [0.2, table[1] as string], [0.35, table[2] as string], [0.6, table[3] as string]],
    [0.45, [0.05, `IBAN ${grouped}`]],
    [0.5, [0.05, 'BIC AGRIFRPP']],
    ...extra,
  ]);
}

describe('ibanShape', () => {
  it("follows the country's BBAN pattern: France's account may hold letters, Germany's is digits only", () => {
    const fr = ibanShape('FR');
    expect(fr).toHaveLength(27);
    expect(fr?.slice(0, 14).every((kind, index) => (index < 2 ? kind === 'letter' : kind === 'digit'))).toBe(true);
    expect(new Set(fr?.slice(14, 25))).toEqual(new Set(['alnum']));
    expect(ibanShape('DE')?.slice(2).every((kind) => kind === 'digit')).toBe(true);
    expect(ibanShape('ZZ')).toBeNull();
  });
});

describe('repairedReadings', () => {
  it('turns O, I, S, B read where a digit stands into 0, 1, 5, 8, and refuses a letter it cannot mistake for one', () => {
    const shape = ibanShape('FR')!;
    expect(repairedReadings('FR76 3000'.replace(' ', '') + '6000011234567890189', shape)).toContain(EXAMPLE_IBAN);
    // B in the bank code and S in the key are digits; the I closing the account may be a letter there, tried both ways.
    expect(repairedReadings('FR763000B000011234567890I8S', shape)).toEqual(['FR7630008000011234567890I85', 'FR7630008000011234567890185']);
    expect(repairedReadings('FR76X0006000011234567890189', shape)).toBeNull();
  });

  it('tries both readings of an ambiguous letter in the account and keeps the printed one first', () => {
    const readings = repairedReadings('FR76300060000112345678O0189', ibanShape('FR')!);
    expect(readings).toEqual(['FR76300060000112345678O0189', 'FR7630006000011234567800189']);
  });
});

describe('extractRibFields', () => {
  it('reads every field of a clean RIB, with the boxes it was read from', () => {
    const fields = extractRibFields(ribPage(EXAMPLE_IBAN, ['30006', '00001', '12345678901', '89']));
    expect(fields.iban?.value).toBe(EXAMPLE_IBAN);
    expect(fields.bic?.value).toBe('AGRIFRPP');
    expect(fields.holder?.value).toBe('MME HÉLÈNE LEFÈVRE');
    expect(fields.bankName?.value).toBe('CREDIT AGRICOLE DES SAVOIE ANNECY');
    expect([fields.banque?.value, fields.guichet?.value, fields.compte?.value, fields.cle?.value]).toEqual(['30006', '00001', '12345678901', '89']);
    // The IBAN starts after « IBAN » (5 letters at 0.01 from 0.05) and spans its 7 groups on the line at y 0.45.
    const box = fields.iban?.boxes[0];
    expect(box?.page).toBe(0);
    expect(box?.x).toBeCloseTo(0.1, 3);
    expect(box?.y).toBeCloseTo(0.45, 3);
    expect(box?.width).toBeCloseTo(0.33, 3);
    expect(fields.cle?.boxes[0]?.x).toBeCloseTo(0.6, 3);
    expect(fields.holder?.boxes[0]?.y).toBeCloseTo(0.18, 3);
    expect(fields.iban?.confidence).toBe(90);
  });

  it('repairs OCR confusions where digits stand and prefers the reading whose mod 97 holds', () => {
    const fields = extractRibFields(ribPage('FR76 3OOO 6OOO O1I2 3456 7B9O 1B9'.replace(/ /g, ''), ['3OOO6', 'OOOO1', 'I2345678901', 'B9']));
    expect(fields.iban?.value).toBe(EXAMPLE_IBAN);
    expect(ibanProblem(fields.iban!.value)).toBeNull();
    expect(fields.compte?.value).toBe('12345678901');
    expect(fields.cle?.value).toBe('89');
  });

  it('keeps a letter the account really holds (La Banque Postale) and a digit wrongly printed stays wrong', () => {
    const rib = { banque: '20041', guichet: '01007', compte: '0421563K038', cle: ribKey('20041', '01007', '0421563K038') };
    const iban = ibanFromRib(rib);
    expect(extractRibFields(ribPage(iban, [rib.banque, rib.guichet, rib.compte, rib.cle])).iban?.value).toBe(iban);
    const typo = `${EXAMPLE_IBAN.slice(0, 15)}3${EXAMPLE_IBAN.slice(16)}`;
    const read = extractRibFields(ribPage(typo, ['30006', '00001', '12345678901', '89']));
    expect(read.iban?.value).toBe(typo);
    expect(ibanProblem(read.iban!.value)).not.toBeNull();
  });

  it('takes the RIB parts from a valid IBAN when the table was misread', () => {
    const fields = extractRibFields(ribPage(EXAMPLE_IBAN, ['30006', '00001', '112345678901', '89']));
    expect([fields.banque?.value, fields.guichet?.value, fields.compte?.value, fields.cle?.value]).toEqual(['30006', '00001', '12345678901', '89']);
    // Located on the IBAN's own characters: « 3000 6 » after « IBAN FR76 ».
    expect(fields.banque?.boxes[0]?.y).toBeCloseTo(0.45, 3);
  });

  it('reads OCR lines even when a skewed scan makes them climb, and cuts the two columns apart', () => {
    const words = ribPage(EXAMPLE_IBAN, ['30006', '00001', '12345678901', '89']).map((word, index) => ({ ...word, y: word.y - word.x * 0.05, line: undefined as string | undefined, index }));
    // Group the words by their original line, as tesseract reports them, while their boxes climb to the right.
    const byY = [...new Set(ribPage(EXAMPLE_IBAN, ['30006', '00001', '12345678901', '89']).map((word) => word.y))];
    const tagged = words.map((word) => {
      const original = byY.findIndex((y) => Math.abs(y - (word.y + word.x * 0.05)) < 1e-9);
      return { ...word, line: `0.0.${original}` };
    });
    const fields = extractRibFields(tagged);
    expect(fields.iban?.value).toBe(EXAMPLE_IBAN);
    expect(fields.holder?.value).toBe('MME HÉLÈNE LEFÈVRE');
    expect(fields.bankName?.value).toBe('CREDIT AGRICOLE DES SAVOIE ANNECY');
    expect(fields.compte?.value).toBe('12345678901');
  });

  it('reads labels followed by their value on the same line, and a BIC printed in parts', () => {
    const fields = extractRibFields(
      page([
        [0.1, [0.05, 'Titulaire : M. JEAN DUPONT']],
        [0.2, [0.05, 'Domiciliation : BNP PARIBAS ANNECY']],
        [0.3, [0.05, `IBAN : ${EXAMPLE_IBAN}`]],
        [0.4, [0.05, 'BIC : BNPA FR PP XXX']],
      ]),
    );
    expect(fields.holder?.value).toBe('M. JEAN DUPONT');
    expect(fields.bankName?.value).toBe('BNP PARIBAS ANNECY');
    expect(fields.iban?.value).toBe(EXAMPLE_IBAN);
    expect(fields.bic?.value).toBe('BNPAFRPPXXX');
  });

  it('joins a holder wrapped at a hyphen, and stops at the address after the holder', () => {
    const fields = extractRibFields(
      page([
        [0.1, [0.05, 'Titulaire du compte']],
        [0.13, [0.05, 'M. OU MME JÉRÔME LEFÈVRE-']],
        [0.16, [0.05, 'DUPRÉ']],
        [0.19, [0.05, '12 CHEMIN DES GRANGES']],
      ]),
    );
    expect(fields.holder?.value).toBe('M. OU MME JÉRÔME LEFÈVRE-DUPRÉ');
    expect(fields.holder?.boxes).toHaveLength(2);
  });

  it('finds nothing in a letter, and takes no unlabelled word for a BIC without an IBAN', () => {
    const fields = extractRibFields(
      page([
        [0.1, [0.05, 'Mairie de Épagny Metz-Tessy']],
        [0.2, [0.05, 'Objet : INSCRIPTIONS 2026-2027']],
        [0.3, [0.05, 'Madame, Monsieur, nous vous confirmons BONJOURS FRANCAIS']],
      ]),
    );
    expect(fields).toEqual({});
  });
});

describe('repairedBic', () => {
  it('turns digits read among the first six letters back into letters, and refuses a shape that is not a BIC', () => {
    expect(repairedBic('AGR1FRPP')).toBe('AGRIFRPP');
    expect(repairedBic('PSST FRPP LYO')).toBe('PSSTFRPPLYO');
    expect(repairedBic('AGRIFRP')).toBeNull();
    expect(repairedBic('12345678')).toBeNull();
  });
});
