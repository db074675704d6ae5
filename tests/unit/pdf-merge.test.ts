import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderPdf } from '../../src/server/pdfmake.js';
import { mergePdfs, readPdf, splitPdf } from '../../src/server/pdf-merge.js';

/**
 * The merger reads real PDFs written by pdfkit (through pdfmake, as the invoices are) and its output is read back by
 * poppler (pdfinfo, pdftotext) and, when installed, checked by qpdf.
 */

let dir = '';
let n = 0;

function file(bytes: Buffer): string {
  const out = path.join(dir, `pdf-${++n}.pdf`);
  fs.writeFileSync(out, bytes);
  return out;
}

/** Poppler's reading: page count and text, and whatever it complained about on stderr (must stay empty). */
function read(bytes: Buffer): { pages: number; text: string; complaints: string } {
  const pdf = file(bytes);
  const info = spawnSync('pdfinfo', [pdf], { encoding: 'utf8' });
  const text = spawnSync('pdftotext', [pdf, '-'], { encoding: 'utf8' });
  return {
    pages: Number(/^Pages:\s+(\d+)/m.exec(info.stdout)?.[1]),
    text: text.stdout.replace(/\s+/g, ' '),
    complaints: `${info.stderr}${text.stderr}`,
  };
}

const hasQpdf = spawnSync('qpdf', ['--version']).status === 0;

function qpdfCheck(bytes: Buffer): void {
  if (!hasQpdf) return;
  const check = spawnSync('qpdf', ['--check', file(bytes)], { encoding: 'utf8' });
  expect(check.status, check.stdout + check.stderr).toBe(0);
}

/** A pdfmake document of `pages` pages, each saying which document and page it is. */
function document(name: string, pages: number): Promise<Buffer> {
  return renderPdf({
    info: { title: `Document ${name}` },
    content: Array.from({ length: pages }, (_, i) => ({
      text: `Document ${name} page ${i + 1}`,
      pageBreak: i > 0 ? ('before' as const) : undefined,
    })),
  });
}

/**
 * A hand-written PDF in pdfkit's layout whose page carries strings looking like references and whose content stream
 * prints one: none of them may be renumbered.
 */
function handWritten(): Buffer {
  const content = 'BT /F1 12 Tf 72 700 Td (Hello 1 0 R and 2 0 R) Tj ET';
  const objects = [
    '<<\n/Type /Catalog\n/Pages 2 0 R\n>>',
    '<<\n/Type /Pages\n/Count 1\n/Kids [3 0 R]\n>>',
    '<<\n/Type /Page\n/Parent 2 0 R\n/MediaBox [0 0 300 800]\n/Contents 4 0 R\n/Resources <<\n/Font <<\n/F1 5 0 R\n>>\n>>\n' +
      '/Note (a string: 4 0 R \\) \\(5 0 R\\) (nested 1 0 R) endobj)\n/Hex <31203020 52>\n>>',
    `<<\n/Length ${content.length}\n>>\nstream\n${content}\nendstream`,
    '<<\n/Type /Font\n/Subtype /Type1\n/BaseFont /Helvetica\n>>',
  ];
  let out = '%PDF-1.3\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) out += `${String(offset).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<<\n/Size ${objects.length + 1}\n/Root 1 0 R\n>>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

let a: Buffer;
let b: Buffer;
let c: Buffer;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grenette-pdf-merge-'));
  [a, b, c] = await Promise.all([document('A', 1), document('B', 2), document('C', 3)]);
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('mergePdfs', () => {
  it('puts every page of every PDF in one PDF, in order, readable by poppler', () => {
    const merged = mergePdfs([a, b, c], { title: 'Factures de novembre 2026', author: 'Commune d’Epagny', creator: 'Grenette' });
    const { pages, text, complaints } = read(merged);
    expect(complaints).toBe('');
    expect(pages).toBe(1 + 2 + 3);
    const order = ['A page 1', 'B page 1', 'B page 2', 'C page 1', 'C page 2', 'C page 3'].map((t) => text.indexOf(`Document ${t}`));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((x, y) => x - y)).toEqual(order);
    const info = execFileSync('pdfinfo', [file(merged)], { encoding: 'utf8' });
    expect(info).toMatch(/^Title:\s+Factures de novembre 2026$/m);
    expect(info).toMatch(/^Author:\s+Commune d’Epagny$/m);
    qpdfCheck(merged);
  });

  it('reads its own output again (a merge of merges)', () => {
    const twice = mergePdfs([mergePdfs([a, b]), c]);
    expect(read(twice).pages).toBe(6);
    expect(readPdf(twice).pages).toHaveLength(6);
    qpdfCheck(twice);
  });

  it('keeps one copy of what two inputs share (the same fonts), never of a page', () => {
    const one = read(a);
    const twice = mergePdfs([a, a]);
    const read2 = read(twice);
    expect(read2.pages).toBe(2);
    expect(read2.text.split('Document A page 1')).toHaveLength(3);
    expect(twice.length).toBeLessThan(a.length * 1.2);
    expect(one.pages).toBe(1);
    // Two pages, each its own object in the page tree.
    expect(new Set(readPdf(twice).pages).size).toBe(2);
    qpdfCheck(twice);
  });

  it('renumbers references only outside strings and stream data', () => {
    const merged = mergePdfs([a, handWritten()]);
    const text = merged.toString('latin1');
    expect(text).toContain('/Note (a string: 4 0 R \\) \\(5 0 R\\) (nested 1 0 R) endobj)');
    expect(text).toContain('/Hex <31203020 52>');
    expect(text).toContain('(Hello 1 0 R and 2 0 R) Tj');
    const { pages, text: printed, complaints } = read(merged);
    expect(complaints).toBe('');
    expect(pages).toBe(2);
    expect(printed).toContain('Hello 1 0 R and 2 0 R');
    // The hand-written page's font is a copied object whose number moved, and is still the one its page uses.
    const file = readPdf(merged);
    const page = file.objects.get(file.pages[1] as number)!.value;
    const font = /\/F1 (\d+) 0 R/.exec(page)?.[1];
    expect(font).not.toBe('5');
    expect(file.objects.get(Number(font))?.value).toContain('/BaseFont /Helvetica');
  });

  it('refuses what is not pdfkit-style output, saying why', () => {
    expect(() => mergePdfs([])).toThrow(/no PDF/);
    expect(() => readPdf(Buffer.from('not a pdf'))).toThrow(/no %PDF header/);
    const text = handWritten().toString('latin1');
    // A cross-reference stream (PDF 1.5 object streams) instead of a classic table.
    const xrefAt = Number(/startxref\n(\d+)/.exec(text)![1]);
    const noTable = `${text.slice(0, xrefAt)}9 0 obj\n<<\n/Type /XRef\n>>\nendobj\n${text.slice(xrefAt).replace(/^xref/, 'xrex')}`;
    expect(() => readPdf(Buffer.from(noTable, 'latin1'))).toThrow(/no classic xref/);
    // An indirect stream length.
    const indirect = text.replace(/\/Length \d+/, '/Length 6 0 R');
    expect(() => readPdf(fixXref(indirect))).toThrow(/not a direct number/);
    // A wrong stream length.
    const wrong = text.replace(/\/Length (\d+)/, (_, length: string) => `/Length ${Number(length) - 3}`);
    expect(() => readPdf(fixXref(wrong))).toThrow(/not \/Length bytes long/);
    // An object not where the table says.
    const rows = text.slice(xrefAt).split('\n');
    rows[4] = rows[5] as string; // object 2's entry pointing at object 3
    expect(() => readPdf(Buffer.from(text.slice(0, xrefAt) + rows.join('\n'), 'latin1'))).toThrow(/object 2 is not at offset/);
    // A page tree passing resources down to its pages.
    const inherited = text.replace('/Type /Pages\n', '/Type /Pages\n/Resources <<\n>>\n');
    expect(() => readPdf(fixXref(inherited))).toThrow(/passes \/Resources down/);
    // An incremental update.
    expect(() => readPdf(Buffer.from(text.replace('/Root 1 0 R', '/Root 1 0 R\n/Prev 9'), 'latin1'))).toThrow(/incrementally updated/);
  });
});

/** The hand-written PDF's xref rebuilt after an edit moved its objects. */
function fixXref(text: string): Buffer {
  const body = text.slice(0, text.indexOf('xref\n'));
  const offsets = [...body.matchAll(/^(\d+) 0 obj$/gm)].map((match) => match.index);
  let out = `${body}xref\n0 ${offsets.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) out += `${String(offset).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<<\n/Size ${offsets.length + 1}\n/Root 1 0 R\n>>\nstartxref\n${body.length}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

describe('splitPdf', () => {
  it('cuts a PDF into PDFs of the pages asked, each carrying only what its pages use', () => {
    const whole = mergePdfs([a, b, c]);
    const [first, middle, last] = splitPdf(whole, [{ pages: [0] }, { pages: [1, 2], info: { title: 'Document B' } }, { pages: [5, 3] }]);
    expect(read(first!).text.trim()).toBe('Document A page 1');
    const second = read(middle!);
    expect(second.pages).toBe(2);
    expect(second.text).toMatch(/Document B page 1 .*Document B page 2/);
    expect(second.text).not.toContain('Document A');
    expect(execFileSync('pdfinfo', [file(middle!)], { encoding: 'utf8' })).toMatch(/^Title:\s+Document B$/m);
    // Pages in the order asked.
    expect(read(last!).text).toMatch(/Document C page 3 .*Document C page 1/);
    // No object beyond what its pages reach: a one-page piece has fewer objects than the whole.
    expect(readPdf(first!).objects.size).toBeLessThan(readPdf(whole).objects.size);
    expect(() => splitPdf(whole, [{ pages: [6] }])).toThrow(/page 7 asked of a PDF of 6 pages/);
    for (const piece of [first!, middle!, last!]) qpdfCheck(piece);
  });
});
