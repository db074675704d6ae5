-- SEPA direct debit (src/shared/sepa/*, src/office/sepa/*): mandates set up from a scanned RIB, their accounts over
-- time, collection batches exported as pain.008, and rejected debits. DOMAIN.md « SEPA direct debit ».
-- IBANs are never stored in clear: iban_cipher is the AES-256-GCM sealed IBAN (src/office/sepa/iban-vault.ts), and
-- iban_masked what screens without the régisseur's right show (« FR76 •••• •••• 189 »).

-- A mandate: one per family at a time that is not revoked or lapsed. status: 'a_signer' (printed, not yet signed back),
-- 'actif', 'suspendu' (two rejects: until the office acts), 'revoque', 'caduc' (36 months without a collection).
CREATE TABLE sepa_mandates (
  id                 INTEGER PRIMARY KEY,
  family_id          INTEGER NOT NULL REFERENCES families(id),
  rum                TEXT NOT NULL UNIQUE,
  status             TEXT NOT NULL CHECK (status IN ('a_signer', 'actif', 'suspendu', 'revoque', 'caduc')),
  signed_on          TEXT,
  created_at         TEXT NOT NULL,
  created_by         INTEGER REFERENCES staff_users(id),
  ended_on           TEXT,
  -- Why it ended or was suspended, in French, as the office typed it or the rule said.
  status_note        TEXT NOT NULL DEFAULT '',
  last_collection_on TEXT,
  -- Signed exactly when active or suspended; a mandate revoked (or lapsed) may never have been signed back.
  CHECK ((status = 'a_signer' AND signed_on IS NULL) OR (status IN ('actif', 'suspendu') AND signed_on IS NOT NULL)
         OR status IN ('revoque', 'caduc'))
);
CREATE INDEX sepa_mandates_family ON sepa_mandates (family_id);
CREATE UNIQUE INDEX sepa_mandates_one_live ON sepa_mandates (family_id) WHERE status IN ('a_signer', 'actif', 'suspendu');

-- The debtor's account of a mandate: the first row is the account signed; each later one an amendment (a change of
-- account keeps the mandate and its RUM, and the former account stays here). The newest row (highest id) is in force.
CREATE TABLE sepa_mandate_accounts (
  id           INTEGER PRIMARY KEY,
  mandate_id   INTEGER NOT NULL REFERENCES sepa_mandates(id),
  holder       TEXT NOT NULL,
  iban_cipher  TEXT NOT NULL,
  iban_masked  TEXT NOT NULL,
  bic          TEXT NOT NULL,
  bank_name    TEXT NOT NULL DEFAULT '',
  -- The scanned RIB it was read from (family_documents, kind 'rib'), when there was one.
  document_id  INTEGER REFERENCES family_documents(id),
  valid_from   TEXT NOT NULL,
  recorded_at  TEXT NOT NULL,
  recorded_by  INTEGER REFERENCES staff_users(id)
);
CREATE INDEX sepa_mandate_accounts_mandate ON sepa_mandate_accounts (mandate_id);

-- A collection batch: prepared, then sent to the bank (exported and marked sent: frozen) or cancelled before that.
-- Its debits are settled as payments on the ledger at the collection date.
CREATE TABLE sepa_batches (
  id                INTEGER PRIMARY KEY,
  message_id        TEXT NOT NULL UNIQUE,
  collection_date   TEXT NOT NULL,
  status            TEXT NOT NULL CHECK (status IN ('prepared', 'sent', 'cancelled')),
  debit_count       INTEGER NOT NULL,
  control_sum_cents INTEGER NOT NULL,
  created_at        TEXT NOT NULL,
  created_by        INTEGER REFERENCES staff_users(id),
  sent_at           TEXT,
  sent_by           INTEGER REFERENCES staff_users(id),
  -- The pain.008 version of the file sent ('pain.008.001.02' or 'pain.008.001.08') and the file itself, kept as sent.
  sent_version      TEXT,
  sent_xml          TEXT,
  cancelled_at      TEXT,
  cancelled_by      INTEGER REFERENCES staff_users(id),
  settled_at        TEXT
);

-- One debit of a batch: one invoice's amount due, from one mandate's account in force when the batch was prepared.
-- status: 'pending' (batch prepared or sent, not yet collected), 'collected' (a payment movement on the ledger),
-- 'rejected' (the payment cancelled by a counter-entry), 'cancelled' (its batch cancelled before it was sent).
CREATE TABLE sepa_debits (
  id                    INTEGER PRIMARY KEY,
  batch_id              INTEGER NOT NULL REFERENCES sepa_batches(id),
  invoice_id            INTEGER NOT NULL REFERENCES invoices(id),
  family_id             INTEGER NOT NULL REFERENCES families(id),
  mandate_id            INTEGER NOT NULL REFERENCES sepa_mandates(id),
  account_id            INTEGER NOT NULL REFERENCES sepa_mandate_accounts(id),
  amount_cents          INTEGER NOT NULL CHECK (amount_cents > 0),
  end_to_end_id         TEXT NOT NULL UNIQUE,
  sequence_type         TEXT NOT NULL CHECK (sequence_type IN ('FRST', 'RCUR', 'OOFF', 'FNAL')),
  status                TEXT NOT NULL CHECK (status IN ('pending', 'collected', 'rejected', 'cancelled')),
  payment_movement_id   INTEGER REFERENCES account_movements(id),
  reject_code           TEXT,
  reject_day            TEXT,
  reject_movement_id    INTEGER REFERENCES account_movements(id),
  -- The fee invoiced for the reject (a complementary invoice), when the régisseur added one.
  reject_fee_invoice_id INTEGER REFERENCES invoices(id),
  rejected_at           TEXT,
  rejected_by           INTEGER REFERENCES staff_users(id)
);
CREATE INDEX sepa_debits_batch ON sepa_debits (batch_id);
CREATE INDEX sepa_debits_invoice ON sepa_debits (invoice_id);
CREATE INDEX sepa_debits_family ON sepa_debits (family_id);
-- An invoice is in at most one live debit (pending or collected) at a time.
CREATE UNIQUE INDEX sepa_debits_one_live ON sepa_debits (invoice_id) WHERE status IN ('pending', 'collected');

-- A family whose debit was rejected: flagged on its file and in the régie's grid until the régisseur clears it.
CREATE TABLE sepa_family_flags (
  family_id  INTEGER PRIMARY KEY REFERENCES families(id),
  since      TEXT NOT NULL,
  reason     TEXT NOT NULL
) WITHOUT ROWID;

CREATE TRIGGER sepa_mandate_accounts_frozen BEFORE UPDATE ON sepa_mandate_accounts
BEGIN SELECT RAISE(ABORT, 'a mandate account is never changed: amend the mandate'); END;
CREATE TRIGGER sepa_mandate_accounts_kept BEFORE DELETE ON sepa_mandate_accounts
BEGIN SELECT RAISE(ABORT, 'a mandate account is never deleted'); END;
CREATE TRIGGER sepa_batches_sent_frozen BEFORE UPDATE ON sepa_batches
WHEN OLD.status <> 'prepared' AND NOT (OLD.status = 'sent' AND NEW.status = 'sent' AND OLD.settled_at IS NULL
  AND NEW.sent_xml IS OLD.sent_xml AND NEW.collection_date = OLD.collection_date)
BEGIN SELECT RAISE(ABORT, 'a batch sent or cancelled is never edited'); END;
CREATE TRIGGER sepa_batches_kept BEFORE DELETE ON sepa_batches
BEGIN SELECT RAISE(ABORT, 'a batch is never deleted'); END;
CREATE TRIGGER sepa_debits_kept BEFORE DELETE ON sepa_debits
BEGIN SELECT RAISE(ABORT, 'a debit is never deleted'); END;
