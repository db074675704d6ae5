-- Each payload stored from the office keeps the sync protocol it came in (src/shared/sync/protocol.ts), so the portal
-- reads it against that protocol's schema and upgrades it to the current shape (src/shared/sync/upgrade.ts). Every
-- row written before this migration came from an office of protocol 1 (no protocol header, photos inline or by
-- reference): protocol 1. The database's identity (portal_content 'portal_id') is not from the office: its protocol
-- means nothing.
ALTER TABLE publications ADD COLUMN protocol INTEGER NOT NULL DEFAULT 1;
ALTER TABLE portal_content ADD COLUMN protocol INTEGER NOT NULL DEFAULT 1;
