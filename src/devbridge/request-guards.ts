import { timingSafeEqual } from 'node:crypto';

/** Pure checks of the dev bridge's HTTP boundary, kept apart from the server so they are tested one by one. */

export const MAX_BODY_BYTES = 15 * 1024 * 1024;

/**
 * DNS rebinding defence: a page on evil.example resolving to 127.0.0.1 still sends its own Host, so anything but our
 * loopback address and port is refused.
 */
export function isAllowedHost(host: string | undefined, port: number): boolean {
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}

/** Constant-time comparison of the Authorization header with the bridge's token. */
export function hasValidToken(authorization: string | undefined, token: string): boolean {
  if (!authorization?.startsWith('Bearer ')) return false;
  const given = Buffer.from(authorization.slice('Bearer '.length));
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The per-tab id the page generates (crypto.randomUUID()); bounded so a client cannot grow the map with junk keys. */
export function isValidSessionId(id: string | undefined): id is string {
  return id !== undefined && /^[A-Za-z0-9_-]{8,128}$/.test(id);
}

export interface CallBody {
  method: string;
  args: unknown;
}

export function parseCallBody(text: string): CallBody | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
  const { method, args } = parsed as Record<string, unknown>;
  if (typeof method !== 'string' || method.length === 0 || method.length > 100) return null;
  return { method, args: args ?? {} };
}

export interface DevBridgeArgs {
  port: number;
  demo: boolean;
}

/** `--port <n>` / `--port=<n>` (0 = any free port) and `--no-demo`; --db is read by resolveDataPaths. */
export function parseDevBridgeArgs(argv: readonly string[]): DevBridgeArgs {
  let port = 0;
  const index = argv.findIndex((arg) => arg === '--port' || arg.startsWith('--port='));
  if (index >= 0) {
    const arg = argv[index] ?? '';
    const raw = arg.startsWith('--port=') ? arg.slice('--port='.length) : argv[index + 1];
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 0 || value > 65535) {
      throw new Error(`Port invalide : ${String(raw)} (attendu : un entier entre 0 et 65535).`);
    }
    port = value;
  }
  return { port, demo: !argv.includes('--no-demo') };
}
