-- Grenette office database, first schema: staff, families, children, documents, audit.
-- Calendar days are ISO dates (TEXT 'YYYY-MM-DD'); instants are ISO UTC strings; money is integer cents.
-- Nothing is hard-deleted: families and children are archived (archived_at).

CREATE TABLE staff_users (
  id            INTEGER PRIMARY KEY,
  username      TEXT NOT NULL UNIQUE COLLATE NOCASE,
  display_name  TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('agent', 'regisseur', 'admin')),
  password_hash TEXT NOT NULL,
  active        INTEGER NOT NULL DEFAULT 1,
  created_at    TEXT NOT NULL
);

CREATE TABLE schools (
  id      INTEGER PRIMARY KEY,
  name    TEXT NOT NULL UNIQUE,
  address TEXT NOT NULL DEFAULT ''
);

CREATE TABLE families (
  id                   INTEGER PRIMARY KEY,
  situation            TEXT NOT NULL DEFAULT '',
  resident             INTEGER NOT NULL DEFAULT 1,
  -- fiscal notice (avis d'imposition): revenu fiscal de référence in cents, parts in hundredths (2.5 parts = 250)
  fiscal_rfr_cents     INTEGER,
  fiscal_parts_x100    INTEGER,
  fiscal_year          INTEGER,
  caf_regime           TEXT NOT NULL DEFAULT '' CHECK (caf_regime IN ('', 'CAF', 'MSA', 'AUTRE')),
  caf_number           TEXT NOT NULL DEFAULT '',
  caf_qf               INTEGER,
  caf_qf_valid_until   TEXT,
  bank_holder          TEXT NOT NULL DEFAULT '',
  bank_iban            TEXT NOT NULL DEFAULT '',
  bank_bic             TEXT NOT NULL DEFAULT '',
  notes                TEXT NOT NULL DEFAULT '',
  created_at           TEXT NOT NULL,
  updated_at           TEXT NOT NULL,
  archived_at          TEXT
);

-- Responsable 1 (rank 1) and responsable 2 / conjoint (rank 2) of a family.
CREATE TABLE responsables (
  id             INTEGER PRIMARY KEY,
  family_id      INTEGER NOT NULL REFERENCES families(id),
  rank           INTEGER NOT NULL CHECK (rank IN (1, 2)),
  civilite       TEXT NOT NULL DEFAULT '' CHECK (civilite IN ('', 'M.', 'Mme')),
  nom            TEXT NOT NULL,
  prenom         TEXT NOT NULL,
  date_naissance TEXT,
  adresse        TEXT NOT NULL DEFAULT '',
  code_postal    TEXT NOT NULL DEFAULT '',
  ville          TEXT NOT NULL DEFAULT '',
  tel_mobile     TEXT NOT NULL DEFAULT '',
  tel_fixe       TEXT NOT NULL DEFAULT '',
  email          TEXT NOT NULL DEFAULT '',
  profession     TEXT NOT NULL DEFAULT '',
  employeur      TEXT NOT NULL DEFAULT '',
  tel_pro        TEXT NOT NULL DEFAULT '',
  UNIQUE (family_id, rank)
);

CREATE TABLE family_documents (
  id            INTEGER PRIMARY KEY,
  family_id     INTEGER NOT NULL REFERENCES families(id),
  kind          TEXT NOT NULL,
  label         TEXT NOT NULL DEFAULT '',
  document_date TEXT NOT NULL,
  file_name     TEXT NOT NULL,
  mime          TEXT NOT NULL,
  content       BLOB NOT NULL,
  created_at    TEXT NOT NULL,
  archived_at   TEXT
);

CREATE TABLE children (
  id                 INTEGER PRIMARY KEY,
  family_id          INTEGER NOT NULL REFERENCES families(id),
  nom                TEXT NOT NULL,
  prenom             TEXT NOT NULL,
  sexe               TEXT NOT NULL CHECK (sexe IN ('F', 'M')),
  date_naissance     TEXT NOT NULL,
  school_id          INTEGER REFERENCES schools(id),
  classe             TEXT NOT NULL DEFAULT '',
  -- dietary regime: never a religion-revealing category (CNIL)
  regime             TEXT NOT NULL DEFAULT 'standard'
                     CHECK (regime IN ('standard', 'sans_porc', 'vegetarien', 'sans_viande')),
  photo              BLOB,
  photo_mime         TEXT,
  allergies          TEXT NOT NULL DEFAULT '',
  pai                INTEGER NOT NULL DEFAULT 0,
  pai_end            TEXT,
  pai_details        TEXT NOT NULL DEFAULT '',
  medecin_nom        TEXT NOT NULL DEFAULT '',
  medecin_tel        TEXT NOT NULL DEFAULT '',
  medical_notes      TEXT NOT NULL DEFAULT '',
  auth_droit_image   INTEGER NOT NULL DEFAULT 0,
  auth_sortie_seule  INTEGER NOT NULL DEFAULT 0,
  auth_transport     INTEGER NOT NULL DEFAULT 0,
  auth_soins_urgence INTEGER NOT NULL DEFAULT 0,
  created_at         TEXT NOT NULL,
  updated_at         TEXT NOT NULL,
  archived_at        TEXT
);

CREATE TABLE vaccinations (
  id       INTEGER PRIMARY KEY,
  child_id INTEGER NOT NULL REFERENCES children(id),
  vaccine  TEXT NOT NULL,
  date     TEXT NOT NULL
);

CREATE TABLE authorised_persons (
  id            INTEGER PRIMARY KEY,
  child_id      INTEGER NOT NULL REFERENCES children(id),
  nom           TEXT NOT NULL,
  prenom        TEXT NOT NULL,
  relation      TEXT NOT NULL DEFAULT '',
  tel1          TEXT NOT NULL DEFAULT '',
  tel2          TEXT NOT NULL DEFAULT '',
  may_pick_up   INTEGER NOT NULL DEFAULT 1,
  emergency     INTEGER NOT NULL DEFAULT 0
);

-- Complementary data: fields the office defines for children or families.
CREATE TABLE custom_fields (
  id       INTEGER PRIMARY KEY,
  entity   TEXT NOT NULL CHECK (entity IN ('family', 'child')),
  label    TEXT NOT NULL,
  kind     TEXT NOT NULL CHECK (kind IN ('text', 'boolean', 'date')),
  active   INTEGER NOT NULL DEFAULT 1,
  UNIQUE (entity, label)
);

CREATE TABLE custom_values (
  field_id  INTEGER NOT NULL REFERENCES custom_fields(id),
  entity_id INTEGER NOT NULL,
  value     TEXT NOT NULL,
  PRIMARY KEY (field_id, entity_id)
);

-- Every staff change: who, when, which record and field, old and new value.
CREATE TABLE audit_log (
  id         INTEGER PRIMARY KEY,
  at         TEXT NOT NULL,
  user_id    INTEGER REFERENCES staff_users(id),
  family_id  INTEGER,
  child_id   INTEGER,
  entity     TEXT NOT NULL,
  entity_id  INTEGER,
  action     TEXT NOT NULL,
  field      TEXT NOT NULL DEFAULT '',
  old_value  TEXT,
  new_value  TEXT
);
CREATE INDEX audit_log_family ON audit_log (family_id, at);
CREATE INDEX audit_log_child ON audit_log (child_id, at);

CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- Search as you type: one normalised haystack per family (names of responsables and children, emails, phones digits,
-- allocataire number), kept by the families service in the same transaction as each change, matched with LIKE.
CREATE TABLE family_search (
  family_id INTEGER PRIMARY KEY REFERENCES families(id),
  haystack  TEXT NOT NULL
);

CREATE INDEX responsables_family ON responsables (family_id);
CREATE INDEX children_family ON children (family_id);
CREATE INDEX documents_family ON family_documents (family_id);
CREATE INDEX vaccinations_child ON vaccinations (child_id);
CREATE INDEX authorised_child ON authorised_persons (child_id);
