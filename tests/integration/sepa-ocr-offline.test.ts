import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { shellBuildOptions } from '../../scripts/build-shell.mjs';
import { EXAMPLE_RIB } from '../helpers/rib-scan.js';

/**
 * The RIB is read with no network at all: the French language data, tesseract's engine and pdfjs's files all come from
 * node_modules (what the app ships). The reading runs in a child process whose proxy variables point at a closed
 * port and, when the test runs as root (CI, the dev container), inside a network namespace of its own (`unshare -n`:
 * not even a loopback interface up), so any download would fail the read. It runs from the sources under tsx, and
 * bundled by esbuild with the office worker's own options (scripts/build-shell.mjs), as the app runs it: the packages'
 * files must be found from dist/ as well.
 */

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const child = path.join(repoRoot, 'tests', 'helpers', 'ocr-offline-child.ts');
const bundleDir = path.join(repoRoot, 'dist', 'test-ocr-offline');
const NOWHERE = 'http://127.0.0.1:9';

afterAll(() => fs.rmSync(bundleDir, { recursive: true, force: true }));

function canUnshare(): boolean {
  if (process.getuid?.() !== 0) return false;
  return spawnSync('unshare', ['-n', 'true']).status === 0;
}

function readOffline(node: string[]): unknown {
  const isolated = canUnshare();
  const [command, ...args] = isolated ? ['unshare', '-n', '--', ...node] : node;
  const run = spawnSync(command as string, args, {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, HTTP_PROXY: NOWHERE, HTTPS_PROXY: NOWHERE, http_proxy: NOWHERE, https_proxy: NOWHERE, NO_PROXY: '', no_proxy: '' },
  });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout.trim().split('\n').at(-1) as string);
}

const expected = {
  image: { method: 'ocr', iban: EXAMPLE_RIB.iban, bic: EXAMPLE_RIB.bic },
  pdf: { method: 'pdf_text', iban: EXAMPLE_RIB.iban, bic: EXAMPLE_RIB.bic },
};

describe('reading a RIB offline', () => {
  it.runIf(canUnshare())('the namespace used really has no way out', () => {
    const probe = spawnSync(
      'unshare',
      ['-n', '--', process.execPath, '-e', "require('net').connect(443, '1.1.1.1').on('error', (e) => { console.log(e.code); process.exit(0); })"],
      { encoding: 'utf8', timeout: 20_000 },
    );
    expect(probe.stdout.trim()).toBe('ENETUNREACH');
  });

  it('from the sources: the IBAN and the BIC of an image (OCR) and of a text PDF (pdfjs)', () => {
    expect(readOffline([process.execPath, '--import', 'tsx', child])).toEqual(expected);
  }, 150_000);

  it('bundled as the office worker is: the same', async () => {
    const worker = shellBuildOptions(repoRoot).find((options) => options.outfile?.endsWith('office-worker.cjs'));
    if (!worker) throw new Error('office worker build options not found');
    const outfile = path.join(bundleDir, 'ocr-offline-child.cjs');
    await esbuild.build({ ...worker, entryPoints: [child], outfile, sourcemap: false });
    expect(readOffline([process.execPath, outfile])).toEqual(expected);
  }, 150_000);
});
