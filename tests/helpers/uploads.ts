import { createCanvas } from '@napi-rs/canvas';
import PDFDocument from 'pdfkit';

/**
 * Real files for upload tests: images drawn and encoded here (each colour gives other bytes), a PDF made by pdfkit,
 * and ways to spoil them as an attacker would (bytes around an image, active content in a PDF).
 */
export function pngImage(width = 40, height = 30, colour = '#c03020'): Buffer {
  const canvas = createCanvas(width, height);
  const g = canvas.getContext('2d');
  g.fillStyle = colour;
  g.fillRect(0, 0, width, height);
  g.fillStyle = '#ffffff';
  g.fillRect(0, 0, Math.ceil(width / 4), Math.ceil(height / 4));
  return canvas.toBuffer('image/png');
}

export function jpegImage(width = 40, height = 30, colour = '#2040c0'): Buffer {
  const canvas = createCanvas(width, height);
  const g = canvas.getContext('2d');
  g.fillStyle = colour;
  g.fillRect(0, 0, width, height);
  return canvas.toBuffer('image/jpeg', 90);
}

/** A one-page certificate; `catalogExtra` is written into the document's catalog (an /OpenAction, say). */
export function certificatePdf(catalogExtra = ''): Promise<Buffer<ArrayBuffer>> {
  return new Promise((resolve) => {
    const doc = new PDFDocument({ compress: false });
    const parts: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => parts.push(chunk));
    doc.on('end', () => {
      const pdf = Buffer.concat(parts) as Buffer<ArrayBuffer>;
      resolve(catalogExtra === '' ? pdf : Buffer.from(pdf.toString('latin1').replace('/Type /Catalog', `/Type /Catalog ${catalogExtra}`), 'latin1'));
    });
    doc.font('Helvetica').text('Certificat médical : Léo ne peut pas aller à la cantine du 7 au 11 décembre.');
    doc.end();
  });
}

export const HTML_BODY = Buffer.from('<html><body><script>alert(document.cookie)</script></body></html>');
