-- The identity of the portal's database the office pulls from (src/portal/sync/identity.ts): request numbers belong to
-- one database. A portal moved to another one (PostgreSQL, a data folder started afresh) under the same address numbers
-- its requests from 1 again, so the office's cursor must start over and every family be published again; '' until the
-- first pull that tells it (a portal of before the identity tells none).
ALTER TABLE sync_state ADD COLUMN portal_id TEXT NOT NULL DEFAULT '';
