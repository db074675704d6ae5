/**
 * The office's pull in its own process, so a test can kill it with SIGKILL at any point (a real crash). Prints
 * "committed <cursor>" after each page and its cursor are committed. Args: office db file, portal URL, secret.
 */
import { openOfficeDatabase } from '../../src/office/db/open.js';
import { portalClient } from '../../src/office/sync/client.js';
import { pullRequests } from '../../src/office/sync/pull.js';

const [file, url, secret] = process.argv.slice(2) as [string, string, string];
// The parent's instant, moving with real time, so both ends agree within the signature's five minutes.
const start = new Date(process.env.GRENETTE_TEST_NOW ?? Date.now()).getTime();
const origin = Date.now();
const clock = () => new Date(start + (Date.now() - origin));
const database = openOfficeDatabase({ file, clock });
const outcome = await pullRequests(
  database.db,
  portalClient(url, secret, clock),
  clock,
  {
    afterCommit: async (page) => {
      process.stdout.write(`committed ${page.next}\n`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    },
  },
  Number(process.env.GRENETTE_PAGE_SIZE ?? 3),
);
process.stdout.write(`done ${outcome.received}\n`);
await database.close();
