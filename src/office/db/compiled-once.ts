import type { Compilable, CompiledQuery, Kysely, QueryResult, Transaction } from 'kysely';
import type { OfficeDatabase } from './schema.js';

/**
 * A Kysely query built and compiled once, then run with new values: for a statement a batch runs once per item (a
 * decision of a thousand items updates a thousand planning days), where building and compiling the query each time
 * costs several times what SQLite does. The SQL text stays the same, so the statement cache serves the prepared
 * statement every time too.
 *
 * The query is written with the typed builder as usual; each varying value is `param('name')`, a placeholder of the
 * value's type. Constants written in the builder stay as compiled. A value the builder does not turn into a bound
 * parameter (an identifier, `sql.lit`, a list whose length varies) cannot be a placeholder: running then fails loudly.
 */

type Db = Kysely<OfficeDatabase> | Transaction<OfficeDatabase>;

const MARK = '\u0000grenette-param:';

export type Param<P> = <K extends keyof P & string>(name: K) => P[K];

export interface CompiledOnce<P> {
  run(db: Db, values: P): Promise<QueryResult<unknown>>;
}

export function compiledOnce<P extends object>(build: (db: Db, param: Param<P>) => Compilable): CompiledOnce<P> {
  let compiled: CompiledQuery | null = null;
  let names: (string | null)[] = [];
  const param = ((name: string) => `${MARK}${name}`) as Param<P>;
  return {
    async run(db, values) {
      if (!compiled) {
        const fresh = build(db, param).compile();
        if (fresh.sql.includes(MARK)) throw new Error('compiled query: a placeholder was written into the SQL text, not bound');
        names = fresh.parameters.map((value) => (typeof value === 'string' && value.startsWith(MARK) ? value.slice(MARK.length) : null));
        compiled = fresh;
      }
      const parameters = compiled.parameters.map((value, index) => {
        const name = names[index];
        if (name === null || name === undefined) return value;
        if (!(name in values)) throw new Error(`compiled query: no value for ${name}`);
        return (values as Record<string, unknown>)[name];
      });
      return db.executeQuery({ ...compiled, parameters });
    },
  };
}
