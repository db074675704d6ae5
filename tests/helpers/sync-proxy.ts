import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One call the office made, as it crossed the wire: its path, its body's size, the portal's status. */
export interface ProxiedCall {
  path: string;
  bytes: number;
  status: number;
}

/**
 * A real HTTP relay between the office's sync client and the portal, to see what the sync sends: every call is
 * recorded (path, body bytes, status) and forwarded as it came (method, signature headers, body untouched, so the
 * signature still holds). `intercept` may answer a call itself (a fault), `before` runs just before one is forwarded.
 */
export interface SyncProxy {
  url: string;
  /** Where calls are forwarded: another portal behind the same address when changed. */
  target: string;
  calls: ProxiedCall[];
  /** Answer with this status and a JSON error instead of forwarding (null: forward). */
  intercept: ((path: string) => number | null) | null;
  before: ((path: string) => void | Promise<void>) | null;
  /** Changes the x-grenette-* headers forwarded (an office of another protocol, a header taken off on the way). */
  headers: ((headers: Record<string, string>) => Record<string, string>) | null;
  close(): Promise<void>;
}

export async function startSyncProxy(target: string): Promise<SyncProxy> {
  const proxy: SyncProxy = { url: '', target, calls: [], intercept: null, before: null, headers: null, close: async () => {} };
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks);
        const path = request.url ?? '/';
        const refused = proxy.intercept?.(path) ?? null;
        if (refused !== null) {
          proxy.calls.push({ path, bytes: body.length, status: refused });
          response.writeHead(refused, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'Panne simulée du relais.' }));
          return;
        }
        await proxy.before?.(path);
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(request.headers)) {
          if (typeof value === 'string' && (name === 'content-type' || name.startsWith('x-grenette-'))) headers[name] = value;
        }
        const answer = await fetch(`${proxy.target}${path}`, { method: request.method, headers: proxy.headers?.(headers) ?? headers, ...(request.method === 'GET' ? {} : { body }) });
        const text = Buffer.from(await answer.arrayBuffer());
        proxy.calls.push({ path, bytes: body.length, status: answer.status });
        response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' }).end(text);
      })().catch((error: unknown) => {
        response.writeHead(502).end(String(error));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () => new Promise((resolve) => server.close(() => resolve()));
  return proxy;
}
