-- migrations/portal/0003_photo_store.sql in PostgreSQL's SQL (conventions in 0001_initial.sql): children's photos kept
-- once by their SHA-256, which photo each family's stored publication names for each child, and when the office
-- acknowledged an upload's request.
CREATE TABLE photo_blobs (
  sha256       TEXT PRIMARY KEY,
  mime         TEXT NOT NULL,
  size         INTEGER NOT NULL,
  content      BYTEA NOT NULL,
  received_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE publication_photos (
  family_id  BIGINT NOT NULL,
  child_id   BIGINT NOT NULL,
  sha256     TEXT NOT NULL,
  PRIMARY KEY (family_id, child_id)
);
CREATE INDEX publication_photos_sha256 ON publication_photos (sha256);

ALTER TABLE uploads ADD COLUMN acknowledged_at TIMESTAMPTZ;
