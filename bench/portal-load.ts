import { spawn, spawnSync } from 'node:child_process';
import { scrypt } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import autocannon from 'autocannon';

/**
 * The load generator of `npm run bench:portal` (bench/portal-server.ts), run as a process of its own so that the
 * server it measures has the cores to itself apart from this client, the same for the portal and for the bare
 * node:http server it is compared with. It reads one phase as JSON on stdin, runs it and writes the outcome as JSON on
 * stdout. A GET phase runs with wrk when the orchestrator chose it (`generator: 'wrk'`, see loadGenerator), otherwise
 * with autocannon; the POST phases (a form with its CSRF token, a login's two requests) always with autocannon.
 */

/** Which client sends a GET phase's requests: wrk (C, one thread) or autocannon (Node). */
export type Generator = 'wrk' | 'autocannon';

export type LoadPhase =
  | { kind: 'get'; url: string; connections: number; seconds: number; targets: { path: string; cookie: string }[]; countWorkers?: boolean; generator?: Generator }
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
  /** The client that sent the requests (a scrypt phase: none). */
  generator?: Generator;
}

/**
 * The GET phases' client for a whole run, chosen once so that each phase and its floor are loaded by the same one:
 * wrk when it is on the PATH (unless GRENETTE_BENCH_GENERATOR=autocannon), autocannon otherwise. wrk is a C client
 * that serves 50 connections from one thread for a fraction of the CPU autocannon takes (a Node process parsing every
 * answer): on two cores the client's share is taken from the server measured, from a second worker most of all.
 */
export function loadGenerator(env: NodeJS.ProcessEnv = process.env): Generator {
  const asked = env.GRENETTE_BENCH_GENERATOR;
  if (asked !== undefined && asked !== '' && asked !== 'wrk' && asked !== 'autocannon') {
    throw new Error(`GRENETTE_BENCH_GENERATOR=${asked} : attendu wrk ou autocannon`);
  }
  const wrk = spawnSync('wrk', ['--version'], { encoding: 'utf8' });
  const present = !wrk.error;
  if (asked === 'wrk' && !present) throw new Error('GRENETTE_BENCH_GENERATOR=wrk mais wrk est introuvable (apt-get install wrk)');
  return asked === 'autocannon' || !present ? 'autocannon' : 'wrk';
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

/**
 * wrk's script for a GET phase: every target's request formatted once at start (its path and the family's session
 * cookie), then sent in turn, one target after the other as autocannon does. Each answer's status is counted (and,
 * with countWorkers, the worker named in its header): wrk's own count would take any 2xx or 3xx for a page served, a
 * redirect to the login page too. At the end, one line of JSON: the counts, the socket errors and time-outs, and
 * wrk's latency percentiles (every request's time, in microseconds).
 */
const WRK_SCRIPT = `
local requests = {}
local count = 0
local sent = 0
statuses = {}
workers = {}
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(args[1]) do
    local tab = line:find("\\t", 1, true)
    local headers = {}
    local cookie = line:sub(tab + 1)
    if cookie ~= "" then headers["Cookie"] = cookie end
    count = count + 1
    requests[count] = wrk.format("GET", line:sub(1, tab - 1), headers)
  end
  countWorkers = args[2] == "workers"
  if countWorkers then
    response = function(status, headers)
      statuses[status] = (statuses[status] or 0) + 1
      local slot = (headers["x-grenette-worker"] or ""):match("^(%S*)") or ""
      workers[slot] = (workers[slot] or 0) + 1
    end
  end
end

function request()
  sent = sent % count + 1
  return requests[sent]
end

function response(status)
  statuses[status] = (statuses[status] or 0) + 1
end

local function object(map)
  local parts = {}
  for key, value in pairs(map) do table.insert(parts, string.format("%q:%d", tostring(key), value)) end
  return "{" .. table.concat(parts, ",") .. "}"
end

function done(summary, latency)
  local all, byWorker = {}, {}
  for _, thread in ipairs(threads) do
    for key, value in pairs(thread:get("statuses")) do all[key] = (all[key] or 0) + value end
    for key, value in pairs(thread:get("workers")) do byWorker[key] = (byWorker[key] or 0) + value end
  end
  local e = summary.errors
  io.write(string.format('\\nWRK-JSON {"duration":%d,"requests":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"p50":%d,"p99":%d,"statuses":%s,"byWorker":%s}\\n',
    summary.duration, summary.requests, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), object(all), object(byWorker)))
end
`;

/** A GET phase with wrk (one thread, the phase's connections), its outcome read from the script's last line. */
async function wrkPhase(phase: Extract<LoadPhase, { kind: 'get' }>): Promise<LoadOutcome> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grenette-wrk-'));
  try {
    const script = path.join(dir, 'phase.lua');
    const targets = path.join(dir, 'targets.tsv');
    fs.writeFileSync(script, WRK_SCRIPT);
    fs.writeFileSync(targets, phase.targets.map((t) => `${t.path}\t${t.cookie}`).join('\n') + '\n');
    const args = ['-t1', `-c${phase.connections}`, `-d${phase.seconds}s`, '--timeout', '30s', '-s', script, phase.url, '--', targets, phase.countWorkers ? 'workers' : ''];
    const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const line = /^WRK-JSON (.*)$/m.exec(out)?.[1];
    if (code !== 0 || !line) throw new Error(`wrk failed (${code}): ${err.slice(-2000)} ${out.slice(-2000)}`);
    const w = JSON.parse(line) as {
      duration: number; requests: number; connect: number; read: number; write: number; status: number; timeout: number;
      p50: number; p99: number; statuses: Record<string, number>; byWorker: Record<string, number>;
    };
    const seconds = w.duration / 1e6;
    const done = w.statuses['200'] ?? 0;
    const answered = Object.values(w.statuses).reduce((sum, n) => sum + n, 0);
    return {
      done,
      seconds,
      perSecond: done / seconds,
      // wrk's percentiles cover every request; a phase's errors are counted apart and make it fail its goal anyway.
      p50: w.p50 / 1000,
      p99: w.p99 / 1000,
      errors: answered - done + w.connect + w.read + w.write + w.timeout,
      statuses: w.statuses,
      locations: [],
      sent: w.requests,
      ...(phase.countWorkers ? { byWorker: w.byWorker } : {}),
      generator: 'wrk',
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function httpPhase(phase: Exclude<LoadPhase, { kind: 'scrypt' }>): Promise<LoadOutcome> {
  if (phase.kind === 'get' && phase.generator === 'wrk') return wrkPhase(phase);
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
    generator: 'autocannon',
  };
}

// Run as the load generator's process (the orchestrator only imports loadGenerator from here).
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const input = await new Promise<string>((resolve) => {
    const chunks: Buffer[] = [];
    process.stdin.on('data', (chunk: Buffer) => chunks.push(chunk));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
  const phase = JSON.parse(input) as LoadPhase;
  const outcome = phase.kind === 'scrypt' ? await scryptPhase(phase) : await httpPhase(phase);
  process.stdout.write(JSON.stringify(outcome));
}
