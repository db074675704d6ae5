import type { Compilable } from 'kysely';
import { reusableQuery, type QueryValue, type ReusableQuery } from '../../server/reusable-query.js';
import type { OfficeDatabase } from './schema.js';
import type { OfficeDb } from './open.js';

/**
 * A query of the office's hot reads, built and compiled once (src/server/reusable-query.ts says the rules):
 * `const byId = officeQuery((db, id: number) => db.selectFrom('children').selectAll().where('id', '=', id));`
 * then `await byId.first(db, 12)`, with the office's Kysely or a transaction.
 */
export function officeQuery<Args extends readonly QueryValue[], Row>(
  build: (db: OfficeDb, ...args: Args) => Compilable<Row>,
): ReusableQuery<OfficeDatabase, Args, Row> {
  return reusableQuery(build);
}
