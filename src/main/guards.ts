import { app, type Session } from 'electron';
import type { Logger } from '../office/log.js';
import { isPermissionGranted } from './security/permissions.js';
import { isAllowedNavigation, windowOpenDecision } from './security/url-policy.js';

/**
 * Electron security checklist, applied to every webContents the app ever creates (windows, and anything a bug might
 * open): no webview, no new windows, no navigation or redirect away from app://grenette/.
 */
export function guardAllWebContents(log: Logger): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-attach-webview', (event) => {
      event.preventDefault();
      log.error('webview refused');
    });
    contents.setWindowOpenHandler(({ url }) => {
      log.error('window.open refused', { url });
      return { action: windowOpenDecision(url) };
    });
    contents.on('will-navigate', (event) => {
      if (!isAllowedNavigation(event.url)) {
        event.preventDefault();
        log.error('navigation refused', { url: event.url });
      }
    });
    contents.on('will-redirect', (event) => {
      if (!isAllowedNavigation(event.url)) {
        event.preventDefault();
        log.error('redirect refused', { url: event.url });
      }
    });
  });
}

/** The office UI needs no browser permission: every request and check is answered no. */
export function denyAllPermissions(session: Session): void {
  session.setPermissionRequestHandler((_contents, permission, callback) => callback(isPermissionGranted(permission)));
  session.setPermissionCheckHandler((_contents, permission) => isPermissionGranted(permission));
}
