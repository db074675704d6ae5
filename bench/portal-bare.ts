import cluster from 'node:cluster';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The floor of `npm run bench:portal` (bench/portal-server.ts): bare node:http in a process of its own, loaded by the
 * same generator as the portal. A GET answers an HTML page of the size asked (`?octets=N`, the size of the portal's
 * page it stands for) with a cookie; a POST reads and parses its form and answers 303, as the portal does. It writes
 * its port on stdout once listening.
 *
 * BENCH_BARE_WORKERS=2: the same server in two processes on one port (node:cluster, as GRENETTE_PORTAL_WORKERS runs
 * the portal), the floor of the cores' comparison: what two processes of nothing but node:http get from this machine
 * beside one, the most two portal workers could get from it.
 */

const pages = new Map<number, Buffer>();

function pageOf(size: number): Buffer {
  let page = pages.get(size);
  if (!page) {
    const head = '<!doctype html><html lang="fr"><title>Banc</title><body>';
    page = Buffer.from(head + 'x'.repeat(Math.max(0, size - head.length)), 'utf8');
    pages.set(size, page);
  }
  return page;
}

function serve(): void {
  let counter = 0;
  const server = http.createServer((request, response) => {
    if (request.method === 'GET') {
      const size = Number(new URL(request.url ?? '/', 'http://banc').searchParams.get('octets') ?? 1024);
      const page = pageOf(Number.isInteger(size) && size > 0 ? size : 1024);
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': page.length, 'set-cookie': `banc=${++counter}; Path=/; HttpOnly` });
      response.end(page);
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const uid = `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`;
      response.writeHead(form.has('_csrf') ? 303 : 403, { location: `/planning?demande=${uid}`, 'content-length': 0 });
      response.end();
    });
  });
  server.listen(0, '127.0.0.1', () => {
    const port = (server.address() as AddressInfo).port;
    if (cluster.isWorker) process.send?.({ port });
    else process.stdout.write(`${port}\n`);
  });
  process.once('SIGTERM', () => server.close(() => process.exit(0)));
}

const workers = Number(process.env.BENCH_BARE_WORKERS ?? '1');
if (workers > 1 && cluster.isPrimary) {
  let listening = 0;
  for (let n = 0; n < workers; n += 1) {
    cluster.fork().on('message', (message: { port?: number }) => {
      // listen(0) in a cluster's workers gives them all the same port: said once they all listen.
      if (typeof message.port === 'number' && (listening += 1) === workers) process.stdout.write(`${message.port}\n`);
    });
  }
  process.once('SIGTERM', () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill();
    process.exit(0);
  });
} else {
  serve();
}
