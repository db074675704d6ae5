import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import type { Download } from '@playwright/test';
import { expect } from './bridge.js';

/** Spaces of any kind as one ordinary space: pdftotext gives the no-break spaces of amounts back as plain ones. */
export const plainSpaces = (text: string): string => text.replace(/[\s\u00a0\u202f]+/g, ' ');

/** A downloaded PDF's text, read back with pdftotext (the file checked to be a PDF first). */
export async function pdfText(download: Download): Promise<string> {
  const file = await download.path();
  expect(fs.readFileSync(file).subarray(0, 5).toString('latin1')).toBe('%PDF-');
  return plainSpaces(execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }));
}
