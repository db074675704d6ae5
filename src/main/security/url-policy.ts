/** The only origin the window may show: the built renderer served by our privileged protocol. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'grenette';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_START_URL = `${APP_ORIGIN}/index.html`;

function parse(url: string | null | undefined): URL | null {
  if (!url) return null;
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** True for app://grenette/... only: any other scheme, host, or a credential-bearing URL is foreign. */
export function isAppUrl(url: string | null | undefined): boolean {
  const parsed = parse(url);
  return (
    parsed !== null &&
    parsed.protocol === `${APP_SCHEME}:` &&
    parsed.host === APP_HOST &&
    parsed.username === '' &&
    parsed.password === ''
  );
}

/** will-navigate / will-redirect: the window stays on our renderer; everything else is refused, never opened. */
export function isAllowedNavigation(url: string): boolean {
  return isAppUrl(url);
}

export interface SenderFrame {
  url: string | null | undefined;
  /** IPC from an iframe is refused even when same-origin: only the top document is ours by construction. */
  isMainFrame: boolean;
}

/** ipcMain.handle: only the top frame of our own renderer may call the office core. */
export function isTrustedSender(frame: SenderFrame | null | undefined): boolean {
  return frame !== null && frame !== undefined && frame.isMainFrame && isAppUrl(frame.url);
}

/**
 * Links to the outside world are never opened by the app itself; http(s) links would be handed to the system
 * browser only if we chose to, and we do not: the office UI has no reason to link out.
 */
export function windowOpenDecision(_url: string): 'deny' {
  return 'deny';
}
