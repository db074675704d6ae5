import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PortalSettings } from '../../shared/sync/contract.js';
import { loadSettings } from '../content.js';
import type { PortalContext } from './context.js';
import { html, type HtmlValue, type SafeHtml } from './html.js';
import { layout } from './layout.js';

/** Renders a page in the layout and sends it (no caching: pages hold personal data). */
export async function sendPage(
  ctx: PortalContext,
  request: FastifyRequest,
  reply: FastifyReply,
  // settings: the ones the page already read (one query less on the pages families open most).
  page: { title: string; main: HtmlValue; status?: number; current?: string; settings?: PortalSettings },
): Promise<FastifyReply> {
  const settings = page.settings ?? (await loadSettings(ctx.db, ctx.log));
  const session = request.familySession;
  const body = layout({
    title: page.title,
    settings,
    main: page.main,
    current: page.current,
    session: session ? { csrfToken: session.csrfToken, email: session.email } : null,
  });
  // Sent as bytes: given a string, Fastify measures its UTF-8 length for content-length and then Node encodes it again
  // to write it, two passes over a page of some 20 KB (accented French) where one does.
  return reply
    .code(page.status ?? 200)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(Buffer.from(body.value, 'utf8'));
}

/** Reads a text field from a parsed form body ('' when absent or not text). */
export function formText(body: unknown, name: string): string {
  if (!body || typeof body !== 'object') return '';
  const value = (body as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : '';
}

export interface FieldOptions {
  label: string;
  name: string;
  type?: string;
  value?: string;
  autocomplete?: string;
  hint?: string;
  required?: boolean;
  error?: string | null;
}

/** A labelled input with its hint and error tied by aria-describedby. */
export function field(o: FieldOptions): SafeHtml {
  const id = `f-${o.name}`;
  const described = [o.hint ? `${id}-hint` : '', o.error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return html`<div class="field">
<label for="${id}">${o.label}</label>
${o.hint ? html`<p class="hint" id="${id}-hint">${o.hint}</p>` : ''}
${o.error ? html`<p class="error" id="${id}-error">${o.error}</p>` : ''}
<input id="${id}" name="${o.name}" type="${o.type ?? 'text'}"${o.value !== undefined && o.type !== 'password' ? html` value="${o.value}"` : ''}${o.autocomplete ? html` autocomplete="${o.autocomplete}"` : ''}${o.required === false ? '' : html` required`}${o.error ? html` aria-invalid="true"` : ''}${described ? html` aria-describedby="${described}"` : ''}>
</div>`;
}

/** A message at the top of a form, announced to screen readers. */
export function alertBox(message: string | null | undefined, kind: 'error' | 'success' = 'error'): SafeHtml {
  if (!message) return html``;
  return html`<div class="alert alert-${kind}" role="${kind === 'error' ? 'alert' : 'status'}"><p>${message}</p></div>`;
}
