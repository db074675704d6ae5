import fs from 'node:fs';
import path from 'node:path';
import { type BrowserWindow, Menu, app, dialog, safeStorage, session } from 'electron';
import { resolveDataPaths } from '../office/config/paths.js';
import { createLogger, type Logger } from '../office/log.js';
import { startOfficeWorker, type OfficeHost } from '../office/worker/host.js';
import { registerAppScheme, serveRenderer } from './app-protocol.js';
import { openDownloadedPdfs } from './downloads.js';
import { denyAllPermissions, guardAllWebContents } from './guards.js';
import { loadIbanKey } from './iban-key.js';
import { handleOfficeCalls } from './ipc.js';
import { applicationMenuTemplate } from './menu-template.js';
import { electronNativeBinding } from './native-binding.js';
import { startupErrorDialog } from './startup-errors.js';
import { createMainWindow } from './window.js';

/*
 * Electron glue only: every decision is a pure function under ./security (tested under Node); the office itself is
 * src/office, started here exactly as the dev bridge starts it: in its worker thread (dist/main/office-worker.cjs), so
 * a long call never freezes the window.
 */

const appRoot = app.getAppPath();
let office: OfficeHost | undefined;
let log: Logger | undefined;
let mainWindow: BrowserWindow | undefined;

function showAbout(): void {
  const options = {
    type: 'info' as const,
    title: 'À propos de Grenette',
    message: `Grenette ${app.getVersion()}`,
    detail: 'Logiciel du Service Enfance Jeunesse : restauration scolaire, accueils périscolaires, mercredis et vacances.',
    buttons: ['Fermer'],
  };
  void (mainWindow ? dialog.showMessageBox(mainWindow, options) : dialog.showMessageBox(options));
}

async function start(): Promise<void> {
  const paths = resolveDataPaths(process.argv, process.env, app.getPath('userData'));
  fs.mkdirSync(path.dirname(paths.logFile), { recursive: true });
  const mainLog = createLogger(paths.logFile);
  log = mainLog;
  guardAllWebContents(mainLog);
  try {
    const nativeBinding = electronNativeBinding(appRoot, fs.existsSync);
    const ibanKey = loadIbanKey(paths.dbFile, safeStorage, mainLog);
    office = await startOfficeWorker({
      config: {
        paths,
        clock: { kind: 'system' },
        demoOnFirstRun: true,
        log: 'file',
        migrationsDir: path.join(appRoot, 'migrations', 'office'),
        ...(nativeBinding ? { nativeBinding } : {}),
        ...(ibanKey.key ? { ibanKey: ibanKey.key.toString('base64') } : {}),
      },
      log: mainLog,
      entryFile: path.join(appRoot, 'dist', 'main', 'office-worker.cjs'),
    });
    // The database opened with the key (its IBANs readable): only now is the key put in its place.
    ibanKey.keep();
  } catch (error) {
    mainLog.error('office start failed', { error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    const { title, message } = startupErrorDialog(error, paths.logFile);
    dialog.showErrorBox(title, message);
    app.exit(1);
    return;
  }
  denyAllPermissions(session.defaultSession);
  openDownloadedPdfs(session.defaultSession, mainLog);
  serveRenderer(path.join(appRoot, 'dist', 'renderer'));
  handleOfficeCalls(office, mainLog);
  Menu.setApplicationMenu(Menu.buildFromTemplate(applicationMenuTemplate({ showAbout })));
  mainWindow = createMainWindow(appRoot, !app.isPackaged);
  mainWindow.on('closed', () => {
    mainWindow = undefined;
  });
}

if (!app.requestSingleInstanceLock()) {
  // A second Grenette on the same database would only compete for its lock: hand over to the first one.
  app.quit();
} else {
  // The agents are French: date fields, number fields and Chromium's own messages follow this, not the operating
  // system's language (an English Windows would otherwise show dates as mm/dd/yyyy).
  app.commandLine.appendSwitch('lang', 'fr-FR');
  app.enableSandbox();
  registerAppScheme();
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('window-all-closed', () => app.quit());

  let closing = false;
  app.on('will-quit', (event) => {
    if (!office || closing) return;
    // Let the database checkpoint and close before the process ends.
    event.preventDefault();
    closing = true;
    const running = office;
    office = undefined;
    running
      .close()
      .catch((error: unknown) => log?.error('office close failed', { error: String(error) }))
      .finally(() => app.quit());
  });

  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      console.error(error);
      dialog.showErrorBox('Grenette ne peut pas démarrer', "Une erreur inattendue empêche le démarrage de Grenette.");
      app.exit(1);
    });
}
