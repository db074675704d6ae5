-- Children's photos out of the publications (issue #14): the office sends each photo's bytes once, by their SHA-256,
-- and a publication carries only the reference. photo_blobs holds each photo once, whatever the number of
-- publications naming it; publication_photos is which hash each family's stored publication names for each child,
-- written with the publication: it decides who may see a photo and which photos no publication needs any more (the
-- maintenance purges those, after a grace period for a photo sent just before its publication).
CREATE TABLE photo_blobs (
  sha256       TEXT PRIMARY KEY,
  mime         TEXT NOT NULL,
  size         INTEGER NOT NULL,
  content      BLOB NOT NULL,
  received_at  TEXT NOT NULL
);

CREATE TABLE publication_photos (
  family_id  INTEGER NOT NULL,
  child_id   INTEGER NOT NULL,
  sha256     TEXT NOT NULL,
  PRIMARY KEY (family_id, child_id)
);
CREATE INDEX publication_photos_sha256 ON publication_photos (sha256);

-- When the office acknowledged an upload's request (its pull cursor moved past the request): the file is purged a
-- safe delay later (src/portal/uploads/retention.ts). Null while the office has not.
ALTER TABLE uploads ADD COLUMN acknowledged_at TEXT;
