import path from 'node:path';
import { parseArgs } from 'node:util';
import { systemClock } from '../../shared/clock.js';
import { openOfficeDatabase } from '../db/open.js';
import { DEFAULT_SEED, DEMO_PASSWORD, seedDemoCommune } from './seed.js';

/** `npm run demo -- --db <file> --families <n> [--seed <n>]`: adds the demo commune to a database (created if needed). */

const { values } = parseArgs({
  options: {
    db: { type: 'string' },
    families: { type: 'string' },
    seed: { type: 'string' },
  },
});

if (!values.db) {
  console.error('Usage : npm run demo -- --db <fichier> [--families <nombre>] [--seed <nombre>]');
  process.exit(2);
}

const families = values.families === undefined ? 'default' : Number(values.families);
const seed = values.seed === undefined ? DEFAULT_SEED : Number(values.seed);
if ((families !== 'default' && (!Number.isInteger(families) || families < 0)) || !Number.isInteger(seed)) {
  console.error('--families et --seed attendent des nombres entiers.');
  process.exit(2);
}

const file = path.resolve(values.db);
const database = openOfficeDatabase({ file, clock: systemClock });
try {
  const started = performance.now();
  const summary = await seedDemoCommune(database.db, { scale: families, clock: systemClock, seed });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stdout.write(
    `Commune de démonstration ajoutée à ${file} en ${seconds} s : ${summary.families} familles, ${summary.children} enfants.\n` +
      (summary.staff.length > 0
        ? `Comptes créés : ${summary.staff.join(', ')} (mot de passe : ${DEMO_PASSWORD}).\n`
        : 'Les comptes de démonstration existaient déjà.\n'),
  );
} finally {
  await database.close();
}
