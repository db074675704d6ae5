import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { describe, expect, it } from 'vitest';
import { shellBuildOptions } from '../../scripts/build-shell.mjs';

describe('shell bundles', () => {
  it('build main and preload as CommonJS, with electron and better-sqlite3 left to the runtime', () => {
    const [main, preload] = shellBuildOptions(path.resolve('.'));
    expect(main).toMatchObject({ format: 'cjs', platform: 'node', bundle: true, sourcemap: true });
    expect(main?.outfile).toBe(path.resolve('dist/main/main.cjs'));
    expect(main?.external).toEqual(expect.arrayContaining(['electron', 'better-sqlite3']));
    expect(preload?.outfile).toBe(path.resolve('dist/preload/preload.cjs'));
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

    // Run it against a recording stand-in for electron: exactly one object with one function is exposed.
    const exposed: Record<string, unknown> = {};
    const invoked: unknown[][] = [];
    const fakeElectron = {
      contextBridge: { exposeInMainWorld: (key: string, value: unknown) => (exposed[key] = value) },
      ipcRenderer: { invoke: (...args: unknown[]) => (invoked.push(args), Promise.resolve({ ok: true, value: null })) },
    };
    new Function('require', code)((name: string) => (name === 'electron' ? fakeElectron : undefined));
    expect(Object.keys(exposed)).toEqual(['grenette']);
    const bridge = exposed.grenette as Record<string, (...args: unknown[]) => Promise<unknown>>;
    expect(Object.keys(bridge)).toEqual(['call']);
    await expect(bridge.call?.('auth.me', {})).resolves.toEqual({ ok: true, value: null });
    expect(invoked).toEqual([['grenette:office-call', 'auth.me', {}]]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
