import { closeOcr } from '../../src/office/sepa/scan/ocr.js';
import { readScan } from '../../src/office/sepa/scan/read-scan.js';
import { drawRibScan, EXAMPLE_RIB, ribTextPdf } from './rib-scan.js';

/**
 * Run by tests/integration/sepa-ocr-offline.test.ts in a process without network: reads a drawn RIB image (OCR) and a
 * text PDF of it (pdfjs) through the office's reading, and prints what was read as one JSON line.
 */

// No top-level await: the test also runs this file bundled by esbuild as CommonJS, like the office worker.
async function main(): Promise<void> {
  const png = drawRibScan(EXAMPLE_RIB, { dpi: 150, rotate: 2 });
  const image = await readScan(png, 'image/png');
  const pdf = await readScan(await ribTextPdf(EXAMPLE_RIB), 'application/pdf');
  await closeOcr();
  process.stdout.write(
    `${JSON.stringify({
      image: { method: image.method, iban: image.fields.iban?.value, bic: image.fields.bic?.value },
      pdf: { method: pdf.method, iban: pdf.fields.iban?.value, bic: pdf.fields.bic?.value },
    })}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
