import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_RIB } from '../helpers/rib-scan.js';

/**
 * The RIB is read with no network at all: the French language data, tesseract's engine and pdfjs's files all come from
 * node_modules (what the app ships). The reading runs in a child process whose proxy variables point at a closed
 * port and, when the test runs as root (CI, the dev container), inside a network namespace of its own (`unshare -n`:
 * not even a loopback interface up), so any download would fail the read.
 */

const child = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'helpers', 'ocr-offline-child.ts');
const NOWHERE = 'http://127.0.0.1:9';

function canUnshare(): boolean {
  if (process.getuid?.() !== 0) return false;
  return spawnSync('unshare', ['-n', 'true']).status === 0;
}

describe('reading a RIB offline', () => {
  it('reads the IBAN and the BIC of an image (OCR) and of a text PDF (pdfjs) without any network', () => {
    const node = [process.execPath, '--import', 'tsx', child];
    const isolated = canUnshare();
    const [command, ...args] = isolated ? ['unshare', '-n', '--', ...node] : node;
    const run = spawnSync(command as string, args, {
      cwd: path.resolve(path.dirname(child), '..', '..'),
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, HTTP_PROXY: NOWHERE, HTTPS_PROXY: NOWHERE, http_proxy: NOWHERE, https_proxy: NOWHERE, NO_PROXY: '', no_proxy: '' },
    });
    expect(run.status, run.stderr).toBe(0);
    const line = run.stdout.trim().split('\n').at(-1) as string;
    expect(JSON.parse(line)).toEqual({
      image: { method: 'ocr', iban: EXAMPLE_RIB.iban, bic: EXAMPLE_RIB.bic },
      pdf: { method: 'pdf_text', iban: EXAMPLE_RIB.iban, bic: EXAMPLE_RIB.bic },
    });
    if (isolated) {
      // The namespace really has no way out: the same Node cannot even open a socket to a public address.
      const probe = spawnSync('unshare', ['-n', '--', process.execPath, '-e', "require('net').connect(443, '1.1.1.1').on('error', (e) => { console.log(e.code); process.exit(0); })"], { encoding: 'utf8', timeout: 20_000 });
      expect(probe.stdout.trim()).toBe('ENETUNREACH');
    }
  }, 150_000);
});
