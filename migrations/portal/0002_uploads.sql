-- Files families upload (a child's photo, an absence's certificate), kept apart from the request's JSON body: once,
-- as bytes (not base64), re-encoded when they are images. The office pull joins them back into the request it sends,
-- so the sync contract is unchanged and the office receives each file with its request, once. sha256 is the hash of
-- the file as the family sent it (a photo identical to a pending one is refused).
CREATE TABLE uploads (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  request_uid  TEXT NOT NULL,
  family_id    INTEGER NOT NULL,
  kind         TEXT NOT NULL,
  child_id     INTEGER,
  sha256       TEXT NOT NULL,
  mime         TEXT NOT NULL,
  size         INTEGER NOT NULL,
  content      BLOB NOT NULL,
  created_at   TEXT NOT NULL,
  UNIQUE (request_uid, kind)
);
CREATE INDEX uploads_family ON uploads (family_id, kind, created_at);

-- One-time submission keys of the families' forms (src/portal/http/submission.ts): the first post of a key and content
-- is handled, a repeat (double tap, a second tab, the back button) gets the first answer. status and location stay
-- null while the first post is being handled.
CREATE TABLE form_submissions (
  submission_key TEXT NOT NULL,
  fingerprint    TEXT NOT NULL,
  account_id     INTEGER NOT NULL,
  status         INTEGER,
  location       TEXT,
  created_at     TEXT NOT NULL,
  PRIMARY KEY (submission_key, fingerprint)
);
CREATE INDEX form_submissions_created ON form_submissions (created_at);
