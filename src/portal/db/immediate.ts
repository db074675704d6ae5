import { CompiledQuery, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type SqliteDialectConfig } from 'kysely';

/**
 * Kysely begins SQLite transactions DEFERRED: the write lock is taken at the first write. With several portal processes
 * on one file (GRENETTE_PORTAL_WORKERS), a transaction that reads then writes (a throttle counter, a family's quotas, a
 * publication's version) would fail when another process wrote between its read and its first write: SQLite cannot
 * move a stale read snapshot up to a write and answers SQLITE_BUSY at once, which busy_timeout does not wait out. Every
 * transaction of the portal writes, so each begins IMMEDIATE: it takes the write lock first (waiting up to
 * busy_timeout, prepareDatabase, while another process holds it) and reads under it what it then writes.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

export class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}
