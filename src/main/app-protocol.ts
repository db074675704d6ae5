import fs from 'node:fs/promises';
import { protocol } from 'electron';
import { RENDERER_SECURITY_HEADERS, contentTypeFor, resolveRendererFile } from './security/csp.js';
import { APP_HOST, APP_SCHEME } from './security/url-policy.js';

/** Must run before app 'ready': app:// behaves like https (secure context, origin, storage) for the renderer. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

function plain(status: number, text: string): Response {
  return new Response(text, {
    status,
    headers: { ...RENDERER_SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' },
  });
}

/** Serves dist/renderer on app://grenette/ with the renderer's CSP; nothing outside that folder is reachable. */
export function serveRenderer(rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== APP_HOST) return plain(404, 'Introuvable');
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'Méthode non autorisée');
    const file = resolveRendererFile(rendererDir, url.pathname);
    if (!file) return plain(403, 'Accès refusé');
    try {
      const stat = await fs.stat(file);
      if (!stat.isFile()) return plain(404, 'Introuvable');
      const body = request.method === 'HEAD' ? null : await fs.readFile(file);
      return new Response(body, {
        status: 200,
        headers: { ...RENDERER_SECURITY_HEADERS, 'Content-Type': contentTypeFor(file), 'Cache-Control': 'no-cache' },
      });
    } catch {
      return plain(404, 'Introuvable');
    }
  });
}
