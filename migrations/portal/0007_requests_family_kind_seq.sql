-- The planning page reads, at every view, the seq of the family's last planning request (its mark: planning/model.ts
-- parses the family's requests again only when it moved) and, when it moved, those requests in seq order: both from
-- this index alone, however long the family's history of requests.
CREATE INDEX requests_family_kind_seq ON requests (family_id, kind, seq);
