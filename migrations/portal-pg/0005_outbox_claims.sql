-- migrations/portal/0005_outbox_claims.sql in PostgreSQL's SQL (conventions in 0001_initial.sql): the mail outbox
-- sent once by several senders on one database; a sender claims rows (claim_token) until claimed_until.
ALTER TABLE email_outbox ADD COLUMN claim_token TEXT;
ALTER TABLE email_outbox ADD COLUMN claimed_until TIMESTAMPTZ;
