import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { describe, expect, it } from 'vitest';
import { shellBuildOptions } from '../../scripts/build-shell.mjs';

describe('shell bundles', () => {
  it('build main, preload, the office worker and the invoice PDF thread as CommonJS, with electron and better-sqlite3 left to the runtime', () => {
    const [main, preload, worker] = shellBuildOptions(path.resolve('.'));
    expect(main).toMatchObject({ format: 'cjs', platform: 'node', bundle: true, sourcemap: true });
    expect(main?.outfile).toBe(path.resolve('dist/main/main.cjs'));
    expect(main?.external).toEqual(expect.arrayContaining(['electron', 'better-sqlite3']));
    expect(preload?.outfile).toBe(path.resolve('dist/preload/preload.cjs'));
    // Next to main.cjs, where main.ts starts it (dist/main/** is what electron-builder.yml packages).
    expect(worker).toMatchObject({ format: 'cjs', platform: 'node', bundle: true });
    expect(worker?.entryPoints).toEqual([path.resolve('src/office/worker/worker-entry.ts')]);
    expect(worker?.outfile).toBe(path.resolve('dist/main/office-worker.cjs'));
    expect(worker?.external).toEqual(expect.arrayContaining(['better-sqlite3']));
    // The PDF pool's thread, next to the office worker that starts it.
    const pdfThread = shellBuildOptions(path.resolve('.'))[3];
    expect(pdfThread).toMatchObject({ format: 'cjs', platform: 'node', bundle: true });
    expect(pdfThread?.entryPoints).toEqual([path.resolve('src/server/pdf-worker.ts')]);
    expect(pdfThread?.outfile).toBe(path.resolve('dist/main/pdf-worker.cjs'));
  });

  it("lets the office worker's bundle start the PDF thread from next to itself", async () => {
    const [, , worker] = shellBuildOptions(path.resolve('.'));
    const result = await esbuild.build({ ...worker, write: false, sourcemap: false, logLevel: 'error' });
    expect(result.outputFiles[0]?.text ?? '').toContain('pdf-worker.cjs');
  });

  it('leave the database to the worker: the main bundle never loads better-sqlite3', async () => {
    const [main] = shellBuildOptions(path.resolve('.'));
    const result = await esbuild.build({ ...main, write: false, sourcemap: false, logLevel: 'error' });
    const code = result.outputFiles[0]?.text ?? '';
    expect(code).toContain('office-worker.cjs');
    expect(code).not.toContain('require("better-sqlite3")');
  });

  it('produce a sandbox-ready preload that requires nothing but electron and exposes only window.grenette', async () => {
    const [, preload] = shellBuildOptions(path.resolve('.'));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grenette-preload-'));
    const outfile = path.join(dir, 'preload.cjs');
    await esbuild.build({ ...preload, outfile, sourcemap: false });
    const code = fs.readFileSync(outfile, 'utf8');
    const requires = [...code.matchAll(/require\("([^"]+)"\)/g)].map((match) => match[1]);
    expect(new Set(requires)).toEqual(new Set(['electron']));
    expect(code).toContain('exposeInMainWorld("grenette"');
    expect(code).toContain('grenette:office-call');
    expect(code).toContain('grenette:office-progress');

    // Run it against a recording stand-in for electron: exactly one object with one function is exposed.
    const exposed: Record<string, unknown> = {};
    const invoked: unknown[][] = [];
    const progressHandlers: ((event: unknown, message: unknown) => void)[] = [];
    const fakeElectron = {
      contextBridge: { exposeInMainWorld: (key: string, value: unknown) => (exposed[key] = value) },
      ipcRenderer: {
        invoke: (...args: unknown[]) => (invoked.push(args), Promise.resolve({ ok: true, value: null })),
        on: (channel: string, handler: (event: unknown, message: unknown) => void) => {
          expect(channel).toBe('grenette:office-progress');
          progressHandlers.push(handler);
        },
      },
    };
    new Function('require', code)((name: string) => (name === 'electron' ? fakeElectron : undefined));
    expect(Object.keys(exposed)).toEqual(['grenette']);
    const bridge = exposed.grenette as Record<string, (...args: unknown[]) => Promise<unknown>>;
    expect(Object.keys(bridge)).toEqual(['call']);
    await expect(bridge.call?.('auth.me', {})).resolves.toEqual({ ok: true, value: null });
    expect(invoked).toEqual([['grenette:office-call', 'auth.me', {}]]);
    expect(progressHandlers).toHaveLength(0);

    // A call that follows its progress carries an id; the progress tagged with it reaches that call's listener only.
    const heard: unknown[] = [];
    const printing = bridge.call?.('print.childSheets', { scope: { kind: 'child', childId: 1 } }, { onProgress: (p: unknown) => heard.push(p) });
    expect(invoked[1]).toEqual(['grenette:office-call', 'print.childSheets', { scope: { kind: 'child', childId: 1 } }, 1]);
    expect(progressHandlers).toHaveLength(1);
    progressHandlers[0]?.({}, { callId: 1, done: 0, total: 2, label: 'Mise en page des fiches' });
    progressHandlers[0]?.({}, { callId: 99, done: 1, total: 5, label: 'autre appel' });
    progressHandlers[0]?.({}, { callId: 1, done: 2, total: 2, label: 'Impression des fiches' });
    await printing;
    expect(heard).toEqual([
      { done: 0, total: 2, label: 'Mise en page des fiches' },
      { done: 2, total: 2, label: 'Impression des fiches' },
    ]);
    // Once the call is answered, late progress for it is dropped; a second call registers no second IPC listener.
    progressHandlers[0]?.({}, { callId: 1, done: 2, total: 2, label: 'Impression des fiches' });
    expect(heard).toHaveLength(2);
    await bridge.call?.('print.childSheets', { scope: { kind: 'child', childId: 1 } }, { onProgress: () => {} });
    expect(invoked[2]?.[3]).toBe(2);
    expect(progressHandlers).toHaveLength(1);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
