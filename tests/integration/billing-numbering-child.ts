/**
 * An office process issuing a month, so a test can kill it with SIGKILL at any point (a real crash) or race it
 * against another process on the same file. Args: office db file, username (a régisseur), month.
 * Prints "ready" once logged in, "progress <done>/<total>" as issuing reports it (then holds still
 * GRENETTE_TEST_PAUSE_MS, so a kill lands inside the transaction), and "result <json>" at the end.
 */
import { createOfficeCore } from '../../src/office/api/core.js';
import { openOfficeDatabase } from '../../src/office/db/open.js';
import { silentLogger } from '../../src/office/log.js';
import { TEST_PASSWORD } from '../helpers/office.js';

const [file, username, month] = process.argv.slice(2) as [string, string, string];
const clock = () => new Date(process.env.GRENETTE_TEST_NOW ?? '2026-12-02T09:00:00Z');
const pause = Number(process.env.GRENETTE_TEST_PAUSE_MS ?? 0);
const sleeper = new Int32Array(new SharedArrayBuffer(4));
const database = openOfficeDatabase({ file, clock });
const core = createOfficeCore({ db: database.db, clock, log: silentLogger });
const session = core.openSession();
const login = await core.call(session, 'auth.login', { username, password: TEST_PASSWORD });
if (!login.ok) throw new Error(`login failed: ${JSON.stringify(login.error)}`);
process.stdout.write('ready\n');
const result = await core.call(session, 'invoiceRuns.issue', { month }, (progress) => {
  process.stdout.write(`progress ${progress.done}/${progress.total}\n`);
  // Holds the transaction open a moment: the parent's SIGKILL then lands in the middle of the issue.
  if (pause > 0) Atomics.wait(sleeper, 0, 0, pause);
});
process.stdout.write(`result ${JSON.stringify(result.ok ? { ok: true, numbers: (result.value as { numbers: unknown }).numbers } : result)}\n`);
await database.close();
