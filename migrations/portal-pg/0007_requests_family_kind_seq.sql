-- migrations/portal/0007_requests_family_kind_seq.sql in PostgreSQL's SQL: the family's planning requests by seq, read
-- at every view of the planning page.
CREATE INDEX requests_family_kind_seq ON requests (family_id, kind, seq);
