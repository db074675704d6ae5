import { scrypt } from 'node:crypto';
import autocannon from 'autocannon';

/**
 * The load generator of `npm run bench:portal` (bench/portal-server.ts), run as a process of its own so that the
 * server it measures has the cores to itself apart from this client, the same for the portal and for the bare
 * node:http server it is compared with. It reads one phase as JSON on stdin, runs it with autocannon and writes the
 * outcome as JSON on stdout.
 */

export type LoadPhase =
  | { kind: 'get'; url: string; connections: number; seconds: number; targets: { path: string; cookie: string }[]; countWorkers?: boolean }
  | { kind: 'post'; url: string; connections: number; seconds: number; posts: { path: string; cookie: string; body: string }[] }
  | { kind: 'login'; url: string; connections: number; seconds: number; logins: { email: string; password: string }[] }
  | { kind: 'scrypt'; seconds: number; parallel: number; params: { N: number; r: number; p: number; keyLength: number } };

export interface LoadOutcome {
  /** The answers that are the phase's work (200 for a page, 303 for a form accepted or a login). */
  done: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  /** Other answers, connection errors and time-outs. */
  errors: number;
  statuses: Record<string, number>;
  /** For a POST phase: each `Location` answered with a 303, in order (the portal's acknowledgements). */
  locations: string[];
  /** Requests sent: past the prepared list's length, a POST phase sent some twice. */
  sent: number;
  /** With countWorkers: the answers of each worker of a cluster (its x-grenette-worker slot). */
  byWorker?: Record<string, number>;
}

function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))] as number;
}

function headerValue(headers: Record<string, unknown>, name: string): string[] {
  const found = Object.entries(headers).filter(([key]) => key.toLowerCase() === name).map(([, value]) => value);
  return found.flat().map(String);
}

async function scryptPhase(phase: Extract<LoadPhase, { kind: 'scrypt' }>): Promise<LoadOutcome> {
  const { N, r, p, keyLength } = phase.params;
  const samples: number[] = [];
  const started = performance.now();
  const end = started + phase.seconds * 1000;
  const lane = async () => {
    while (performance.now() < end) {
      const at = performance.now();
      await new Promise<void>((resolve, reject) =>
        scrypt('mot de passe du banc', 'sel-du-banc-0123', keyLength, { N, r, p, maxmem: 256 * N * r }, (error) => (error ? reject(error) : resolve())),
      );
      samples.push(performance.now() - at);
    }
  };
  await Promise.all(Array.from({ length: phase.parallel }, lane));
  const seconds = (performance.now() - started) / 1000;
  samples.sort((a, b) => a - b);
  return { done: samples.length, seconds, perSecond: samples.length / seconds, p50: percentile(samples, 0.5), p99: percentile(samples, 0.99), errors: 0, statuses: {}, locations: [], sent: samples.length };
}

async function httpPhase(phase: Exclude<LoadPhase, { kind: 'scrypt' }>): Promise<LoadOutcome> {
  const expected = phase.kind === 'get' ? 200 : 303;
  const samples: number[] = [];
  const locations: string[] = [];
  const statuses: Record<string, number> = {};
  const byWorker: Record<string, number> = {};
  let next = 0;
  let requests: autocannon.Request[];
  if (phase.kind === 'get') {
    requests = [
      {
        setupRequest: (request) => {
          const target = phase.targets[next++ % phase.targets.length]!;
          return { ...request, method: 'GET', path: target.path, headers: { ...request.headers, cookie: target.cookie } };
        },
        // Only when asked: autocannon keeps each body for onResponse, work for this client the other phases spare.
        ...(phase.countWorkers
          ? {
              onResponse: (_status: number, _body: string, _context: Record<string, unknown>, headers: Record<string, string | string[]>) => {
                const slot = (headerValue(headers ?? {}, 'x-grenette-worker')[0] ?? '').split(' ')[0]!;
                byWorker[slot] = (byWorker[slot] ?? 0) + 1;
              },
            }
          : {}),
      },
    ];
  } else if (phase.kind === 'post') {
    requests = [
      {
        setupRequest: (request) => {
          // Each prepared submission once, in order; past the end they come round again (the outcome says how many).
          const post = phase.posts[next++ % phase.posts.length]!;
          const headers = { ...request.headers, cookie: post.cookie, 'content-type': 'application/x-www-form-urlencoded' };
          return { ...request, method: 'POST', path: post.path, headers, body: post.body };
        },
        onResponse: (status, _body, _context, headers) => {
          if (status === 303) locations.push(headerValue((headers ?? {}) as Record<string, unknown>, 'location')[0] ?? '');
        },
      },
    ];
  } else {
    // A login is two requests: the page (its pre-login cookie and token), then the form.
    requests = [
      {
        method: 'GET',
        path: '/connexion',
        onResponse: (_status, body, context, headers) => {
          context.token = /name="_csrf" value="([^"]+)"/.exec(body)?.[1] ?? '';
          context.cookie = headerValue((headers ?? {}) as Record<string, unknown>, 'set-cookie')
            .map((line) => line.split(';')[0])
            .join('; ');
        },
      },
      {
        setupRequest: (request, context) => {
          const login = phase.logins[next++ % phase.logins.length]!;
          const body = new URLSearchParams({ _csrf: String(context.token), email: login.email, password: login.password }).toString();
          const headers = { ...request.headers, cookie: String(context.cookie), 'content-type': 'application/x-www-form-urlencoded' };
          return { ...request, method: 'POST', path: '/connexion', headers, body };
        },
      },
    ];
  }
  const instance = autocannon({ url: phase.url, connections: phase.connections, duration: phase.seconds, requests, timeout: 30 });
  instance.on('response', (_client: unknown, status: number, _bytes: number, time: number) => {
    statuses[status] = (statuses[status] ?? 0) + 1;
    if (status === expected) samples.push(time);
  });
  const result = await instance;
  samples.sort((a, b) => a - b);
  const answered = Object.values(statuses).reduce((sum, n) => sum + n, 0);
  // A login phase's GET /connexion answers 200: part of the work, not an error.
  const fine = samples.length + (phase.kind === 'login' ? (statuses[200] ?? 0) : 0);
  return {
    done: samples.length,
    seconds: result.duration,
    perSecond: samples.length / result.duration,
    p50: percentile(samples, 0.5),
    p99: percentile(samples, 0.99),
    errors: answered - fine + result.errors + result.timeouts,
    statuses,
    locations,
    sent: next,
    ...(phase.kind === 'get' && phase.countWorkers ? { byWorker } : {}),
  };
}

const input = await new Promise<string>((resolve) => {
  const chunks: Buffer[] = [];
  process.stdin.on('data', (chunk: Buffer) => chunks.push(chunk));
  process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
});
const phase = JSON.parse(input) as LoadPhase;
const outcome = phase.kind === 'scrypt' ? await scryptPhase(phase) : await httpPhase(phase);
process.stdout.write(JSON.stringify(outcome));
