-- PLACEHOLDER, to be deleted at merge: version 9 belongs to the pre-notification branch's own 0009 migration. It
-- exists only so that this branch's 0010_sepa_publish.sql is in sequence on its own (src/server/migrate.ts refuses a
-- gap). Merged next to the real 0009, two version-9 files make loadMigrations throw « out of sequence »: delete this one.
SELECT 1;
