-- The mail outbox sent once by several senders (portal servers sharing one database, each with its own sender): a
-- sender claims rows before sending them (claim_token, its own random id, until claimed_until), and a claim whose
-- sender died expires, so another sends the mail later (src/portal/mail/outbox.ts).
ALTER TABLE email_outbox ADD COLUMN claim_token TEXT;
ALTER TABLE email_outbox ADD COLUMN claimed_until TEXT;
