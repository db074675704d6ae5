-- Sync with the portail famille: pairing and progress, what each family last published, which families changed since,
-- activation codes, and portal requests the office could not even record as refused.

-- One row: the portal this office is paired with. cursor = the last portal request seq stored here (same transaction
-- as the requests of its page). next_version feeds the publication versions.
CREATE TABLE sync_state (
  id                  INTEGER PRIMARY KEY CHECK (id = 1),
  portal_url          TEXT NOT NULL DEFAULT '',
  secret              TEXT NOT NULL DEFAULT '',
  cursor              INTEGER NOT NULL DEFAULT 0,
  pulled_requests     INTEGER NOT NULL DEFAULT 0,
  last_success_at     TEXT,
  last_attempt_at     TEXT,
  last_error          TEXT,
  last_version        INTEGER NOT NULL DEFAULT 0,
  settings_hash       TEXT NOT NULL DEFAULT '',
  -- first day of the planning window last published: a new month republishes every family
  window_from         TEXT NOT NULL DEFAULT ''
);
INSERT INTO sync_state (id) VALUES (1);

-- The version of each family's data the portal acknowledged.
CREATE TABLE family_publications (
  family_id    INTEGER PRIMARY KEY REFERENCES families(id),
  version      INTEGER NOT NULL,
  published_at TEXT NOT NULL
);

-- Families changed since their last publication. mark grows with every change, so the publisher clears a family only
-- if nothing changed while it was sending (same mark as read before building the publication).
CREATE TABLE sync_dirty (
  family_id INTEGER PRIMARY KEY,
  mark      INTEGER NOT NULL
);
INSERT INTO sync_dirty (family_id, mark) SELECT id, 1 FROM families;

-- One activation code per responsable, hash only (the code itself is shown once to the agent who issued it).
CREATE TABLE portal_activations (
  family_id   INTEGER NOT NULL REFERENCES families(id),
  rank        INTEGER NOT NULL CHECK (rank IN (1, 2)),
  code_hash   TEXT NOT NULL,
  expires_at  TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  created_by  INTEGER REFERENCES staff_users(id),
  PRIMARY KEY (family_id, rank)
);

-- Portal requests that could not be stored even as refused (unknown family): kept, never dropped, never pulled twice.
CREATE TABLE sync_rejects (
  uid          TEXT PRIMARY KEY,
  family_id    INTEGER NOT NULL,
  body         TEXT NOT NULL,
  reason       TEXT NOT NULL,
  received_at  TEXT NOT NULL
);

-- Commune contacts and office hours shown on the portal (DOMAIN.md), and the news; settings the office may change.
INSERT OR IGNORE INTO settings (key, value) VALUES
  ('portal.commune', '{"name":"Epagny Metz-Tessy","service":"Service Enfance Jeunesse","address":"15 rue de la Grenette, 74370 Epagny Metz-Tessy","email":"enfance-jeunesse@epagnymetztesy.fr","phone":"04 50 22 98 19","hours":["Lundi et vendredi : 8h30-12h00","Mardi et jeudi : 13h30-17h30","Mercredi : 8h30-12h00 et 13h30-17h30"]}'),
  ('portal.news', '[]');

-- Dirty tracking: every change a family could see marks it.
CREATE TRIGGER sync_dirty_families_ins AFTER INSERT ON families BEGIN
  INSERT INTO sync_dirty (family_id, mark) VALUES (NEW.id, 1) ON CONFLICT (family_id) DO UPDATE SET mark = mark + 1;
END;
CREATE TRIGGER sync_dirty_families_upd AFTER UPDATE ON families BEGIN
  INSERT INTO sync_dirty (family_id, mark) VALUES (NEW.id, 1) ON CONFLICT (family_id) DO UPDATE SET mark = mark + 1;
END;
CREATE TRIGGER sync_dirty_responsables_ins AFTER INSERT ON responsables BEGIN
  INSERT INTO sync_dirty (family_id, mark) VALUES (NEW.family_id, 1) ON CONFLICT (family_id) DO UPDATE SET mark = mark + 1;
END;
CREATE TRIGGER sync_dirty_responsables_upd AFTER UPDATE ON responsables BEGIN
  INSERT INTO sync_dirty (family_id, mark) VALUES (NEW.family_id, 1) ON CONFLICT (family_id) DO UPDATE SET mark = mark + 1;
END;
CREATE TRIGGER sync_dirty_responsables_del AFTER DELETE ON responsables BEGIN
  INSERT INTO sync_dirty (family_id, mark) VALUES (OLD.family_id, 1) ON CONFLICT (family_id) DO UPDATE SET mark = mark + 1;
END;
CREATE TRIGGER sync_dirty_children_ins AFTER INSERT ON children BEGIN
  INSERT INTO sync_dirty (family_id, mark) VALUES (NEW.family_id, 1) ON CONFLICT (family_id) DO UPDATE SET mark = mark + 1;
END;
CREATE TRIGGER sync_dirty_children_upd AFTER UPDATE ON children BEGIN
  INSERT INTO sync_dirty (family_id, mark) VALUES (NEW.family_id, 1) ON CONFLICT (family_id) DO UPDATE SET mark = mark + 1;
END;
CREATE TRIGGER sync_dirty_persons_ins AFTER INSERT ON authorised_persons BEGIN
  INSERT INTO sync_dirty (family_id, mark) VALUES ((SELECT family_id FROM children WHERE id = NEW.child_id), 1) ON CONFLICT (family_id) DO UPDATE SET mark = mark + 1;
END;
CREATE TRIGGER sync_dirty_persons_upd AFTER UPDATE ON authorised_persons BEGIN
  INSERT INTO sync_dirty (family_id, mark) VALUES ((SELECT family_id FROM children WHERE id = NEW.child_id), 1) ON CONFLICT (family_id) DO UPDATE SET mark = mark + 1;
END;
CREATE TRIGGER sync_dirty_persons_del AFTER DELETE ON authorised_persons BEGIN
  INSERT INTO sync_dirty (family_id, mark) VALUES ((SELECT family_id FROM children WHERE id = OLD.child_id), 1) ON CONFLICT (family_id) DO UPDATE SET mark = mark + 1;
END;
CREATE TRIGGER sync_dirty_vaccinations_ins AFTER INSERT ON vaccinations BEGIN
  INSERT INTO sync_dirty (family_id, mark) VALUES ((SELECT family_id FROM children WHERE id = NEW.child_id), 1) ON CONFLICT (family_id) DO UPDATE SET mark = mark + 1;
END;
CREATE TRIGGER sync_dirty_vaccinations_upd AFTER UPDATE ON vaccinations BEGIN
  INSERT INTO sync_dirty (family_id, mark) VALUES ((SELECT family_id FROM children WHERE id = NEW.child_id), 1) ON CONFLICT (family_id) DO UPDATE SET mark = mark + 1;
END;
CREATE TRIGGER sync_dirty_vaccinations_del AFTER DELETE ON vaccinations BEGIN
  INSERT INTO sync_dirty (family_id, mark) VALUES ((SELECT family_id FROM children WHERE id = OLD.child_id), 1) ON CONFLICT (family_id) DO UPDATE SET mark = mark + 1;
END;
CREATE TRIGGER sync_dirty_inscriptions_ins AFTER INSERT ON inscriptions BEGIN
  INSERT INTO sync_dirty (family_id, mark) VALUES ((SELECT family_id FROM children WHERE id = NEW.child_id), 1) ON CONFLICT (family_id) DO UPDATE SET mark = mark + 1;
END;
CREATE TRIGGER sync_dirty_inscriptions_upd AFTER UPDATE ON inscriptions BEGIN
  INSERT INTO sync_dirty (family_id, mark) VALUES ((SELECT family_id FROM children WHERE id = NEW.child_id), 1) ON CONFLICT (family_id) DO UPDATE SET mark = mark + 1;
END;
CREATE TRIGGER sync_dirty_planning_ins AFTER INSERT ON planning_days BEGIN
  INSERT INTO sync_dirty (family_id, mark) VALUES ((SELECT family_id FROM children WHERE id = NEW.child_id), 1) ON CONFLICT (family_id) DO UPDATE SET mark = mark + 1;
END;
CREATE TRIGGER sync_dirty_planning_upd AFTER UPDATE ON planning_days BEGIN
  INSERT INTO sync_dirty (family_id, mark) VALUES ((SELECT family_id FROM children WHERE id = NEW.child_id), 1) ON CONFLICT (family_id) DO UPDATE SET mark = mark + 1;
END;
CREATE TRIGGER sync_dirty_planning_del AFTER DELETE ON planning_days BEGIN
  INSERT INTO sync_dirty (family_id, mark) VALUES ((SELECT family_id FROM children WHERE id = OLD.child_id), 1) ON CONFLICT (family_id) DO UPDATE SET mark = mark + 1;
END;
CREATE TRIGGER sync_dirty_requests_ins AFTER INSERT ON requests BEGIN
  INSERT INTO sync_dirty (family_id, mark) VALUES (NEW.family_id, 1) ON CONFLICT (family_id) DO UPDATE SET mark = mark + 1;
END;
CREATE TRIGGER sync_dirty_requests_upd AFTER UPDATE ON requests BEGIN
  INSERT INTO sync_dirty (family_id, mark) VALUES (NEW.family_id, 1) ON CONFLICT (family_id) DO UPDATE SET mark = mark + 1;
END;
CREATE TRIGGER sync_dirty_items_ins AFTER INSERT ON request_items BEGIN
  INSERT INTO sync_dirty (family_id, mark) VALUES ((SELECT family_id FROM requests WHERE id = NEW.request_id), 1) ON CONFLICT (family_id) DO UPDATE SET mark = mark + 1;
END;
CREATE TRIGGER sync_dirty_items_upd AFTER UPDATE ON request_items BEGIN
  INSERT INTO sync_dirty (family_id, mark) VALUES ((SELECT family_id FROM requests WHERE id = NEW.request_id), 1) ON CONFLICT (family_id) DO UPDATE SET mark = mark + 1;
END;
CREATE TRIGGER sync_dirty_custom_ins AFTER INSERT ON custom_values BEGIN
  INSERT INTO sync_dirty (family_id, mark)
  VALUES (CASE (SELECT entity FROM custom_fields WHERE id = NEW.field_id) WHEN 'child' THEN (SELECT family_id FROM children WHERE id = NEW.entity_id) ELSE NEW.entity_id END, 1)
  ON CONFLICT (family_id) DO UPDATE SET mark = mark + 1;
END;
CREATE TRIGGER sync_dirty_custom_upd AFTER UPDATE ON custom_values BEGIN
  INSERT INTO sync_dirty (family_id, mark)
  VALUES (CASE (SELECT entity FROM custom_fields WHERE id = NEW.field_id) WHEN 'child' THEN (SELECT family_id FROM children WHERE id = NEW.entity_id) ELSE NEW.entity_id END, 1)
  ON CONFLICT (family_id) DO UPDATE SET mark = mark + 1;
END;
CREATE TRIGGER sync_dirty_custom_del AFTER DELETE ON custom_values BEGIN
  INSERT INTO sync_dirty (family_id, mark)
  VALUES (CASE (SELECT entity FROM custom_fields WHERE id = OLD.field_id) WHEN 'child' THEN (SELECT family_id FROM children WHERE id = OLD.entity_id) ELSE OLD.entity_id END, 1)
  ON CONFLICT (family_id) DO UPDATE SET mark = mark + 1;
END;
CREATE TRIGGER sync_dirty_activations AFTER INSERT ON portal_activations BEGIN
  INSERT INTO sync_dirty (family_id, mark) VALUES (NEW.family_id, 1) ON CONFLICT (family_id) DO UPDATE SET mark = mark + 1;
END;
CREATE TRIGGER sync_dirty_activations_upd AFTER UPDATE ON portal_activations BEGIN
  INSERT INTO sync_dirty (family_id, mark) VALUES (NEW.family_id, 1) ON CONFLICT (family_id) DO UPDATE SET mark = mark + 1;
END;
