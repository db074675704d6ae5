-- Billing: tariffs, billing rules, the monthly invoice run, issued invoices and their numbering
-- (src/shared/billing/*: the rules; src/office/billing/*: storage and the run).

-- A child with a PAI who brings its own meal (panier-repas): the tariff's PAI reduction applies.
ALTER TABLE children ADD COLUMN pai_own_meal INTEGER NOT NULL DEFAULT 0 CHECK (pai_own_meal IN (0, 1));

-- Arrival and departure pointed for a service billed by time ('hh:mm', Paris time), NULL when not pointed.
ALTER TABLE planning_days ADD COLUMN arrival TEXT;
ALTER TABLE planning_days ADD COLUMN departure TEXT;

-- The office's day (Paris) at the last publication: when it changes, the families whose published tariffs or QF
-- changed with the day (a tariff starting or ending, a CAF quotient expiring mid-month) are published again.
ALTER TABLE sync_state ADD COLUMN published_day TEXT NOT NULL DEFAULT '';

-- A service's dated tariff (src/shared/billing/tariffs.ts Tariff): definition is the JSON of unit, time, pricing and
-- adjustments, checked by validateTariff / validateTariffSet before every save. No two tariffs of a service overlap.
CREATE TABLE tariffs (
  id             INTEGER PRIMARY KEY,
  service_id     INTEGER NOT NULL REFERENCES services(id),
  school_year_id INTEGER REFERENCES school_years(id),
  valid_from     TEXT NOT NULL,
  valid_to       TEXT NOT NULL,
  definition     TEXT NOT NULL,
  updated_at     TEXT NOT NULL,
  updated_by     INTEGER REFERENCES staff_users(id),
  CHECK (valid_from <= valid_to)
);
CREATE INDEX tariffs_service ON tariffs (service_id, valid_from);

-- A service's billing rules (src/shared/billing/rules.ts BillingRules, JSON); no row = DEFAULT_BILLING_RULES.
CREATE TABLE service_billing_rules (
  service_id INTEGER PRIMARY KEY REFERENCES services(id),
  rules      TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by INTEGER REFERENCES staff_users(id)
);

-- One invoice run per month: drafts regenerated at will while 'draft', frozen once 'issued'.
-- problems and flagged are the JSON DraftProblem[] and FlaggedFamily[] of the last generation.
CREATE TABLE invoice_runs (
  id            INTEGER PRIMARY KEY,
  month         TEXT NOT NULL UNIQUE,
  status        TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'issued')),
  generated_at  TEXT NOT NULL,
  generated_by  INTEGER REFERENCES staff_users(id),
  issued_at     TEXT,
  issued_by     INTEGER REFERENCES staff_users(id),
  problems      TEXT NOT NULL DEFAULT '[]',
  flagged       TEXT NOT NULL DEFAULT '[]'
);

-- The draft of one family in a run: its lines as JSON (DraftLine[], without the days' explanations, which are
-- recomputed when a draft is opened and frozen into the invoice when issued).
CREATE TABLE invoice_drafts (
  run_id       INTEGER NOT NULL REFERENCES invoice_runs(id),
  family_id    INTEGER NOT NULL REFERENCES families(id),
  family_name  TEXT NOT NULL,
  total_cents  INTEGER NOT NULL,
  qf_flagged   INTEGER NOT NULL DEFAULT 0,
  lines        TEXT NOT NULL,
  PRIMARY KEY (run_id, family_id)
) WITHOUT ROWID;

-- The last number given per year: incremented in the same transaction as the invoices it numbers, so a crash or a
-- concurrent issue can neither skip nor repeat a number.
CREATE TABLE invoice_sequences (
  year        INTEGER PRIMARY KEY,
  last_number INTEGER NOT NULL
);

-- An issued invoice, credit note or complementary invoice: numbered in one sequence per year ('2026-000123'), frozen.
-- document is the JSON InvoiceDocument (src/shared/billing/invoice.ts): everything printed, copied at issue time, so a
-- later change of tariff, family or settings never alters it. total_cents is negative for a credit note.
CREATE TABLE invoices (
  id          INTEGER PRIMARY KEY,
  number      TEXT NOT NULL UNIQUE,
  year        INTEGER NOT NULL,
  seq         INTEGER NOT NULL,
  kind        TEXT NOT NULL CHECK (kind IN ('invoice', 'credit_note', 'complementary')),
  family_id   INTEGER NOT NULL REFERENCES families(id),
  run_id      INTEGER REFERENCES invoice_runs(id),
  month       TEXT NOT NULL,
  issue_date  TEXT NOT NULL,
  due_date    TEXT NOT NULL,
  total_cents INTEGER NOT NULL,
  corrects_id INTEGER REFERENCES invoices(id),
  reason      TEXT NOT NULL DEFAULT '',
  issued_at   TEXT NOT NULL,
  issued_by   INTEGER REFERENCES staff_users(id),
  document    TEXT NOT NULL,
  UNIQUE (year, seq),
  CHECK ((kind = 'invoice') = (corrects_id IS NULL))
);
CREATE INDEX invoices_family ON invoices (family_id, issue_date);
CREATE INDEX invoices_run ON invoices (run_id);
CREATE INDEX invoices_corrects ON invoices (corrects_id);

-- The lines of an issued invoice, for totals per service and, later, payments and statements.
CREATE TABLE invoice_lines (
  invoice_id   INTEGER NOT NULL REFERENCES invoices(id),
  position     INTEGER NOT NULL,
  child_id     INTEGER REFERENCES children(id),
  service_id   INTEGER REFERENCES services(id),
  kind         TEXT NOT NULL,
  label        TEXT NOT NULL,
  unit_cents   INTEGER NOT NULL,
  quantity     INTEGER NOT NULL,
  amount_cents INTEGER NOT NULL,
  PRIMARY KEY (invoice_id, position)
) WITHOUT ROWID;

-- Frozen means frozen: the database itself refuses to change or delete an issued invoice or its lines.
CREATE TRIGGER invoices_frozen BEFORE UPDATE ON invoices
BEGIN SELECT RAISE(ABORT, 'an issued invoice is never changed: issue a credit note or a complementary invoice'); END;
CREATE TRIGGER invoices_kept BEFORE DELETE ON invoices
BEGIN SELECT RAISE(ABORT, 'an issued invoice is never deleted'); END;
CREATE TRIGGER invoice_lines_frozen BEFORE UPDATE ON invoice_lines
BEGIN SELECT RAISE(ABORT, 'an issued invoice is never changed'); END;
CREATE TRIGGER invoice_lines_kept BEFORE DELETE ON invoice_lines
BEGIN SELECT RAISE(ABORT, 'an issued invoice is never deleted'); END;
CREATE TRIGGER invoice_runs_issued BEFORE UPDATE ON invoice_runs WHEN OLD.status = 'issued'
BEGIN SELECT RAISE(ABORT, 'an issued run is never changed'); END;

-- Each issued invoice's own PDF, kept once rendered: derived data (an issued invoice never changes, so neither does
-- its PDF), so that printing a month's run is a merge of these, not a thousand invoices laid out again. A row may be
-- missing (not rendered yet) and is then rendered on demand; it is never changed once written.
CREATE TABLE invoice_pdfs (
  invoice_id INTEGER PRIMARY KEY REFERENCES invoices(id),
  pdf        BLOB NOT NULL
);
CREATE TRIGGER invoice_pdfs_frozen BEFORE UPDATE ON invoice_pdfs
BEGIN SELECT RAISE(ABORT, 'an issued invoice''s PDF is never changed'); END;
