-- migrations/portal/0004_file_purge_indexes.sql in PostgreSQL's SQL (conventions in 0001_initial.sql).
CREATE INDEX uploads_acknowledged ON uploads (acknowledged_at);
CREATE INDEX photo_blobs_received ON photo_blobs (received_at);
