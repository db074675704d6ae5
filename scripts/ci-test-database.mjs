// CI: the database `test` the portal's PostgreSQL tests use, created on the server at 127.0.0.1:5432 when missing.
// Through node-postgres (installed by npm ci) rather than psql: a machine may run PostgreSQL without its client tools.
import pg from 'pg';

const client = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
await client.connect();
try {
  const found = await client.query("SELECT 1 FROM pg_database WHERE datname = 'test'");
  if (found.rowCount === 0) {
    await client.query('CREATE DATABASE test');
    console.warn('PostgreSQL: database test created');
  }
} finally {
  await client.end();
}
