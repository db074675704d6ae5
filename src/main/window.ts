import path from 'node:path';
import { BrowserWindow } from 'electron';
import { secureWebPreferences } from './security/web-preferences.js';
import { APP_START_URL } from './security/url-policy.js';

export function createMainWindow(appRoot: string, devTools: boolean): BrowserWindow {
  const window = new BrowserWindow({
    title: 'Grenette',
    width: 1400,
    height: 900,
    minWidth: 1024,
    minHeight: 680,
    show: false,
    webPreferences: secureWebPreferences(path.join(appRoot, 'dist', 'preload', 'preload.cjs'), { devTools }),
  });
  window.once('ready-to-show', () => window.show());
  // The page's own <title> would otherwise replace the product name in the title bar.
  window.on('page-title-updated', (event) => event.preventDefault());
  void window.loadURL(APP_START_URL);
  return window;
}
