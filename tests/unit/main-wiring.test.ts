import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shellBuildOptions } from '../../scripts/build-shell.mjs';
import { createStaffUser } from '../../src/office/auth/users.js';
import { openOfficeDatabase } from '../../src/office/db/open.js';

/*
 * Electron cannot run here, so the real main bundle (built from the sources like `npm run build:shell`) is executed
 * under Node against a recording stand-in for the electron module: this checks the wiring main.ts does with the pure
 * policies (window options, protocol, IPC sender check, guards, start-up errors, closing on quit).
 */

type Listener = (...args: unknown[]) => unknown;

class Emitter {
  listeners = new Map<string, Listener[]>();
  on(name: string, listener: Listener) {
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), listener]);
    return this;
  }
  once(name: string, listener: Listener) {
    return this.on(name, listener);
  }
  emit(name: string, ...args: unknown[]) {
    for (const listener of this.listeners.get(name) ?? []) listener(...args);
  }
}

function fakeEvent(extra: Record<string, unknown> = {}) {
  return { prevented: false, preventDefault() { this.prevented = true; }, ...extra };
}

function fakeElectron(appRoot: string, userData: string) {
  const app = Object.assign(new Emitter(), {
    ready: undefined as undefined | (() => void),
    exitCode: undefined as number | undefined,
    quitCalls: 0,
    getAppPath: () => appRoot,
    getPath: (name: string) => (name === 'userData' ? userData : os.tmpdir()),
    getVersion: () => '0.1.0',
    isPackaged: false,
    requestSingleInstanceLock: () => true,
    commandLine: { appendSwitch(name: string, value?: string) { record.switches.push([name, value]); } },
    enableSandbox() { record.sandboxEnabled = true; },
    whenReady() { return new Promise<void>((resolve) => (app.ready = resolve)); },
    quit() { app.quitCalls += 1; },
    exit(code: number) { app.exitCode = code; },
  });
  const record = {
    sandboxEnabled: false,
    switches: [] as [string, string | undefined][],
    schemes: [] as unknown[],
    protocolHandler: undefined as undefined | ((request: Request) => Promise<Response>),
    windows: [] as { options: Record<string, unknown>; url?: string }[],
    ipc: new Map<string, Listener>(),
    errorBoxes: [] as { title: string; message: string }[],
    menu: undefined as unknown,
    permissionRequest: undefined as undefined | Listener,
    permissionCheck: undefined as undefined | Listener,
  };
  class BrowserWindow extends Emitter {
    entry: { options: Record<string, unknown>; url?: string };
    constructor(options: Record<string, unknown>) {
      super();
      this.entry = { options };
      record.windows.push(this.entry);
    }
    loadURL(url: string) { this.entry.url = url; return Promise.resolve(); }
    show() {}
  }
  const electron = {
    app,
    BrowserWindow,
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown[]) => record.schemes.push(...schemes),
      handle: (_scheme: string, handler: (request: Request) => Promise<Response>) => (record.protocolHandler = handler),
    },
    ipcMain: { handle: (channel: string, handler: Listener) => record.ipc.set(channel, handler) },
    Menu: { buildFromTemplate: (template: unknown) => template, setApplicationMenu: (menu: unknown) => (record.menu = menu) },
    dialog: {
      showErrorBox: (title: string, message: string) => record.errorBoxes.push({ title, message }),
      showMessageBox: () => Promise.resolve({ response: 0 }),
    },
    session: {
      defaultSession: Object.assign(new Emitter(), {
        setPermissionRequestHandler: (handler: Listener) => (record.permissionRequest = handler),
        setPermissionCheckHandler: (handler: Listener) => (record.permissionCheck = handler),
      }),
    },
    shell: { openPath: () => Promise.resolve('') },
    // A stand-in keychain: reversible, and never the key in clear in the file it writes.
    safeStorage: {
      isEncryptionAvailable: () => true,
      encryptString: (text: string) => Buffer.from(`keychain:${Buffer.from(text).toString('hex')}`),
      decryptString: (sealed: Buffer) => Buffer.from(sealed.toString().replace(/^keychain:/, ''), 'hex').toString(),
    },
  };
  return { electron, app, record };
}

let bundle: string;
let workerBundle: string;
let workDir: string;

beforeAll(async () => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'grenette-main-'));
  const [main, , worker] = shellBuildOptions(path.resolve('.'));
  bundle = path.join(workDir, 'main.cjs');
  workerBundle = path.join(workDir, 'office-worker.cjs');
  await esbuild.build({ ...main, outfile: bundle, sourcemap: false, logLevel: 'error' });
  await esbuild.build({ ...worker, outfile: workerBundle, sourcemap: false, logLevel: 'error' });
});

afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

/**
 * A packaged-like app root, as electron-builder lays it out: migrations, a built renderer, the office worker's bundle
 * next to main's, and node_modules (where the worker finds better-sqlite3 and pdfmake).
 */
function makeAppRoot(): { appRoot: string; userData: string } {
  const appRoot = fs.mkdtempSync(path.join(workDir, 'app-'));
  fs.cpSync(path.resolve('migrations'), path.join(appRoot, 'migrations'), { recursive: true });
  fs.mkdirSync(path.join(appRoot, 'dist', 'main'), { recursive: true });
  fs.copyFileSync(workerBundle, path.join(appRoot, 'dist', 'main', 'office-worker.cjs'));
  fs.symlinkSync(fs.realpathSync(path.resolve('node_modules')), path.join(appRoot, 'node_modules'), 'dir');
  fs.mkdirSync(path.join(appRoot, 'dist', 'renderer'), { recursive: true });
  fs.writeFileSync(path.join(appRoot, 'dist', 'renderer', 'index.html'), '<!doctype html><title>Grenette</title>');
  fs.writeFileSync(path.join(appRoot, 'secret.txt'), 'ne pas servir');
  const userData = path.join(appRoot, 'userData');
  fs.mkdirSync(userData);
  return { appRoot, userData };
}

function runMain(appRoot: string, userData: string) {
  const fake = fakeElectron(appRoot, userData);
  // The bundle sits in a temp folder; its external packages come from the project's node_modules.
  const realRequire = createRequire(path.resolve('package.json'));
  const code = fs.readFileSync(bundle, 'utf8');
  const module = { exports: {} };
  const argv = process.argv;
  process.argv = ['electron', '.'];
  try {
    new Function('require', 'module', 'exports', '__filename', '__dirname', code)(
      (name: string) => (name === 'electron' ? fake.electron : realRequire(name)),
      module,
      module.exports,
      bundle,
      path.dirname(bundle),
    );
  } finally {
    process.argv = argv;
  }
  return fake;
}

async function ready(fake: ReturnType<typeof fakeElectron>): Promise<void> {
  fake.app.ready?.();
  await expect.poll(() => fake.record.windows.length > 0 || fake.record.errorBoxes.length > 0, { timeout: 10_000 }).toBe(true);
}

async function quit(fake: ReturnType<typeof fakeElectron>): Promise<void> {
  const event = fakeEvent();
  fake.app.emit('will-quit', event);
  expect(event.prevented).toBe(true);
  await expect.poll(() => fake.app.quitCalls, { timeout: 10_000 }).toBeGreaterThan(0);
}

describe('Electron main process wiring', () => {
  it('opens a sandboxed, isolated window on app://grenette/ and answers the renderer only through the checked IPC', async () => {
    const { appRoot, userData } = makeAppRoot();
    const fake = runMain(appRoot, userData);
    expect(fake.record.sandboxEnabled).toBe(true);
    // French dates and numbers in the forms whatever the system's language.
    expect(fake.record.switches).toContainEqual(['lang', 'fr-FR']);
    expect(fake.record.schemes).toEqual([
      expect.objectContaining({ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }),
    ]);
    await ready(fake);
    expect(fake.record.errorBoxes).toEqual([]);

    const [window] = fake.record.windows;
    expect(window?.options.title).toBe('Grenette');
    expect(window?.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      preload: path.join(appRoot, 'dist', 'preload', 'preload.cjs'),
    });
    expect(window?.url).toBe('app://grenette/index.html');
    expect(fs.existsSync(path.join(userData, 'grenette.sqlite'))).toBe(true);
    // The IBAN key is the keychain's (src/main/iban-key.ts), handed to the worker: no plain key file beside the database.
    expect(fs.readFileSync(path.join(userData, 'grenette.sqlite.key.safe'), 'utf8')).toMatch(/^keychain:/);
    expect(fs.existsSync(path.join(userData, 'grenette.sqlite.key'))).toBe(false);

    // The custom protocol serves the renderer with its CSP and nothing outside it.
    const handler = fake.record.protocolHandler;
    const index = await handler!(new Request('app://grenette/index.html'));
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await index.text()).toContain('<title>Grenette</title>');
    const escape = await handler!(new Request('app://grenette/%2e%2e/%2e%2e/secret.txt'));
    expect(escape.status).toBeGreaterThanOrEqual(400);
    expect(await escape.text()).not.toContain('ne pas servir');

    // IPC: a trusted top frame reaches the core (in its worker thread); a file:// page or an iframe does not.
    const ipc = fake.record.ipc.get('grenette:office-call')!;
    const mainFrame = { url: 'app://grenette/index.html' };
    const sent: unknown[][] = [];
    const sender = Object.assign(new Emitter(), {
      id: 7,
      mainFrame,
      isDestroyed: () => false,
      send: (...args: unknown[]) => sent.push(args),
    });
    await expect(ipc({ senderFrame: mainFrame, sender }, 'auth.me', {})).resolves.toEqual({ ok: true, value: null });

    // A long call with the preload's call id: its progress goes back to that renderer, tagged with the id.
    await expect(ipc({ senderFrame: mainFrame, sender }, 'auth.login', { username: 'admin', password: 'grenette-demo' })).resolves.toMatchObject({
      ok: true,
    });
    const families = (await ipc({ senderFrame: mainFrame, sender }, 'families.search', { query: '', includeArchived: false })) as {
      value: { id: number; enfants: string }[];
    };
    const family = families.value.find((row) => row.enfants.includes(','));
    expect(family).toBeDefined();
    const printed = await ipc({ senderFrame: mainFrame, sender }, 'print.childSheets', { scope: { kind: 'family', familyId: family!.id } }, 41);
    expect(printed).toMatchObject({ ok: true, value: { mime: 'application/pdf' } });
    expect(sent.length).toBeGreaterThan(2);
    expect(sent[0]).toEqual(['grenette:office-progress', { callId: 41, done: 0, total: expect.any(Number), label: 'Mise en page des fiches' }]);
    const last = sent.at(-1)?.[1] as { done: number; total: number };
    expect(last.done).toBe(last.total);
    expect(sent.every(([channel, message]) => channel === 'grenette:office-progress' && (message as { callId: number }).callId === 41)).toBe(true);
    // Without a call id nothing is sent back.
    sent.length = 0;
    await ipc({ senderFrame: mainFrame, sender }, 'print.childSheets', { scope: { kind: 'family', familyId: family!.id } });
    expect(sent).toEqual([]);
    const evilFrame = { url: 'file:///tmp/evil.html' };
    const evilSender = Object.assign(new Emitter(), { id: 8, mainFrame: evilFrame });
    await expect(ipc({ senderFrame: evilFrame, sender: evilSender }, 'auth.me', {})).resolves.toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    const iframe = { url: 'app://grenette/index.html' };
    await expect(ipc({ senderFrame: iframe, sender }, 'auth.me', {})).resolves.toMatchObject({ ok: false });

    // Guards on every webContents.
    const contents = Object.assign(new Emitter(), {
      openHandler: undefined as undefined | Listener,
      setWindowOpenHandler(handler: Listener) { this.openHandler = handler; },
    });
    fake.app.emit('web-contents-created', fakeEvent(), contents);
    const away = fakeEvent({ url: 'https://evil.example/' });
    contents.emit('will-navigate', away);
    expect(away.prevented).toBe(true);
    const inside = fakeEvent({ url: 'app://grenette/index.html#/familles' });
    contents.emit('will-navigate', inside);
    expect(inside.prevented).toBe(false);
    const redirect = fakeEvent({ url: 'http://evil.example/' });
    contents.emit('will-redirect', redirect);
    expect(redirect.prevented).toBe(true);
    const webview = fakeEvent();
    contents.emit('will-attach-webview', webview);
    expect(webview.prevented).toBe(true);
    expect(contents.openHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });

    // Permissions: all refused.
    let granted: boolean | undefined;
    fake.record.permissionRequest?.(null, 'media', (value: boolean) => (granted = value));
    expect(granted).toBe(false);
    expect(fake.record.permissionCheck?.(null, 'clipboard-read')).toBe(false);
    expect((fake.record.menu as { label: string }[]).map((item) => item.label)).toEqual(['Fichier', 'Édition', 'Affichage', 'Aide']);

    await quit(fake);
  });

  it('refuses a database written by a newer Grenette with its French message and quits', async () => {
    const { appRoot, userData } = makeAppRoot();
    const file = path.join(userData, 'grenette.sqlite');
    const clock = () => new Date('2026-11-28T10:00:00Z');
    const database = openOfficeDatabase({ file, clock });
    await createStaffUser(database.db, { username: 'claire', displayName: 'Claire', role: 'admin', password: 'motdepasse-solide' }, clock);
    database.sqlite.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', '2030-01-01')").run();
    await database.close();

    const fake = runMain(appRoot, userData);
    await ready(fake);
    expect(fake.record.windows).toEqual([]);
    expect(fake.record.errorBoxes).toHaveLength(1);
    expect(fake.record.errorBoxes[0]?.message).toContain('version plus récente de Grenette');
    expect(fake.app.exitCode).toBe(1);
    // The database did not open: its key stays where it was (the plain file), nothing written for the keychain.
    expect(fs.existsSync(`${file}.key`)).toBe(true);
    expect(fs.existsSync(`${file}.key.safe`)).toBe(false);
    expect(fs.existsSync(`${file}.key.safe.new`)).toBe(false);
  });
});
