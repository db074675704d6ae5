-- migrations/portal/0006_payload_protocol.sql in PostgreSQL's SQL (conventions in 0001_initial.sql): the sync protocol
-- each stored payload came in; every row before it came from an office of protocol 1.
ALTER TABLE publications ADD COLUMN protocol INTEGER NOT NULL DEFAULT 1;
ALTER TABLE portal_content ADD COLUMN protocol INTEGER NOT NULL DEFAULT 1;
