-- Search as you type indexed, phones in E.164.

-- Whether the family is archived, beside its haystack: the grid walks the active families in name order through an
-- index without visiting the families table. Kept by the store layer with the haystack (refreshFamilySearch).
ALTER TABLE family_search ADD COLUMN etat TEXT NOT NULL DEFAULT 'actif';
UPDATE family_search SET etat = 'archivee'
WHERE family_id IN (SELECT id FROM families WHERE archived_at IS NOT NULL);

-- The FTS5 trigram index over family_search (external content: the text lives once, in family_search), kept in step
-- by triggers whatever writes family_search (refreshFamilySearch, the rebuild at opening, the demo). A query word of
-- 3 characters or more is a MATCH on it instead of a LIKE over every family.
CREATE VIRTUAL TABLE family_search_fts USING fts5(
  haystack,
  content = 'family_search',
  content_rowid = 'family_id',
  tokenize = 'trigram'
);
INSERT INTO family_search_fts (family_search_fts) VALUES ('rebuild');

CREATE TRIGGER family_search_fts_insert AFTER INSERT ON family_search BEGIN
  INSERT INTO family_search_fts (rowid, haystack) VALUES (new.family_id, new.haystack);
END;
CREATE TRIGGER family_search_fts_delete AFTER DELETE ON family_search BEGIN
  INSERT INTO family_search_fts (family_search_fts, rowid, haystack) VALUES ('delete', old.family_id, old.haystack);
END;
CREATE TRIGGER family_search_fts_update AFTER UPDATE OF haystack ON family_search BEGIN
  INSERT INTO family_search_fts (family_search_fts, rowid, haystack) VALUES ('delete', old.family_id, old.haystack);
  INSERT INTO family_search_fts (rowid, haystack) VALUES (new.family_id, new.haystack);
END;

-- Queries of 1 or 2 characters have no trigram: they match the start of the first responsable's name, the haystack's
-- first part ('dupont helene | …'), through these indexes, which also give the grid its order (name, then id).
ALTER TABLE family_search ADD COLUMN name_key TEXT
  GENERATED ALWAYS AS (substr(haystack, 1, instr(haystack || ' | ', ' | ') - 1)) VIRTUAL;
CREATE INDEX family_search_name_key ON family_search (name_key);
CREATE INDEX family_search_etat_name_key ON family_search (etat, name_key);

-- The children grid's order read through an index rather than a sort of every child.
CREATE INDEX children_name ON children (nom, prenom, id);

-- Phones to E.164 by the shared rule (src/shared/validation/phone.ts, registered as grenette_phone by
-- src/office/db/open.ts): a value that is not a phone is kept as it was typed, never erased, and counted below.
UPDATE responsables SET
  tel_mobile = grenette_phone(tel_mobile),
  tel_fixe = grenette_phone(tel_fixe),
  tel_pro = grenette_phone(tel_pro)
WHERE tel_mobile <> '' OR tel_fixe <> '' OR tel_pro <> '';
UPDATE children SET medecin_tel = grenette_phone(medecin_tel) WHERE medecin_tel <> '';
UPDATE authorised_persons SET tel1 = grenette_phone(tel1), tel2 = grenette_phone(tel2) WHERE tel1 <> '' OR tel2 <> '';

-- How many phones could not be read and were kept as typed (for the agents to correct): settings row phones_kept_as_typed.
INSERT INTO settings (key, value)
SELECT 'phones_kept_as_typed', json_object('count', count(*), 'at', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
FROM (
  SELECT tel_mobile AS tel FROM responsables UNION ALL SELECT tel_fixe FROM responsables
  UNION ALL SELECT tel_pro FROM responsables UNION ALL SELECT medecin_tel FROM children
  UNION ALL SELECT tel1 FROM authorised_persons UNION ALL SELECT tel2 FROM authorised_persons
)
WHERE tel <> '' AND tel NOT GLOB '+[1-9]*';

-- The haystacks hold the phones' international digits too: rebuilt at the next opening (search-index.ts).
DELETE FROM settings WHERE key = 'search_index_version';
