import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RENDERER_CSP, RENDERER_SECURITY_HEADERS, contentTypeFor, resolveRendererFile } from '../../src/main/security/csp.js';
import { pdfDownloadTarget } from '../../src/main/security/downloads.js';
import { isPermissionGranted } from '../../src/main/security/permissions.js';
import { APP_START_URL, isAllowedNavigation, isTrustedSender, windowOpenDecision } from '../../src/main/security/url-policy.js';
import { secureWebPreferences } from '../../src/main/security/web-preferences.js';

describe('navigation policy', () => {
  it('keeps the window on app://grenette/ only', () => {
    expect(isAllowedNavigation(APP_START_URL)).toBe(true);
    expect(isAllowedNavigation('app://grenette/#/familles/12')).toBe(true);
    for (const url of [
      'https://evil.example/',
      'http://127.0.0.1:5173/',
      'file:///etc/passwd',
      'app://evil/index.html',
      'app://grenette.evil.example/',
      'app://user:pass@grenette/',
      'javascript:alert(1)',
      'not a url',
    ]) {
      expect(isAllowedNavigation(url), url).toBe(false);
    }
  });

  it('never opens a new window', () => {
    expect(windowOpenDecision('https://www.service-public.fr/')).toBe('deny');
    expect(windowOpenDecision('app://grenette/index.html')).toBe('deny');
  });
});

describe('IPC sender check', () => {
  it('accepts the top frame of our renderer', () => {
    expect(isTrustedSender({ url: 'app://grenette/index.html', isMainFrame: true })).toBe(true);
  });

  it('refuses file://, http(s), other hosts, subframes and missing frames', () => {
    expect(isTrustedSender({ url: 'file:///home/agent/evil.html', isMainFrame: true })).toBe(false);
    expect(isTrustedSender({ url: 'http://127.0.0.1:4000/', isMainFrame: true })).toBe(false);
    expect(isTrustedSender({ url: 'https://evil.example/', isMainFrame: true })).toBe(false);
    expect(isTrustedSender({ url: 'app://other/index.html', isMainFrame: true })).toBe(false);
    expect(isTrustedSender({ url: 'app://grenette/index.html', isMainFrame: false })).toBe(false);
    expect(isTrustedSender({ url: '', isMainFrame: true })).toBe(false);
    expect(isTrustedSender(null)).toBe(false);
  });
});

describe('web preferences', () => {
  it('isolate, sandbox and keep Node out of the renderer', () => {
    const prefs = secureWebPreferences('/app/dist/preload/preload.cjs', { devTools: false });
    expect(prefs).toMatchObject({
      preload: '/app/dist/preload/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      devTools: false,
    });
  });
});

describe('content security policy', () => {
  const directives = new Map(RENDERER_CSP.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));

  it("defaults to 'self', forbids eval and inline scripts, and only talks to its own origin", () => {
    expect(RENDERER_CSP).not.toContain('unsafe-eval');
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('connect-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(RENDERER_SECURITY_HEADERS['Content-Security-Policy']).toBe(RENDERER_CSP);
    expect(RENDERER_SECURITY_HEADERS['X-Content-Type-Options']).toBe('nosniff');
  });
});

describe('renderer file resolution (app:// and dev bridge)', () => {
  const root = path.resolve('/srv/grenette/dist/renderer');

  it('maps URL paths inside the renderer folder', () => {
    expect(resolveRendererFile(root, '/')).toBe(path.join(root, 'index.html'));
    expect(resolveRendererFile(root, '/assets/index-abc.js')).toBe(path.join(root, 'assets', 'index-abc.js'));
    expect(resolveRendererFile(root, '/assets/Cantine%20menu.png')).toBe(path.join(root, 'assets', 'Cantine menu.png'));
  });

  it('refuses ../ in every spelling', () => {
    for (const attempt of [
      '/../secret',
      '/assets/../../secret',
      '/%2e%2e/secret',
      '/%2E%2E/%2E%2E/etc/passwd',
      '/assets/..%2f..%2fsecret',
      '/..%5c..%5csecret',
      '/%00index.html',
      '/%E0%A4%A',
      'index.html',
      '/C:/Windows/win.ini',
    ]) {
      expect(resolveRendererFile(root, attempt), attempt).toBeNull();
    }
  });

  it('names content types so that nosniff never runs an unknown file', () => {
    expect(contentTypeFor('index.html')).toBe('text/html; charset=utf-8');
    expect(contentTypeFor('a.JS')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeFor('a.css')).toBe('text/css; charset=utf-8');
    expect(contentTypeFor('a.woff2')).toBe('font/woff2');
    expect(contentTypeFor('notes')).toBe('application/octet-stream');
  });
});

describe('permissions and downloads', () => {
  it('refuses every browser permission', () => {
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen']) {
      expect(isPermissionGranted(permission)).toBe(false);
    }
  });

  it('saves only PDFs, under a safe name inside the temp folder', () => {
    const folder = path.resolve('/tmp/grenette-pdf-1/doc-a');
    expect(pdfDownloadTarget(folder, 'Facture 2026-11 Martin.pdf', 'application/pdf')).toBe(path.join(folder, 'Facture 2026-11 Martin.pdf'));
    expect(pdfDownloadTarget(folder, '../../.bashrc.pdf', 'application/pdf')).toBe(path.join(folder, 'bashrc.pdf'));
    expect(pdfDownloadTarget(folder, '..\\..\\evil.pdf', 'application/pdf')).toBe(path.join(folder, 'evil.pdf'));
    expect(pdfDownloadTarget(folder, 'blob', 'application/pdf')).toBe(path.join(folder, 'blob.pdf'));
    expect(pdfDownloadTarget(folder, 'script.sh', 'application/x-sh')).toBeNull();
    expect(pdfDownloadTarget(folder, 'page.html', 'text/html')).toBeNull();
  });
});
