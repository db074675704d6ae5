import { describe, expect, it } from 'vitest';
import { CSV_BOM, toCsv, type CsvColumn } from '../../src/shared/export/csv.js';

interface Row {
  nom: string;
  qf: number | null;
  rfr: number;
  parts: number;
  naissance: string;
  resident: boolean;
}

const columns: CsvColumn<Row>[] = [
  { header: 'Nom', value: (row) => row.nom },
  { header: 'QF', value: (row) => row.qf, kind: 'number' },
  { header: 'Revenu (€)', value: (row) => row.rfr, kind: 'cents' },
  { header: 'Parts', value: (row) => row.parts, kind: 'number' },
  { header: 'Naissance', value: (row) => row.naissance, kind: 'day' },
  { header: 'Résident', value: (row) => row.resident },
];

const row: Row = { nom: 'Lefèvre', qf: 850, rfr: 3245050, parts: 2.5, naissance: '2017-03-09', resident: true };

describe('toCsv', () => {
  it('starts with the UTF-8 BOM, separates with semicolons and ends lines with CRLF', () => {
    const csv = toCsv(columns, [row]);
    expect(csv.startsWith(CSV_BOM)).toBe(true);
    expect(csv).toBe(`${CSV_BOM}Nom;QF;Revenu (€);Parts;Naissance;Résident\r\nLefèvre;850;32450,50;2,5;09/03/2017;Oui\r\n`);
  });

  it('quotes cells holding separators, quotes or line breaks and doubles inner quotes', () => {
    const csv = toCsv(columns.slice(0, 1), [{ ...row, nom: 'Dupont; "dit" Jean\nbis' }]);
    expect(csv.split('\r\n')[1]).toBe('"Dupont; ""dit"" Jean\nbis"');
  });

  it('leaves empty values empty and writes false as Non', () => {
    const csv = toCsv(columns, [{ ...row, qf: null, resident: false }]);
    expect(csv.split('\r\n')[1]).toBe('Lefèvre;;32450,50;2,5;09/03/2017;Non');
  });

  it('keeps Excel from running a cell as a formula but leaves phone numbers alone', () => {
    const csv = toCsv(columns.slice(0, 1), [{ ...row, nom: '=HYPERLINK("x")' }, { ...row, nom: '+33 6 12 34 56 78' }]);
    const lines = csv.split('\r\n');
    expect(lines[1]).toBe(`"'=HYPERLINK(""x"")"`);
    expect(lines[2]).toBe('+33 6 12 34 56 78');
  });

  it('writes negative amounts and odd cents correctly', () => {
    const csv = toCsv([{ header: 'Solde', value: (value: number) => value, kind: 'cents' as const }], [-1205, 7]);
    expect(csv.split('\r\n').slice(1, 3)).toEqual(['-12,05', '0,07']);
  });
});
