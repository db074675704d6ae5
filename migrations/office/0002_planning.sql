-- Services, calendars, inscriptions, the planning, requests and the validation queue.

CREATE TABLE services (
  id                   INTEGER PRIMARY KEY,
  code                 TEXT NOT NULL UNIQUE,
  name                 TEXT NOT NULL,
  kind                 TEXT NOT NULL CHECK (kind IN ('cantine', 'matin', 'soir', 'mercredi', 'vacances')),
  -- what is billed later: 'repas', 'présence', 'demi-journée', 'journée'
  unit                 TEXT NOT NULL,
  -- counted in the kitchen's meal numbers
  with_meal            INTEGER NOT NULL DEFAULT 0,
  -- places per day; NULL = no limit
  capacity             INTEGER,
  -- ISO weekdays (1 = Monday) the service runs, comma-separated
  weekdays             TEXT NOT NULL,
  -- runs on school days, or during the school holidays (accueil de loisirs)
  period               TEXT NOT NULL CHECK (period IN ('school', 'holidays')),
  -- classes served, comma-separated; '' = every class
  levels               TEXT NOT NULL DEFAULT '',
  -- JSON DeadlineRules (src/shared/planning/deadlines.ts): one rule per kind of change
  deadline_rules       TEXT NOT NULL,
  -- a late request is refused at once, or queued marked late
  late_policy          TEXT NOT NULL DEFAULT 'refuse' CHECK (late_policy IN ('refuse', 'late')),
  -- JSON AutoRules: which requests are accepted without an agent
  auto_rules           TEXT NOT NULL DEFAULT '{}',
  -- a request for this service needs an inscription of the child to it
  requires_inscription INTEGER NOT NULL DEFAULT 1,
  active               INTEGER NOT NULL DEFAULT 1,
  sort_order           INTEGER NOT NULL DEFAULT 0
);

-- Schools a service serves; none listed = every school.
CREATE TABLE service_schools (
  service_id INTEGER NOT NULL REFERENCES services(id),
  school_id  INTEGER NOT NULL REFERENCES schools(id),
  PRIMARY KEY (service_id, school_id)
);

CREATE TABLE school_years (
  id         INTEGER PRIMARY KEY,
  label      TEXT NOT NULL UNIQUE,
  start_date TEXT NOT NULL,
  end_date   TEXT NOT NULL
);

-- School holidays (zone A), the Ascension bridge and exceptional closures; service_id NULL = every service.
CREATE TABLE calendar_periods (
  id         INTEGER PRIMARY KEY,
  kind       TEXT NOT NULL CHECK (kind IN ('holidays', 'bridge', 'closure')),
  label      TEXT NOT NULL,
  start_date TEXT NOT NULL,
  end_date   TEXT NOT NULL,
  service_id INTEGER REFERENCES services(id)
);
CREATE INDEX calendar_periods_dates ON calendar_periods (start_date, end_date);

-- A child's registration to a service for a period with a weekly pattern; it generates planning_days.
CREATE TABLE inscriptions (
  id         INTEGER PRIMARY KEY,
  child_id   INTEGER NOT NULL REFERENCES children(id),
  service_id INTEGER NOT NULL REFERENCES services(id),
  start_date TEXT NOT NULL,
  end_date   TEXT NOT NULL,
  weekdays   TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_by INTEGER REFERENCES staff_users(id),
  ended_at   TEXT
);
CREATE INDEX inscriptions_child ON inscriptions (child_id, service_id);

-- One row per child, service and day that is booked or was: what the child is expected to do, and what happened.
CREATE TABLE planning_days (
  child_id       INTEGER NOT NULL REFERENCES children(id),
  service_id     INTEGER NOT NULL REFERENCES services(id),
  day            TEXT NOT NULL,
  state          TEXT NOT NULL CHECK (state IN ('booked', 'cancelled', 'absent')),
  absence_reason TEXT,
  attendance     TEXT CHECK (attendance IN ('present', 'absent')),
  inscription_id INTEGER REFERENCES inscriptions(id),
  updated_at     TEXT NOT NULL,
  updated_by     INTEGER REFERENCES staff_users(id),
  PRIMARY KEY (child_id, service_id, day)
) WITHOUT ROWID;
CREATE INDEX planning_service_day ON planning_days (service_id, day, state);

-- A family's request (from the office today, from the portail famille tomorrow). uid is born where the request is
-- created, so the sync can recognise a request it has already seen.
CREATE TABLE requests (
  id                      INTEGER PRIMARY KEY,
  uid                     TEXT NOT NULL UNIQUE,
  family_id               INTEGER NOT NULL REFERENCES families(id),
  kind                    TEXT NOT NULL CHECK (kind IN ('book', 'cancel', 'absence', 'data_change', 'photo')),
  absence_reason          TEXT,
  comment                 TEXT NOT NULL DEFAULT '',
  certificate_document_id INTEGER REFERENCES family_documents(id),
  -- JSON: the field changes of a data_change, the photo of a photo request
  payload                 TEXT,
  source                  TEXT NOT NULL CHECK (source IN ('office', 'portal')),
  submitted_at            TEXT NOT NULL,
  submitted_by            INTEGER REFERENCES staff_users(id)
);
CREATE INDEX requests_family ON requests (family_id, submitted_at);

-- What is decided: one item per child, service and day (a data change or photo request has one item without day).
CREATE TABLE request_items (
  id             INTEGER PRIMARY KEY,
  request_id     INTEGER NOT NULL REFERENCES requests(id),
  child_id       INTEGER REFERENCES children(id),
  service_id     INTEGER REFERENCES services(id),
  day            TEXT,
  status         TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'refused')),
  late           INTEGER NOT NULL DEFAULT 0,
  refusal_reason TEXT,
  decided_at     TEXT,
  decided_by     INTEGER REFERENCES staff_users(id),
  auto           INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX request_items_status ON request_items (status, request_id);
CREATE INDEX request_items_cell ON request_items (child_id, service_id, day);

-- Refusal reasons the office keeps, offered when refusing (a typed reason is also allowed).
CREATE TABLE refusal_reasons (
  id     INTEGER PRIMARY KEY,
  label  TEXT NOT NULL UNIQUE,
  active INTEGER NOT NULL DEFAULT 1
);

INSERT INTO refusal_reasons (label) VALUES
  ('Délai de modification dépassé'),
  ('Plus de place disponible ce jour-là'),
  ('Enfant non inscrit à ce service'),
  ('Service fermé ce jour-là'),
  ('Justificatif manquant'),
  ('Demande en double');

-- The commune's services (DOMAIN.md); deadlines by default: the Wednesday of the previous week before 12:00.
WITH defaults (deadline_rules, auto_rules) AS (
  SELECT '{"booking":{"kind":"weekday_of_previous_week","weekday":3,"time":"12:00"},"cancel":{"kind":"weekday_of_previous_week","weekday":3,"time":"12:00"},"absence":{"kind":"weekday_of_previous_week","weekday":3,"time":"12:00"}}',
         '{"absencesOnTime":false,"bookingsWithinCapacity":false}'
), seeded (code, name, kind, unit, with_meal, capacity, weekdays, period, late_policy, sort_order) AS (
  VALUES
    ('cantine', 'Restauration scolaire', 'cantine', 'repas', 1, 300, '1,2,4,5', 'school', 'refuse', 1),
    ('matin', 'Accueil du matin', 'matin', 'présence', 0, 80, '1,2,4,5', 'school', 'refuse', 2),
    ('soir', 'Accueil du soir', 'soir', 'présence', 0, 120, '1,2,4,5', 'school', 'refuse', 3),
    ('mercredi_matin', 'Mercredi matin', 'mercredi', 'demi-journée', 0, 60, '3', 'school', 'refuse', 4),
    ('mercredi_repas', 'Mercredi repas', 'mercredi', 'repas', 1, 60, '3', 'school', 'refuse', 5),
    ('mercredi_apres_midi', 'Mercredi après-midi', 'mercredi', 'demi-journée', 0, 60, '3', 'school', 'refuse', 6),
    ('vacances', 'Accueil de loisirs vacances', 'vacances', 'journée', 1, 80, '1,2,3,4,5', 'holidays', 'late', 7)
)
INSERT INTO services (code, name, kind, unit, with_meal, capacity, weekdays, period, deadline_rules, late_policy, auto_rules, sort_order)
SELECT s.code, s.name, s.kind, s.unit, s.with_meal, s.capacity, s.weekdays, s.period, d.deadline_rules, s.late_policy, d.auto_rules, s.sort_order
FROM seeded AS s CROSS JOIN defaults AS d ORDER BY s.sort_order;

INSERT INTO school_years (label, start_date, end_date) VALUES
  ('2025-2026', '2025-09-01', '2026-07-03'),
  ('2026-2027', '2026-09-01', '2027-07-02');

-- Zone A (académie de Grenoble): first and last day off (DOMAIN.md).
INSERT INTO calendar_periods (kind, label, start_date, end_date) VALUES
  ('holidays', 'Vacances de la Toussaint 2025', '2025-10-18', '2025-11-02'),
  ('holidays', 'Vacances de Noël 2025', '2025-12-20', '2026-01-04'),
  ('holidays', 'Vacances d''hiver 2026', '2026-02-07', '2026-02-22'),
  ('holidays', 'Vacances de printemps 2026', '2026-04-04', '2026-04-19'),
  ('bridge', 'Pont de l''Ascension 2026', '2026-05-15', '2026-05-15'),
  ('holidays', 'Vacances d''été 2026', '2026-07-04', '2026-08-31'),
  ('holidays', 'Vacances de la Toussaint 2026', '2026-10-17', '2026-11-01'),
  ('holidays', 'Vacances de Noël 2026', '2026-12-19', '2027-01-03'),
  ('holidays', 'Vacances d''hiver 2027', '2027-02-13', '2027-02-28'),
  ('holidays', 'Vacances de printemps 2027', '2027-04-10', '2027-04-25'),
  ('bridge', 'Pont de l''Ascension 2027', '2027-05-07', '2027-05-07'),
  ('holidays', 'Vacances d''été 2027', '2027-07-03', '2027-08-31');
