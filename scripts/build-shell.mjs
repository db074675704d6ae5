// Bundles the Electron main process, the preload, the office worker and the invoice PDF thread into CommonJS files under dist/
// (`npm run build:shell`).
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * esbuild options for the bundles, in this order: main, preload, office worker, invoice PDF thread, statement PDF thread. electron is provided by the
 * runtime; better-sqlite3 stays a real package so its native addon is found (and unpacked from the asar) at run time. The sources are ESM: code that reads
 * import.meta.url gets the bundle's own file URL through the banner, as CommonJS has no import.meta.
 */
export function shellBuildOptions(root = repoRoot) {
  const common = {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    sourcemap: true,
    // The RIB scan reading's packages (src/office/sepa/scan) stay real packages too: tesseract.js starts its worker
    // from its own folder, pdfjs-dist is an ES module that imports its worker file beside it, @napi-rs/canvas is native.
    external: ['electron', 'better-sqlite3', 'tesseract.js', 'pdfjs-dist', '@napi-rs/canvas', '@tesseract.js-data/fra'],
    logLevel: 'warning',
    absWorkingDir: root,
    banner: { js: "const __grenetteImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
    define: { 'import.meta.url': '__grenetteImportMetaUrl' },
  };
  return [
    {
      ...common,
      entryPoints: [path.join(root, 'src/main/main.ts')],
      outfile: path.join(root, 'dist/main/main.cjs'),
      target: ['node22'],
    },
    {
      ...common,
      // A sandboxed preload may require only 'electron' and a few polyfills: everything is inlined, no banner.
      banner: {},
      define: {},
      entryPoints: [path.join(root, 'src/preload/preload.ts')],
      outfile: path.join(root, 'dist/preload/preload.cjs'),
      target: ['chrome140', 'node22'],
      external: ['electron'],
    },
    {
      ...common,
      // The office core's thread, started by main.ts from next to main.cjs; it is the one that loads better-sqlite3
      // (the Electron build from .electron-native when main passes it on, as for the main process before).
      entryPoints: [path.join(root, 'src/office/worker/worker-entry.ts')],
      outfile: path.join(root, 'dist/main/office-worker.cjs'),
      target: ['node22'],
    },
    {
      ...common,
      // The PDF pool's threads (invoices, statements), started by the office worker from next to its own bundle
      // (src/server/pdf-pool.ts, src/server/thread-entry.ts).
      entryPoints: [path.join(root, 'src/server/pdf-worker.ts')],
      outfile: path.join(root, 'dist/main/pdf-worker.cjs'),
      target: ['node22'],
    },
  ];
}

export async function buildShell(root = repoRoot) {
  const results = await Promise.all(shellBuildOptions(root).map((options) => esbuild.build(options)));
  return results;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  buildShell().then(
    () => console.warn('Shell Electron construit : dist/main/main.cjs, dist/main/office-worker.cjs, dist/main/pdf-worker.cjs, dist/preload/preload.cjs'),
    (error) => {
      console.error('La construction du shell Electron a échoué :', error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
