-- The families' accounts at the régie (src/shared/billing/account.ts, allocation.ts; src/office/accounts/*):
-- payments, refunds and their cancellations, what settles which invoice, the closed cash days, reminders.
-- Money is append-only: nothing here is ever updated or deleted (the triggers below refuse it); a mistake is
-- cancelled by a counter-entry.

-- A payment received, a refund paid out, or the cancellation of one of them (cancels_id), each counted in the régie's
-- day `day` (the cash journal). method's details: a cheque's number, bank and drawer; CESU titles and their value; a
-- PayFiP transaction or transfer reference.
CREATE TABLE account_movements (
  id              INTEGER PRIMARY KEY,
  family_id       INTEGER NOT NULL REFERENCES families(id),
  kind            TEXT NOT NULL CHECK (kind IN ('payment', 'refund', 'cancellation')),
  method          TEXT NOT NULL CHECK (method IN ('especes', 'cheque', 'cesu', 'carte', 'virement', 'prelevement', 'payfip')),
  day             TEXT NOT NULL,
  amount_cents    INTEGER NOT NULL CHECK (amount_cents > 0),
  cheque_number   TEXT NOT NULL DEFAULT '',
  cheque_bank     TEXT NOT NULL DEFAULT '',
  cheque_drawer   TEXT NOT NULL DEFAULT '',
  cesu_count      INTEGER,
  cesu_unit_cents INTEGER,
  reference       TEXT NOT NULL DEFAULT '',
  note            TEXT NOT NULL DEFAULT '',
  cancels_id      INTEGER UNIQUE REFERENCES account_movements(id),
  recorded_at     TEXT NOT NULL,
  recorded_by     INTEGER REFERENCES staff_users(id),
  CHECK ((kind = 'cancellation') = (cancels_id IS NOT NULL))
);
CREATE INDEX account_movements_family ON account_movements (family_id, day);
CREATE INDEX account_movements_day ON account_movements (day);

-- Money put on a debt: from a payment (source_movement_id) or a credit note (source_invoice_id), to an invoice or a
-- complementary invoice (target_invoice_id) or a refund (target_movement_id). Cancelling a payment adds the opposite
-- of each of its allocations (negative amounts), so the sums per source and per target always tell what is left.
CREATE TABLE allocations (
  id                 INTEGER PRIMARY KEY,
  family_id          INTEGER NOT NULL REFERENCES families(id),
  source_movement_id INTEGER REFERENCES account_movements(id),
  source_invoice_id  INTEGER REFERENCES invoices(id),
  target_invoice_id  INTEGER REFERENCES invoices(id),
  target_movement_id INTEGER REFERENCES account_movements(id),
  amount_cents       INTEGER NOT NULL CHECK (amount_cents <> 0),
  at                 TEXT NOT NULL,
  CHECK ((source_movement_id IS NULL) <> (source_invoice_id IS NULL)),
  CHECK ((target_invoice_id IS NULL) <> (target_movement_id IS NULL))
);
CREATE INDEX allocations_family ON allocations (family_id);
CREATE INDEX allocations_source_movement ON allocations (source_movement_id) WHERE source_movement_id IS NOT NULL;
CREATE INDEX allocations_target_invoice ON allocations (target_invoice_id) WHERE target_invoice_id IS NOT NULL;

-- A day of the régie closed by the régisseur: its movements are final (summary: the JSON totals by method at closing).
CREATE TABLE cash_days (
  day       TEXT PRIMARY KEY,
  closed_at TEXT NOT NULL,
  closed_by INTEGER REFERENCES staff_users(id),
  summary   TEXT NOT NULL
) WITHOUT ROWID;

-- A reminder (relance) sent to a family: level 1 or 2, the invoices it names and what was due on them that day,
-- the addresses it was mailed to (JSON array, empty when printed only).
CREATE TABLE reminders (
  id           INTEGER PRIMARY KEY,
  family_id    INTEGER NOT NULL REFERENCES families(id),
  level        INTEGER NOT NULL CHECK (level IN (1, 2)),
  day          TEXT NOT NULL,
  amount_cents INTEGER NOT NULL,
  invoice_ids  TEXT NOT NULL,
  emailed_to   TEXT NOT NULL DEFAULT '[]',
  recorded_at  TEXT NOT NULL,
  recorded_by  INTEGER REFERENCES staff_users(id)
);
CREATE INDEX reminders_family ON reminders (family_id, day);

-- A family set aside from reminders (a payment plan, a disputed invoice), with the régisseur's note.
CREATE TABLE reminder_holds (
  family_id INTEGER PRIMARY KEY REFERENCES families(id),
  reason    TEXT NOT NULL CHECK (reason IN ('payment_plan', 'dispute')),
  note      TEXT NOT NULL,
  since     TEXT NOT NULL,
  set_by    INTEGER REFERENCES staff_users(id)
) WITHOUT ROWID;

CREATE TRIGGER account_movements_frozen BEFORE UPDATE ON account_movements
BEGIN SELECT RAISE(ABORT, 'a payment is never changed: cancel it by a counter-entry'); END;
CREATE TRIGGER account_movements_kept BEFORE DELETE ON account_movements
BEGIN SELECT RAISE(ABORT, 'a payment is never deleted: cancel it by a counter-entry'); END;
CREATE TRIGGER account_movements_closed_day BEFORE INSERT ON account_movements
WHEN EXISTS (SELECT 1 FROM cash_days WHERE day = NEW.day)
BEGIN SELECT RAISE(ABORT, 'this cash day is closed'); END;
CREATE TRIGGER allocations_frozen BEFORE UPDATE ON allocations
BEGIN SELECT RAISE(ABORT, 'an allocation is never changed'); END;
CREATE TRIGGER allocations_kept BEFORE DELETE ON allocations
BEGIN SELECT RAISE(ABORT, 'an allocation is never deleted'); END;
CREATE TRIGGER cash_days_frozen BEFORE UPDATE ON cash_days
BEGIN SELECT RAISE(ABORT, 'a closed cash day is never reopened'); END;
CREATE TRIGGER cash_days_kept BEFORE DELETE ON cash_days
BEGIN SELECT RAISE(ABORT, 'a closed cash day is never reopened'); END;
CREATE TRIGGER reminders_frozen BEFORE UPDATE ON reminders
BEGIN SELECT RAISE(ABORT, 'a reminder sent is never changed'); END;
