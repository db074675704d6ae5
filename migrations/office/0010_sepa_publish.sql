-- The portail famille shows each invoice's direct debit (en cours, prélevée, rejetée: src/office/sync/publication.ts),
-- so a change of a debit republishes its family, whichever writer made it: the same dirty tracking as 0003's family
-- data. The SEPA writers also mark their families in their transactions; these triggers are the floor under them.

-- A debit added to a batch, collected, rejected (with its fee) or cancelled with its batch.
CREATE TRIGGER sync_dirty_sepa_debits_ins AFTER INSERT ON sepa_debits BEGIN
  INSERT INTO sync_dirty (family_id, mark) VALUES (NEW.family_id, 1) ON CONFLICT (family_id) DO UPDATE SET mark = mark + 1;
END;
CREATE TRIGGER sync_dirty_sepa_debits_upd AFTER UPDATE ON sepa_debits BEGIN
  INSERT INTO sync_dirty (family_id, mark) VALUES (NEW.family_id, 1) ON CONFLICT (family_id) DO UPDATE SET mark = mark + 1;
END;

-- The published state reads the batch's status (a pending debit of a cancelled batch is no debit) and its collection
-- date (« Prélèvement prévu le … »), which may move while the batch is only prepared: every family of the batch.
-- (The WHERE also keeps SQLite's parser from reading ON CONFLICT as a join's ON.)
CREATE TRIGGER sync_dirty_sepa_batches_upd AFTER UPDATE OF status, collection_date ON sepa_batches
WHEN NEW.status IS NOT OLD.status OR NEW.collection_date IS NOT OLD.collection_date BEGIN
  INSERT INTO sync_dirty (family_id, mark)
  SELECT DISTINCT family_id, 1 FROM sepa_debits WHERE batch_id = NEW.id
  ON CONFLICT (family_id) DO UPDATE SET mark = mark + 1;
END;

-- The families with a debit already on file when this migration runs: their publication was made before it carried
-- the debits, so it would still offer a debited invoice on PayFiP. Republished at the next sync.
INSERT INTO sync_dirty (family_id, mark)
SELECT DISTINCT family_id, 1 FROM sepa_debits WHERE status <> 'cancelled'
ON CONFLICT (family_id) DO UPDATE SET mark = mark + 1;
