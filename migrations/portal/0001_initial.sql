-- The portail famille's own database: what the office published for each family, the families' accounts and
-- sessions, and the requests they submit until the office pulls them. The office database stays the source of truth.
-- Plain SQL that PostgreSQL also accepts, except INTEGER PRIMARY KEY AUTOINCREMENT (an identity column there).

-- A login to the portal: one per responsable the office enabled (a family may have two).
CREATE TABLE accounts (
  id                    INTEGER PRIMARY KEY AUTOINCREMENT,
  family_id             INTEGER NOT NULL,
  responsable_rank      INTEGER NOT NULL,
  email                 TEXT NOT NULL,
  password_hash         TEXT,
  activation_code_hash  TEXT,
  activation_expires_at TEXT,
  activated_at          TEXT,
  disabled              INTEGER NOT NULL DEFAULT 0,
  created_at            TEXT NOT NULL,
  updated_at            TEXT NOT NULL,
  UNIQUE (family_id, responsable_rank)
);
CREATE UNIQUE INDEX accounts_email ON accounts (email);

-- Server-side sessions; id is the SHA-256 of the cookie's token, never the token itself.
CREATE TABLE sessions (
  id           TEXT PRIMARY KEY,
  account_id   INTEGER NOT NULL REFERENCES accounts(id),
  family_id    INTEGER NOT NULL,
  csrf_token   TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  expires_at   TEXT NOT NULL
);
CREATE INDEX sessions_account ON sessions (account_id);

CREATE TABLE password_resets (
  token_hash TEXT PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at    TEXT
);

-- Failed logins per e-mail address and per client address, for growing delays.
CREATE TABLE login_throttle (
  key              TEXT PRIMARY KEY,
  failures         INTEGER NOT NULL,
  last_failure_at  TEXT NOT NULL,
  locked_until     TEXT
);

-- The office's publication for one family (JSON FamilyPublication, src/shared/sync/contract.ts); a publication with a
-- version not above the one held is ignored.
CREATE TABLE publications (
  family_id    INTEGER PRIMARY KEY,
  version      INTEGER NOT NULL,
  data         TEXT NOT NULL,
  published_at TEXT NOT NULL
);

-- Commune-wide content published by the office (JSON PortalSettings): contacts, office hours, news, services, calendar.
CREATE TABLE portal_content (
  key          TEXT PRIMARY KEY,
  version      INTEGER NOT NULL,
  data         TEXT NOT NULL,
  published_at TEXT NOT NULL
);

-- Requests families submit. seq is the office's pull cursor; uid is born here and keeps the office from applying a
-- request twice. The status the family sees comes from the office's publication once it has decided.
CREATE TABLE requests (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  uid          TEXT NOT NULL UNIQUE,
  family_id    INTEGER NOT NULL,
  account_id   INTEGER NOT NULL REFERENCES accounts(id),
  kind         TEXT NOT NULL,
  body         TEXT NOT NULL,
  submitted_at TEXT NOT NULL,
  late         INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX requests_family ON requests (family_id, submitted_at);

-- Mail to send (activation, password reset, decisions), written in the same transaction as what caused it.
CREATE TABLE email_outbox (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  to_address TEXT NOT NULL,
  subject    TEXT NOT NULL,
  text_body  TEXT NOT NULL,
  created_at TEXT NOT NULL,
  sent_at    TEXT,
  attempts   INTEGER NOT NULL DEFAULT 0,
  last_error TEXT
);
CREATE INDEX email_outbox_pending ON email_outbox (sent_at, id);

-- Signed sync calls already seen, to refuse a replay within the timestamp window.
CREATE TABLE sync_nonces (
  nonce   TEXT PRIMARY KEY,
  seen_at TEXT NOT NULL
);
