-- SEPA pre-notifications (DOMAIN.md « SEPA »: the family is told the amount, the date, the RUM and the ICS at least
-- preNotificationDays before the debit). One row per notice given: an invoice document issued with its directDebit
-- block (source 'invoice'), or an « avis de prélèvement » printed and posted by the office (source 'avis') when the
-- invoice had none, its open amount changed, or a debit of it was rejected. A batch only takes an invoice with a notice
-- of its mandate's RUM, of the amount debited, announcing a date on or before the collection date, given early enough
-- and given after the invoice's last rejected debit (src/office/sepa/eligibility.ts). Never changed, never deleted.
CREATE TABLE sepa_notices (
  id            INTEGER PRIMARY KEY,
  invoice_id    INTEGER NOT NULL REFERENCES invoices(id),
  family_id     INTEGER NOT NULL REFERENCES families(id),
  mandate_id    INTEGER NOT NULL REFERENCES sepa_mandates(id),
  -- The RUM as announced (a mandate's RUM never changes; kept so the notice reads on its own).
  rum           TEXT NOT NULL,
  amount_cents  INTEGER NOT NULL CHECK (amount_cents > 0),
  -- The debit date announced to the family.
  debit_date    TEXT NOT NULL,
  -- The day the family was told: the invoice's issue date, or the day the avis was printed.
  notified_on   TEXT NOT NULL,
  source        TEXT NOT NULL CHECK (source IN ('invoice', 'avis')),
  created_at    TEXT NOT NULL,
  created_by    INTEGER REFERENCES staff_users(id)
);
CREATE INDEX sepa_notices_invoice ON sepa_notices (invoice_id);

-- The notice each debit was prepared under: a rejected debit uses up its notice and every older one of its invoice,
-- so the next debit needs a newer notice (compared by id, not by time: two rows of one instant stay ordered).
ALTER TABLE sepa_debits ADD COLUMN notice_id INTEGER REFERENCES sepa_notices(id);

CREATE TRIGGER sepa_notices_frozen BEFORE UPDATE ON sepa_notices
BEGIN SELECT RAISE(ABORT, 'a pre-notification is never changed: send a new one'); END;
CREATE TRIGGER sepa_notices_kept BEFORE DELETE ON sepa_notices
BEGIN SELECT RAISE(ABORT, 'a pre-notification is never deleted'); END;

-- The invoices pre-notified by their document before this migration: their notice, read from the frozen document, so
-- a database upgraded between an issue and its collection keeps its batches.
INSERT INTO sepa_notices (invoice_id, family_id, mandate_id, rum, amount_cents, debit_date, notified_on, source, created_at, created_by)
SELECT i.id, i.family_id, m.id, m.rum, json_extract(i.document, '$.directDebit.amountCents'),
       json_extract(i.document, '$.directDebit.debitDate'), i.issue_date, 'invoice', i.issued_at, i.issued_by
FROM invoices i
JOIN sepa_mandates m ON m.rum = json_extract(i.document, '$.directDebit.mandateReference')
WHERE json_extract(i.document, '$.directDebit.amountCents') > 0
  AND json_extract(i.document, '$.directDebit.debitDate') IS NOT NULL;

-- 0008's freeze of a sent batch let its count, control sum, message id, version and sending stamps change: a sent
-- batch now only ever gets its settled_at (once).
DROP TRIGGER sepa_batches_sent_frozen;
CREATE TRIGGER sepa_batches_sent_frozen BEFORE UPDATE ON sepa_batches
WHEN OLD.status <> 'prepared' AND NOT (
  OLD.status = 'sent' AND NEW.status = 'sent' AND OLD.settled_at IS NULL
  AND NEW.id = OLD.id AND NEW.message_id = OLD.message_id AND NEW.collection_date = OLD.collection_date
  AND NEW.debit_count = OLD.debit_count AND NEW.control_sum_cents = OLD.control_sum_cents
  AND NEW.created_at = OLD.created_at AND NEW.created_by IS OLD.created_by
  AND NEW.sent_at IS OLD.sent_at AND NEW.sent_by IS OLD.sent_by
  AND NEW.sent_version IS OLD.sent_version AND NEW.sent_xml IS OLD.sent_xml
  AND NEW.cancelled_at IS OLD.cancelled_at AND NEW.cancelled_by IS OLD.cancelled_by)
BEGIN SELECT RAISE(ABORT, 'a batch sent or cancelled is never edited'); END;

-- A debit prepared before this migration and not yet sent, under the notice its invoice's document gave (recorded
-- above) when it announced that amount; one without is refused at export (src/office/sepa/pain008-export.ts): it was
-- prepared by the former rule, which did not require a pre-notification.
UPDATE sepa_debits SET notice_id = (
  SELECT MAX(n.id) FROM sepa_notices n
  WHERE n.invoice_id = sepa_debits.invoice_id AND n.mandate_id = sepa_debits.mandate_id AND n.amount_cents = sepa_debits.amount_cents)
WHERE notice_id IS NULL AND status = 'pending';
