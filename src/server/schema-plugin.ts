import { WithSchemaPlugin, type Kysely } from 'kysely';

/**
 * Kysely's WithSchemaPlugin (every table of a query qualified by one PostgreSQL schema) with its schema readable: the
 * portal keeps each commune in a schema of its own on one database (src/portal/communes), and what is cached or locked
 * per database (reusable-query.ts, the portal's advisory locks) must tell one commune's schema from another's, though
 * they share the connection pool and the dialect's adapter.
 */
export class SchemaPlugin extends WithSchemaPlugin {
  constructor(readonly schema: string) {
    super(schema);
  }
}

/** The schema a Kysely (or one of its transactions) qualifies its tables with; null: none, the connection's search_path. */
export function schemaOf(db: Kysely<never> | Kysely<unknown> | { getExecutor(): { plugins: ReadonlyArray<unknown> } }): string | null {
  for (const plugin of db.getExecutor().plugins) if (plugin instanceof SchemaPlugin) return plugin.schema;
  return null;
}
