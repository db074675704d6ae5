import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveDataPaths } from '../office/config/paths.js';
import { createLogger } from '../office/log.js';
import { startOfficeWorker } from '../office/worker/host.js';
import { workerClockStartingAt, type WorkerClock } from '../office/worker/protocol.js';
import { parseDevBridgeArgs } from './request-guards.js';
import { startDevBridge } from './server.js';

/*
 * `npx tsx src/devbridge/cli.ts [--db <file>] [--port <n>] [--no-demo]`: the office API and the built renderer on
 * 127.0.0.1, for development in a normal browser and for the Playwright tests. The office core runs in its worker
 * thread, as in the Electron app, so the browser tests go through the same path. Prints exactly one line on stdout,
 * GRENETTE_DEV_URL=..., once ready; everything else goes to stderr. GRENETTE_CLOCK=<ISO instant> starts the office's
 * clock at that instant (browser tests on a known date); the Electron app never reads it.
 */

function devClock(env: NodeJS.ProcessEnv): WorkerClock {
  const start = env.GRENETTE_CLOCK;
  if (!start) return { kind: 'system' };
  const instant = new Date(start);
  if (Number.isNaN(instant.getTime())) throw new Error(`GRENETTE_CLOCK n'est pas une date ISO valide : ${start}`);
  return workerClockStartingAt(instant);
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const { port, demo } = parseDevBridgeArgs(argv);
  const paths = resolveDataPaths(argv, process.env, path.join(repoRoot, '.data'));
  fs.mkdirSync(path.dirname(paths.logFile), { recursive: true });
  const log = createLogger(paths.logFile);
  const rendererDir = path.join(repoRoot, 'dist', 'renderer');
  if (!fs.existsSync(path.join(rendererDir, 'index.html'))) {
    console.warn(`Interface non construite (${rendererDir}) : lancez d'abord « npm run build:renderer ».`);
  }
  const office = await startOfficeWorker({
    config: { paths, clock: devClock(process.env), demoOnFirstRun: demo, log: 'file' },
    log,
  });
  const bridge = await startDevBridge({
    core: office,
    rendererDir,
    port,
    ...(process.env.GRENETTE_DEV_TOKEN ? { token: process.env.GRENETTE_DEV_TOKEN } : {}),
    log,
  });
  process.stdout.write(`GRENETTE_DEV_URL=${bridge.url}\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('dev bridge stopping', { signal });
    bridge
      .close()
      .then(() => office.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          log.error('dev bridge stop failed', { error: String(error) });
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(`Le pont de développement n'a pas pu démarrer : ${error instanceof Error ? error.message : String(error)}`);
  if (error instanceof Error && error.stack) console.error(error.stack);
  process.exit(1);
});
