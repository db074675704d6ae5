/**
 * A portal process for the workers' test of concurrent writers: opens the portal's database as a worker does, prints
 * "ready", waits for the file `go` in the data folder (so two of them start together), then records `count` login
 * failures on one key through the portal's own recordFailure (a transaction reading then writing), and prints
 * "done <JSON { errors, first }>". Args: data folder, count.
 */
import fs from 'node:fs';
import path from 'node:path';
import { recordFailure } from '../../src/portal/auth/throttle.js';
import { openPortalDatabase } from '../../src/portal/db/open.js';

const [dataDir, count] = process.argv.slice(2) as [string, string];
const opened = openPortalDatabase(dataDir, () => new Date());
process.stdout.write('ready\n');
while (!fs.existsSync(path.join(dataDir, 'go'))) await new Promise((resolve) => setTimeout(resolve, 5));
let errors = 0;
let first: string | null = null;
for (let n = 0; n < Number(count); n += 1) {
  try {
    await recordFailure(opened.db, [{ key: 'login:pair:192.0.2.1:concurrent@example.test', scope: 'pair' }], new Date());
  } catch (error) {
    errors += 1;
    first ??= error instanceof Error ? error.message : String(error);
  }
}
await opened.close();
process.stdout.write(`done ${JSON.stringify({ errors, first })}\n`);
