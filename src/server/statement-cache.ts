import type BetterSqlite3 from 'better-sqlite3';

/**
 * Prepared statements kept by SQL text, so a query the office or the portal runs again does not pay better-sqlite3's
 * `prepare` again (Kysely's SqliteDialect prepares every statement anew on every call: about 40 % of a sync pull).
 *
 * Handed to Kysely as its SqliteDialect `database`: Kysely only calls `prepare(sql)` (then at once `all`, `run` or
 * `iterate` on the statement) and `close()`. Code that prepares statements by hand asks the same cache.
 *
 * Rules of use:
 * - The cache is bounded: least recently used statements are dropped (the garbage collector finalises them), so
 *   queries whose text varies (IN lists of every length) cannot make it grow without end.
 * - A cached statement is shared by every caller of the same SQL text: never change its modes (`pluck`, `raw`,
 *   `expand`, `safeIntegers`, `bind`): prepare on the raw database for that.
 * - Ask for the statement right before running it, never keep it across awaits: a statement that is still iterating
 *   (an open `iterate()`) is busy, and the cache then hands out a fresh, uncached statement instead of the busy one.
 * - Schema changes empty the cache. SQLite re-prepares a statement whose schema changed, but a statement is compiled
 *   against the tables of its day: rather than trust that for every DDL (a table dropped and recreated with other
 *   columns, an altered table), every schema change goes through one of two doors that forget all statements: the
 *   migration runner (`migrate` calls `forgetStatements`), and any CREATE / DROP / ALTER / ATTACH / DETACH prepared
 *   through the cache (Kysely's schema builder, raw DDL), which is never cached itself. Code that changes the schema
 *   on the raw database some other way must call `forgetStatements` itself.
 */

/** Large enough for every query text of the office, small enough to bound memory (a statement is a few KB). */
export const DEFAULT_STATEMENT_CAPACITY = 1000;

export interface StatementCacheStats {
  /** Statements actually prepared by SQLite (misses, DDL, busy fallbacks). */
  prepares: number;
  /** Statements served from the cache. */
  hits: number;
  /** Statements dropped because the cache was full. */
  evictions: number;
  /** Times the cache was emptied by a schema change. */
  clears: number;
  /** Statements held right now. */
  size: number;
}

/** Leading blanks and SQL comments, then a statement that changes the schema. */
const SCHEMA_CHANGE = /^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*(?:create|drop|alter|attach|detach)\b/i;

export function changesSchema(sql: string): boolean {
  return SCHEMA_CHANGE.test(sql);
}

/** Each open database's cache, so the migration runner, which only sees the raw database, can empty it. */
const caches = new WeakMap<BetterSqlite3.Database, StatementCache>();

export class StatementCache {
  /** Insertion order is recency order: a hit moves its statement to the end, eviction takes the first. */
  readonly #statements = new Map<string, BetterSqlite3.Statement>();
  #prepares = 0;
  #hits = 0;
  #evictions = 0;
  #clears = 0;

  constructor(
    readonly sqlite: BetterSqlite3.Database,
    readonly capacity: number = DEFAULT_STATEMENT_CAPACITY,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`statement cache capacity ${capacity} must be ≥ 1`);
    if (caches.has(sqlite)) throw new Error('this database already has a statement cache');
    caches.set(sqlite, this);
  }

  prepare(sql: string): BetterSqlite3.Statement {
    const cached = this.#statements.get(sql);
    if (cached) {
      // A statement in the middle of an iteration cannot run again until it ends: give this caller its own.
      if (cached.busy) return this.#fresh(sql);
      this.#hits += 1;
      this.#statements.delete(sql);
      this.#statements.set(sql, cached);
      return cached;
    }
    if (changesSchema(sql)) {
      this.clear();
      return this.#fresh(sql);
    }
    const statement = this.#fresh(sql);
    this.#statements.set(sql, statement);
    if (this.#statements.size > this.capacity) {
      const oldest = this.#statements.keys().next().value as string;
      this.#statements.delete(oldest);
      this.#evictions += 1;
    }
    return statement;
  }

  /** Forgets every statement: the next query of each text is prepared against the schema as it is now. */
  clear(): void {
    this.#statements.clear();
    this.#clears += 1;
  }

  /** Kysely's destroy(): the statements go with the database. */
  close(): void {
    this.#statements.clear();
    caches.delete(this.sqlite);
    if (this.sqlite.open) this.sqlite.close();
  }

  stats(): StatementCacheStats {
    return {
      prepares: this.#prepares,
      hits: this.#hits,
      evictions: this.#evictions,
      clears: this.#clears,
      size: this.#statements.size,
    };
  }

  #fresh(sql: string): BetterSqlite3.Statement {
    this.#prepares += 1;
    return this.sqlite.prepare(sql);
  }
}

/** Empties the cache of this database, if it has one: call after changing the schema outside the cache. */
export function forgetStatements(sqlite: BetterSqlite3.Database): void {
  caches.get(sqlite)?.clear();
}
