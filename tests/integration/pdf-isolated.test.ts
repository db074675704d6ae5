import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { isolatedPdfProblem } from '../../src/portal/uploads/pdf-isolated.js';
import { PDF_UNREADABLE_MESSAGE } from '../../src/shared/files/limits.js';
import { certificatePdf } from '../helpers/uploads.js';

/** A one-page PDF whose content stream is `content`, deflated (byte offsets written exactly). */
function pdfWithContent(content: Buffer): Buffer {
  const stream = zlib.deflateSync(content, { level: 9 });
  const parts: Buffer[] = [Buffer.from('%PDF-1.4\n')];
  const offsets: number[] = [];
  const object = (body: Buffer | string) => {
    offsets.push(parts.reduce((n, part) => n + part.length, 0));
    parts.push(Buffer.isBuffer(body) ? body : Buffer.from(body, 'latin1'));
  };
  object('1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n');
  object('2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n');
  object('3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >> endobj\n');
  object(Buffer.concat([Buffer.from(`4 0 obj << /Length ${stream.length} /Filter /FlateDecode >> stream\n`), stream, Buffer.from('\nendstream endobj\n')]));
  const xref = parts.reduce((n, part) => n + part.length, 0);
  parts.push(Buffer.from(`xref\n0 5\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}trailer << /Size 5 /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`));
  return Buffer.concat(parts);
}

describe('a certificate read by pdfjs in a process of its own (issue 13: the portal must survive any upload)', () => {
  it('passes a real certificate and a small hand-written page', async () => {
    expect(await isolatedPdfProblem(await certificatePdf())).toBeNull();
    expect(await isolatedPdfProblem(pdfWithContent(Buffer.from('0 0 m 10 10 l S\n')))).toBeNull();
  });

  it('answers « unreadable » in French for a page whose drawing inflates beyond the reading process’s memory, and the portal’s process lives on', async () => {
    // Some 40 million drawing operators, under a megabyte once deflated: read in the portal's own thread, their list
    // would fill its heap and end the process (a worker thread is not enough: V8 may abort the whole process when a
    // thread reaches its heap limit, which once ended the test run itself).
    const bomb = pdfWithContent(Buffer.from('0 0 m\n'.repeat(40_000_000)));
    expect(bomb.length).toBeLessThan(2 * 1024 * 1024);
    const before = process.memoryUsage().heapUsed;
    expect(await isolatedPdfProblem(bomb)).toBe(PDF_UNREADABLE_MESSAGE);
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(200 * 1024 * 1024);
  }, 120_000);
});
