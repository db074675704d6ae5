import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { PROGRESS_STREAM_TYPE, type ProgressListener, type StreamLine } from '../shared/api/progress.js';
import type { Result } from '../shared/result.js';
import type { OfficeCore } from '../office/api/core.js';
import type { OfficeSession } from '../office/api/handler.js';
import type { Logger } from '../office/log.js';
import { RENDERER_SECURITY_HEADERS, contentTypeFor, resolveRendererFile } from './renderer-files.js';
import { MAX_BODY_BYTES, hasValidToken, isAllowedHost, isValidSessionId, parseCallBody } from './request-guards.js';

export interface DevBridgeOptions {
  /** The office worker's host (startOfficeWorker) in the app and the CLI; any core with the same call in tests. */
  core: OfficeCore;
  /** The built renderer (dist/renderer). */
  rendererDir: string;
  /** 0 picks a free port. */
  port: number;
  /** Random when omitted. */
  token?: string;
  log: Logger;
}

export interface DevBridge {
  /** The address to open: http://127.0.0.1:<port>/#token=<token>. */
  url: string;
  /** http://127.0.0.1:<port>, for API calls. */
  origin: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/** Beyond this many tabs the oldest session is forgotten (its tab logs in again), so memory stays bounded. */
const MAX_SESSIONS = 200;

export function newDevToken(): string {
  return randomBytes(24).toString('base64url');
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly userMessage: string,
  ) {
    super(userMessage);
  }
}

function send(res: http.ServerResponse, status: number, body: string | Buffer, contentType: string, extra = {}): void {
  res.writeHead(status, {
    ...RENDERER_SECURITY_HEADERS,
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(body),
    ...extra,
  });
  res.end(body);
}

function sendError(res: http.ServerResponse, status: number, message: string): void {
  const extra = status === 413 ? { 'Cache-Control': 'no-store', Connection: 'close' } : { 'Cache-Control': 'no-store' };
  send(res, status, JSON.stringify({ error: message }), 'application/json; charset=utf-8', extra);
}

/** Reads the JSON body, refusing more than MAX_BODY_BYTES; the excess is drained, not kept, so the 413 arrives. */
function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const tooLarge = () => new HttpError(413, 'Requête trop volumineuse.');
    if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) {
      req.resume();
      reject(tooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        // Promise settles once; later chunks are simply dropped.
        reject(tooLarge());
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (size <= MAX_BODY_BYTES) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

function wantsProgress(accept: string | undefined): boolean {
  return (accept ?? '').split(',').some((type) => type.trim().split(';')[0]?.trim().toLowerCase() === PROGRESS_STREAM_TYPE);
}

/**
 * A call whose progress the page follows: one JSON line per progress event as the office reports it, then the Result
 * on its own line, on the same authenticated request (no second channel to secure, nothing to correlate).
 */
async function streamCall(
  res: http.ServerResponse,
  run: (onProgress: ProgressListener) => Promise<Result<unknown>>,
): Promise<void> {
  res.writeHead(200, {
    ...RENDERER_SECURITY_HEADERS,
    'Content-Type': `${PROGRESS_STREAM_TYPE}; charset=utf-8`,
    'Cache-Control': 'no-store',
  });
  const write = (line: StreamLine<Result<unknown>>) => {
    // The tab may have gone away: the call still runs to its end, nobody reads the rest.
    if (!res.destroyed && !res.writableEnded) res.write(`${JSON.stringify(line)}\n`);
  };
  const result = await run((progress) => write({ progress }));
  write({ result });
  if (!res.destroyed) res.end();
}

/**
 * Loopback HTTP host of the office API for the renderer in a normal browser (development and Playwright only):
 * POST /api/call with the bearer token and the tab's session id (its Result as JSON, or with `Accept:
 * application/x-ndjson` its progress then its Result as JSON lines), plus the built renderer as static files.
 */
export async function startDevBridge(options: DevBridgeOptions): Promise<DevBridge> {
  const { core, rendererDir, log } = options;
  const token = options.token ?? newDevToken();
  const sessions = new Map<string, OfficeSession>();
  let port = options.port;

  const sessionFor = (id: string): OfficeSession => {
    let session = sessions.get(id);
    if (session) {
      // Map order doubles as recency, for the eviction below.
      sessions.delete(id);
    } else {
      session = core.openSession();
      if (sessions.size >= MAX_SESSIONS) {
        const oldest = sessions.keys().next().value;
        if (oldest !== undefined) sessions.delete(oldest);
      }
    }
    sessions.set(id, session);
    return session;
  };

  const handleCall = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    if (req.method !== 'POST') throw new HttpError(405, 'Méthode non autorisée.');
    if (!hasValidToken(req.headers.authorization, token)) throw new HttpError(401, 'Jeton d’accès manquant ou invalide.');
    const contentType = req.headers['content-type'] ?? '';
    if (!/^application\/json\b/i.test(contentType)) throw new HttpError(415, 'Format de requête non pris en charge.');
    const sessionId = req.headers['x-grenette-session'];
    if (!isValidSessionId(typeof sessionId === 'string' ? sessionId : undefined)) {
      throw new HttpError(400, 'Identifiant de session manquant ou invalide.');
    }
    const body = parseCallBody(await readBody(req));
    if (!body) throw new HttpError(400, 'Requête mal formée.');
    const session = sessionFor(sessionId as string);
    if (wantsProgress(req.headers.accept)) {
      await streamCall(res, (onProgress) => core.call(session, body.method, body.args, onProgress));
      return;
    }
    const result = await core.call(session, body.method, body.args);
    send(res, 200, JSON.stringify(result), 'application/json; charset=utf-8', { 'Cache-Control': 'no-store' });
  };

  const handleStatic = async (req: http.IncomingMessage, res: http.ServerResponse, pathname: string): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'Méthode non autorisée.');
    const file = resolveRendererFile(rendererDir, pathname);
    if (!file) throw new HttpError(403, 'Accès refusé.');
    let stat: fs.Stats;
    try {
      stat = await fs.promises.stat(file);
    } catch {
      throw new HttpError(404, 'Page introuvable.');
    }
    // No directory listing: only files are served.
    if (!stat.isFile()) throw new HttpError(404, 'Page introuvable.');
    const body = req.method === 'HEAD' ? Buffer.alloc(0) : await fs.promises.readFile(file);
    res.writeHead(200, {
      ...RENDERER_SECURITY_HEADERS,
      'Content-Type': contentTypeFor(file),
      'Content-Length': stat.size,
      'Cache-Control': 'no-cache',
    });
    res.end(body);
  };

  const server = http.createServer((req, res) => {
    const started = Date.now();
    void (async () => {
      if (!isAllowedHost(req.headers.host, port)) throw new HttpError(403, 'Hôte non autorisé.');
      const pathname = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
      if (pathname === '/api/call') await handleCall(req, res);
      else if (pathname.startsWith('/api/')) throw new HttpError(404, 'Action inconnue.');
      else await handleStatic(req, res, req.url?.split(/[?#]/)[0] ?? '/');
    })().catch((error: unknown) => {
      if (error instanceof HttpError) {
        sendError(res, error.status, error.userMessage);
        return;
      }
      log.error('dev bridge request failed', {
        method: req.method,
        url: req.url,
        ms: Date.now() - started,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
      if (!res.headersSent) sendError(res, 500, "Une erreur inattendue s'est produite. Elle a été enregistrée ; réessayez.");
      else res.destroy();
    });
  });
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('dev bridge: no TCP address');
  port = address.port;
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/#token=${token}`,
    origin,
    port,
    token,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
