import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { WorkerOptions } from 'node:worker_threads';

/**
 * How to start a worker thread on one of our entries, built or not. In the Electron app every entry is bundled
 * (scripts/build-shell.mjs) next to the bundle that starts it, so `builtName` is looked up beside the caller's own
 * file; under tsx (the dev bridge, tests, benchmarks) the TypeScript source is run instead, and as Node 20 does not
 * apply `--import tsx` to a worker's own entry, a one-line bootstrap registers tsx's loader in the worker first.
 *
 * `callerUrl` is the caller's import.meta.url (a bundle's is its .cjs file, see the banner of build-shell.mjs).
 */
export function threadEntry(callerUrl: string, sourcePath: string, builtName: string): { script: string | URL; options: WorkerOptions } {
  if (callerUrl.endsWith('.cjs')) return { script: new URL(`./${builtName}`, callerUrl), options: {} };
  return { script: tsxEntryScript(callerUrl, sourcePath), options: { eval: true } };
}

/**
 * A one-line program that registers tsx's loader, then imports the TypeScript module `sourcePath` (relative to
 * `callerUrl`): run by a worker thread (`eval: true`) or by a child process (`node -e`), which both start without
 * the loader the parent was given.
 */
export function tsxEntryScript(callerUrl: string, sourcePath: string): string {
  const require = createRequire(callerUrl);
  const tsxRoot = path.dirname(require.resolve('tsx/package.json'));
  const manifest = JSON.parse(fs.readFileSync(path.join(tsxRoot, 'package.json'), 'utf8')) as {
    exports: Record<string, { import: { default: string } }>;
  };
  const tsxApi = pathToFileURL(path.join(tsxRoot, manifest.exports['./esm/api']?.import.default ?? '')).href;
  const entry = new URL(sourcePath, callerUrl).href;
  return `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
}
