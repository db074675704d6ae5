/**
 * A family's browser reduced to what the portal sees over real HTTP: cookies kept between calls, the CSRF token read
 * from the last page's forms, forms posted urlencoded, redirects not followed (the test reads them).
 */
export interface HttpPage {
  status: number;
  body: string;
  location: string | null;
}

export class HttpFamily {
  readonly cookies = new Map<string, string>();
  private lastBody = '';

  /** `headers` go with every call (X-Forwarded-For for a family behind a proxy). */
  constructor(
    readonly baseUrl: string,
    readonly headers: Record<string, string> = {},
  ) {}

  private remember(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const [name, ...value] = (pair ?? '').split('=');
      if (!name) continue;
      const expired = attrs.some((a) => /expires=Thu, 01 Jan 1970/i.test(a) || /max-age=0/i.test(a.trim()));
      if (expired || value.join('=') === '') this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), value.join('='));
    }
  }

  private async send(method: 'GET' | 'POST', path: string, body?: string): Promise<HttpPage> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      redirect: 'manual',
      headers: {
        ...this.headers,
        cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
      },
      body,
    });
    this.remember(response);
    const text = await response.text();
    if ((response.headers.get('content-type') ?? '').startsWith('text/html')) this.lastBody = text;
    return { status: response.status, body: text, location: response.headers.get('location') };
  }

  /** A file as the browser downloads it: status, headers and the bytes as sent (a PDF is not text). */
  async download(path: string): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      redirect: 'manual',
      headers: { ...this.headers, cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    this.remember(response);
    return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
  }

  get(path: string): Promise<HttpPage> {
    return this.send('GET', path);
  }

  /**
   * The hidden fields of the last page's form posting to the path `action` (its CSRF token, its one-time submission
   * key…), as a browser without JavaScript sends them.
   */
  hiddenFields(action: string): Record<string, string> {
    const unescape = (text: string) => text.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'");
    for (const form of this.lastBody.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
      const target = /\baction="([^"]*)"/.exec(form[1]!)?.[1];
      // The form's address may carry a query (the planning's view and week): the path decides.
      if (target === undefined || unescape(target).split('?')[0] !== action) continue;
      const fields: Record<string, string> = {};
      for (const input of form[2]!.matchAll(/<input\b[^>]*type="hidden"[^>]*>/g)) {
        const name = /\bname="([^"]*)"/.exec(input[0])?.[1];
        const value = /\bvalue="([^"]*)"/.exec(input[0])?.[1];
        if (name !== undefined) fields[unescape(name)] = unescape(value ?? '');
      }
      return fields;
    }
    throw new Error(`No form posting to ${action} on the last page`);
  }

  /**
   * Posts a form as the browser does: urlencoded, or multipart/form-data when a file is attached. The fields are sent
   * as given (take the hidden ones from hiddenFields): the same fields sent twice are the same form sent twice.
   */
  async submit(path: string, fields: Record<string, string>, file?: { name: string; fileName: string; type: string; bytes: Buffer }): Promise<HttpPage> {
    if (!file) return this.send('POST', path, new URLSearchParams(fields).toString());
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    form.append(file.name, new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.fileName);
    const response = await fetch(`${this.baseUrl}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
      body: form,
    });
    this.remember(response);
    const text = await response.text();
    if ((response.headers.get('content-type') ?? '').startsWith('text/html')) this.lastBody = text;
    return { status: response.status, body: text, location: response.headers.get('location') };
  }

  /** Posts a form with the CSRF token of the last page, as the browser sends the hidden field. */
  post(path: string, form: Record<string, string>): Promise<HttpPage> {
    const match = /name="_csrf" value="([^"]+)"/.exec(this.lastBody);
    if (!match) throw new Error('No CSRF field on the last page');
    return this.send('POST', path, new URLSearchParams({ _csrf: match[1]!, ...form }).toString());
  }
}

/** The visible text of a portal page: tags dropped, the entities of the portal's escaping read back, every space (no-break ones too) a plain one. */
export const pageText = (body: string): string =>
  body
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
