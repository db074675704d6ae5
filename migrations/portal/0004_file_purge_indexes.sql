-- The purges and the pull's acknowledgement of files read the rows by these columns: without an index each one walks
-- every stored file (a column declared after a BLOB is read past the BLOB's pages), holding the write lock meanwhile.
CREATE INDEX uploads_acknowledged ON uploads (acknowledged_at);
CREATE INDEX photo_blobs_received ON photo_blobs (received_at);
