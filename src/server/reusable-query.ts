import { CompiledQuery, type Compilable, type Kysely } from 'kysely';
import { SchemaPlugin } from './schema-plugin.js';

/**
 * A Kysely query built and compiled once, then run again with new values. Building and compiling a query with
 * Kysely's builder costs about 10 µs, three times what SQLite takes to answer a lookup by key: on the office's hot
 * reads (a family file, a month's planning: a handful of queries each) the builder was most of the time. The
 * statement cache (statement-cache.ts) then finds the prepared statement by the same SQL text.
 *
 * `build` receives stand-ins for its arguments and must use each of them as a plain value of the query (`where`,
 * `limit`, a `sql` template's `${value}`), never look at them: the query is built once, with the stand-ins, so
 * a builder that branches on an argument, spreads it into an IN list, concatenates it into a pattern or passes it
 * to `sql.lit` / `sql.raw` would be frozen on its first shape; the last three are caught when it compiles. Constants of
 * the query (a rank, a status) stay as built.
 *
 * Runs through the caller's Kysely or Transaction, so it waits its turn on the connection like any other query and
 * sees the caller's transaction. The SQL text is the dialect's (SQLite's `?`, PostgreSQL's `$1`): it is compiled once
 * per database (a Kysely and its transactions share their dialect's adapter, the key), so one process may run the
 * same query on a SQLite file and on a PostgreSQL database (the portal takes either). The one plugin allowed is
 * SchemaPlugin (schema-plugin.ts: the portal's communes, each in its schema on one PostgreSQL pool): the query is
 * compiled once per adapter and schema, since the schema is written into its SQL text. Any other plugin is refused
 * when the query first runs: its query transformation would be skipped (the SQL is sent as compiled).
 */

export type QueryValue = string | number | bigint | null | Uint8Array;

/** Marks an argument's place among the compiled parameters; a NUL never starts a real value of the office or
 * the portal. */
const STAND_IN = '\u0000reusable-query-argument-';

interface Compiled {
  sql: string;
  query: CompiledQuery['query'];
  /** Per parameter: the index of the argument it takes, or the constant it keeps. */
  slots: ({ argument: number } | { constant: unknown })[];
}

/** Run through a Kysely or a Transaction (a Transaction is a Kysely). */
export interface ReusableQuery<DB, Args extends readonly QueryValue[], Row> {
  /** Every row. */
  all(db: Kysely<DB>, ...args: Args): Promise<Row[]>;
  /** The first row, or undefined. */
  first(db: Kysely<DB>, ...args: Args): Promise<Row | undefined>;
  /** The SQL text, compiled on first use. */
  sql(db: Kysely<DB>): string;
}

function compile<DB>(build: (db: Kysely<DB>, ...args: never[]) => Compilable<unknown>, db: Kysely<DB>): Compiled {
  const arity = build.length - 1;
  const standIns = Array.from({ length: arity }, (_, index) => `${STAND_IN}${index}`);
  const compiled = (build as (db: Kysely<DB>, ...args: string[]) => Compilable<unknown>)(db, ...standIns).compile();
  if (compiled.sql.includes(STAND_IN)) throw new Error(`reusable query: an argument is written into the SQL text: ${compiled.sql}`);
  const used = new Set<number>();
  const slots = compiled.parameters.map((parameter) => {
    if (typeof parameter !== 'string' || !parameter.includes(STAND_IN)) return { constant: parameter };
    const index = standIns.indexOf(parameter);
    if (index < 0) throw new Error(`reusable query: an argument is changed before it is bound: ${compiled.sql}`);
    used.add(index);
    return { argument: index };
  });
  if (used.size !== arity) throw new Error(`reusable query: ${arity - used.size} argument(s) never bound: ${compiled.sql}`);
  return { sql: compiled.sql, query: compiled.query, slots };
}

/** The schema a query is compiled for: '' (no plugin) or SchemaPlugin's; another plugin is refused (see above). */
function schemaKey(plugins: ReadonlyArray<unknown>): string {
  if (plugins.length === 0) return '';
  const [plugin] = plugins;
  if (plugins.length === 1 && plugin instanceof SchemaPlugin) return `schema:${plugin.schema}`;
  throw new Error('reusable query: a Kysely with plugins other than one SchemaPlugin would run its queries untransformed');
}

/**
 * `reusableQuery((db, id: number) => db.selectFrom('children').selectAll().where('id', '=', id))`: the query's
 * arguments after `db` are its values, declared as parameters of `build` (their count is `build.length - 1`).
 */
export function reusableQuery<DB, Args extends readonly QueryValue[], Row>(
  build: (db: Kysely<DB>, ...args: Args) => Compilable<Row>,
): ReusableQuery<DB, Args, Row> {
  // Per adapter (one per database), then per schema ('' without SchemaPlugin).
  const compiledFor = new WeakMap<object, Map<string, Compiled>>();
  const ready = (db: Kysely<DB>): Compiled => {
    const executor = db.getExecutor();
    let bySchema = compiledFor.get(executor.adapter);
    if (!bySchema) compiledFor.set(executor.adapter, (bySchema = new Map()));
    const schema = schemaKey(executor.plugins);
    let compiled = bySchema.get(schema);
    if (!compiled) bySchema.set(schema, (compiled = compile(build as never, db)));
    return compiled;
  };
  const all = async (db: Kysely<DB>, ...args: Args): Promise<Row[]> => {
    const { sql, query, slots } = ready(db);
    const parameters = slots.map((slot) => ('argument' in slot ? args[slot.argument] : slot.constant));
    const result = await db.executeQuery<Row>({ ...CompiledQuery.raw(sql, parameters), query } as CompiledQuery<Row>);
    return result.rows;
  };
  return {
    all,
    first: async (db, ...args) => (await all(db, ...args))[0],
    sql: (db) => ready(db).sql,
  };
}
