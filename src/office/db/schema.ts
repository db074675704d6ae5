import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

/** The office database, one interface for Kysely. Mirrors migrations/office/*.sql. */
export interface OfficeDatabase {
  schema_migrations: SchemaMigrationTable;
  staff_users: StaffUserTable;
  schools: SchoolTable;
  families: FamilyTable;
  responsables: ResponsableTable;
  family_documents: FamilyDocumentTable;
  children: ChildTable;
  vaccinations: VaccinationTable;
  authorised_persons: AuthorisedPersonTable;
  custom_fields: CustomFieldTable;
  custom_values: CustomValueTable;
  audit_log: AuditLogTable;
  settings: SettingTable;
  family_search: FamilySearchTable;
  services: ServiceTable;
  service_schools: ServiceSchoolTable;
  school_years: SchoolYearTable;
  calendar_periods: CalendarPeriodTable;
  inscriptions: InscriptionTable;
  planning_days: PlanningDayTable;
  requests: RequestTable;
  request_items: RequestItemTable;
  refusal_reasons: RefusalReasonTable;
}

export interface SchemaMigrationTable {
  version: number;
  name: string;
  applied_at: string;
}

export interface StaffUserTable {
  id: Generated<number>;
  username: string;
  display_name: string;
  role: 'agent' | 'regisseur' | 'admin';
  password_hash: string;
  active: Generated<number>;
  created_at: string;
}

export interface SchoolTable {
  id: Generated<number>;
  name: string;
  address: Generated<string>;
}

export interface FamilyTable {
  id: Generated<number>;
  situation: Generated<string>;
  resident: Generated<number>;
  fiscal_rfr_cents: number | null;
  fiscal_parts_x100: number | null;
  fiscal_year: number | null;
  caf_regime: Generated<'' | 'CAF' | 'MSA' | 'AUTRE'>;
  caf_number: Generated<string>;
  caf_qf: number | null;
  caf_qf_valid_until: string | null;
  bank_holder: Generated<string>;
  bank_iban: Generated<string>;
  bank_bic: Generated<string>;
  notes: Generated<string>;
  created_at: string;
  updated_at: string;
  archived_at: string | null;
}

export interface ResponsableTable {
  id: Generated<number>;
  family_id: number;
  rank: 1 | 2;
  civilite: Generated<'' | 'M.' | 'Mme'>;
  nom: string;
  prenom: string;
  date_naissance: string | null;
  adresse: Generated<string>;
  code_postal: Generated<string>;
  ville: Generated<string>;
  tel_mobile: Generated<string>;
  tel_fixe: Generated<string>;
  email: Generated<string>;
  profession: Generated<string>;
  employeur: Generated<string>;
  tel_pro: Generated<string>;
}

export interface FamilyDocumentTable {
  id: Generated<number>;
  family_id: number;
  kind: string;
  label: Generated<string>;
  document_date: string;
  file_name: string;
  mime: string;
  content: Uint8Array;
  created_at: string;
  archived_at: string | null;
}

export interface ChildTable {
  id: Generated<number>;
  family_id: number;
  nom: string;
  prenom: string;
  sexe: 'F' | 'M';
  date_naissance: string;
  school_id: number | null;
  classe: Generated<string>;
  regime: Generated<'standard' | 'sans_porc' | 'vegetarien' | 'sans_viande'>;
  photo: Uint8Array | null;
  photo_mime: string | null;
  allergies: Generated<string>;
  pai: Generated<number>;
  pai_end: string | null;
  /** Brings its own meal under its PAI: the tariff's PAI reduction applies (0005). */
  pai_own_meal: Generated<number>;
  pai_details: Generated<string>;
  medecin_nom: Generated<string>;
  medecin_tel: Generated<string>;
  medical_notes: Generated<string>;
  auth_droit_image: Generated<number>;
  auth_sortie_seule: Generated<number>;
  auth_transport: Generated<number>;
  auth_soins_urgence: Generated<number>;
  created_at: string;
  updated_at: string;
  archived_at: string | null;
}

export interface VaccinationTable {
  id: Generated<number>;
  child_id: number;
  vaccine: string;
  date: string;
}

export interface AuthorisedPersonTable {
  id: Generated<number>;
  child_id: number;
  nom: string;
  prenom: string;
  relation: Generated<string>;
  tel1: Generated<string>;
  tel2: Generated<string>;
  may_pick_up: Generated<number>;
  emergency: Generated<number>;
}

export interface CustomFieldTable {
  id: Generated<number>;
  entity: 'family' | 'child';
  label: string;
  kind: 'text' | 'boolean' | 'date';
  active: Generated<number>;
}

export interface CustomValueTable {
  field_id: number;
  entity_id: number;
  value: string;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  user_id: number | null;
  family_id: number | null;
  child_id: number | null;
  entity: string;
  entity_id: number | null;
  action: string;
  field: Generated<string>;
  old_value: string | null;
  new_value: string | null;
}

export interface SettingTable {
  key: string;
  value: string;
}

export interface FamilySearchTable {
  family_id: number;
  haystack: string;
  /** 'actif' or 'archivee', indexed with the haystack (migration 0006). */
  etat: Generated<'actif' | 'archivee'>;
  /** Generated: the first responsable's normalised name, the haystack's first part (migration 0006). */
  name_key: Generated<string>;
}

export type FamilyRow = Selectable<FamilyTable>;
export type NewFamily = Insertable<FamilyTable>;
export type FamilyUpdate = Updateable<FamilyTable>;
export type ChildRow = Selectable<ChildTable>;
export type NewChild = Insertable<ChildTable>;
export type ChildUpdate = Updateable<ChildTable>;
export type ResponsableRow = Selectable<ResponsableTable>;
export type StaffUserRow = Selectable<StaffUserTable>;
export type AuditRow = Selectable<AuditLogTable>;

export interface ServiceTable {
  id: Generated<number>;
  code: string;
  name: string;
  kind: 'cantine' | 'matin' | 'soir' | 'mercredi' | 'vacances';
  unit: string;
  with_meal: Generated<number>;
  capacity: number | null;
  /** ISO weekdays, comma-separated. */
  weekdays: string;
  period: 'school' | 'holidays';
  /** Classes, comma-separated; '' = all. */
  levels: Generated<string>;
  /** JSON DeadlineRules. */
  deadline_rules: string;
  late_policy: Generated<'refuse' | 'late'>;
  /** JSON AutoRules. */
  auto_rules: Generated<string>;
  requires_inscription: Generated<number>;
  active: Generated<number>;
  sort_order: Generated<number>;
}

export interface ServiceSchoolTable {
  service_id: number;
  school_id: number;
}

export interface SchoolYearTable {
  id: Generated<number>;
  label: string;
  start_date: string;
  end_date: string;
}

export interface CalendarPeriodTable {
  id: Generated<number>;
  kind: 'holidays' | 'bridge' | 'closure';
  label: string;
  start_date: string;
  end_date: string;
  service_id: number | null;
}

export interface InscriptionTable {
  id: Generated<number>;
  child_id: number;
  service_id: number;
  start_date: string;
  end_date: string;
  weekdays: string;
  created_at: string;
  created_by: number | null;
  ended_at: string | null;
}

export interface PlanningDayTable {
  child_id: number;
  service_id: number;
  day: string;
  state: 'booked' | 'cancelled' | 'absent';
  absence_reason: string | null;
  attendance: 'present' | 'absent' | null;
  inscription_id: number | null;
  updated_at: string;
  updated_by: number | null;
  /** The stored state (booking, cancellation, absence) was asked after its deadline (0004). */
  late: Generated<number>;
  /** Booked only because the child was marked present without a booking (0004). */
  walk_in: Generated<number>;
  /** Pointed arrival and departure, 'hh:mm', for services billed by time (0005). */
  arrival: string | null;
  departure: string | null;
}

export interface RequestTable {
  id: Generated<number>;
  uid: string;
  family_id: number;
  kind: 'book' | 'cancel' | 'absence' | 'data_change' | 'photo';
  absence_reason: string | null;
  comment: Generated<string>;
  certificate_document_id: number | null;
  /** JSON: data changes or photo. */
  payload: string | null;
  source: 'office' | 'portal';
  submitted_at: string;
  submitted_by: number | null;
}

export interface RequestItemTable {
  id: Generated<number>;
  request_id: number;
  child_id: number | null;
  service_id: number | null;
  day: string | null;
  status: Generated<'pending' | 'accepted' | 'refused'>;
  late: Generated<number>;
  refusal_reason: string | null;
  decided_at: string | null;
  decided_by: number | null;
  auto: Generated<number>;
  /** Accepted over capacity on the agent's confirmation (0004). */
  forced: Generated<number>;
}

export interface RefusalReasonTable {
  id: Generated<number>;
  label: string;
  active: Generated<number>;
}

/** Sync with the portail famille (migrations/office/0003_sync.sql), merged into the one interface above. */
export interface OfficeDatabase {
  sync_state: SyncStateTable;
  family_publications: FamilyPublicationTable;
  sync_dirty: SyncDirtyTable;
  portal_activations: PortalActivationTable;
  sync_rejects: SyncRejectTable;
}

export interface SyncStateTable {
  id: number;
  portal_url: string;
  secret: string;
  cursor: number;
  pulled_requests: number;
  last_success_at: string | null;
  last_attempt_at: string | null;
  last_error: string | null;
  last_version: number;
  settings_hash: string;
  window_from: string;
  /** The office's day at the last publication (0005). */
  published_day: Generated<string>;
  /** The identity of the portal's database pulled from, '' until known (0011). */
  portal_id: Generated<string>;
}

export interface FamilyPublicationTable {
  family_id: number;
  version: number;
  published_at: string;
}

export interface SyncDirtyTable {
  family_id: number;
  mark: number;
}

export interface PortalActivationTable {
  family_id: number;
  rank: number;
  code_hash: string;
  expires_at: string;
  created_at: string;
  created_by: number | null;
}

export interface SyncRejectTable {
  uid: string;
  family_id: number;
  body: string;
  reason: string;
  received_at: string;
}

/** Billing (migrations/office/0005_billing.sql), merged into the one interface above. */
export interface OfficeDatabase {
  tariffs: TariffTable;
  service_billing_rules: ServiceBillingRulesTable;
  invoice_runs: InvoiceRunTable;
  invoice_drafts: InvoiceDraftTable;
  invoice_sequences: InvoiceSequenceTable;
  invoices: InvoiceTable;
  invoice_lines: InvoiceLineTable;
  invoice_pdfs: InvoicePdfTable;
}

export interface TariffTable {
  id: Generated<number>;
  service_id: number;
  school_year_id: number | null;
  valid_from: string;
  valid_to: string;
  /** JSON: the Tariff of src/shared/billing/tariffs.ts without serviceId, validFrom and validTo. */
  definition: string;
  updated_at: string;
  updated_by: number | null;
}

export interface ServiceBillingRulesTable {
  service_id: number;
  /** JSON BillingRules (src/shared/billing/rules.ts). */
  rules: string;
  updated_at: string;
  updated_by: number | null;
}

export interface InvoiceRunTable {
  id: Generated<number>;
  /** 'YYYY-MM'. */
  month: string;
  status: Generated<'draft' | 'issued'>;
  generated_at: string;
  generated_by: number | null;
  issued_at: string | null;
  issued_by: number | null;
  /** JSON DraftProblem[]. */
  problems: Generated<string>;
  /** JSON FlaggedFamily[]. */
  flagged: Generated<string>;
}

export interface InvoiceDraftTable {
  run_id: number;
  family_id: number;
  family_name: string;
  total_cents: number;
  qf_flagged: Generated<number>;
  /** JSON DraftLine[]. */
  lines: string;
}

export interface InvoiceSequenceTable {
  year: number;
  last_number: number;
}

export interface InvoiceTable {
  id: Generated<number>;
  number: string;
  year: number;
  seq: number;
  kind: 'invoice' | 'credit_note' | 'complementary';
  family_id: number;
  run_id: number | null;
  month: string;
  issue_date: string;
  due_date: string;
  total_cents: number;
  corrects_id: number | null;
  reason: Generated<string>;
  issued_at: string;
  issued_by: number | null;
  /** JSON InvoiceDocument (src/shared/billing/invoice.ts). */
  document: string;
}

export interface InvoiceLineTable {
  invoice_id: number;
  position: number;
  child_id: number | null;
  service_id: number | null;
  kind: string;
  label: string;
  unit_cents: number;
  quantity: number;
  amount_cents: number;
}

/** An issued invoice's own PDF, rendered once and kept (src/office/billing/pdf-cache.ts). */
export interface InvoicePdfTable {
  invoice_id: number;
  pdf: Uint8Array;
}

/** The families' accounts (migrations/office/0007_accounts.sql), merged into the one interface above. */
export interface OfficeDatabase {
  account_movements: AccountMovementTable;
  allocations: AllocationTable;
  cash_days: CashDayTable;
  reminders: ReminderTable;
  reminder_holds: ReminderHoldTable;
}

export interface AccountMovementTable {
  id: Generated<number>;
  family_id: number;
  kind: 'payment' | 'refund' | 'cancellation';
  method: 'especes' | 'cheque' | 'cesu' | 'carte' | 'virement' | 'prelevement' | 'payfip';
  /** The régie's day it counts in (ISO). */
  day: string;
  amount_cents: number;
  cheque_number: Generated<string>;
  cheque_bank: Generated<string>;
  cheque_drawer: Generated<string>;
  cesu_count: number | null;
  cesu_unit_cents: number | null;
  reference: Generated<string>;
  note: Generated<string>;
  cancels_id: number | null;
  recorded_at: string;
  recorded_by: number | null;
}

export interface AllocationTable {
  id: Generated<number>;
  family_id: number;
  source_movement_id: number | null;
  source_invoice_id: number | null;
  target_invoice_id: number | null;
  target_movement_id: number | null;
  /** Negative when it undoes an allocation of a cancelled payment. */
  amount_cents: number;
  at: string;
}

export interface CashDayTable {
  day: string;
  closed_at: string;
  closed_by: number | null;
  /** JSON totals by method at closing. */
  summary: string;
}

export interface ReminderTable {
  id: Generated<number>;
  family_id: number;
  level: 1 | 2;
  day: string;
  amount_cents: number;
  /** JSON number[]. */
  invoice_ids: string;
  /** JSON string[]: the addresses mailed, empty when printed only. */
  emailed_to: Generated<string>;
  recorded_at: string;
  recorded_by: number | null;
}

export interface ReminderHoldTable {
  family_id: number;
  reason: 'payment_plan' | 'dispute';
  note: string;
  since: string;
  set_by: number | null;
}

/** SEPA direct debit (migrations/office/0008_sepa.sql), merged into the one interface above. */
export interface OfficeDatabase {
  sepa_mandates: SepaMandateTable;
  sepa_mandate_accounts: SepaMandateAccountTable;
  sepa_batches: SepaBatchTable;
  sepa_debits: SepaDebitTable;
  sepa_family_flags: SepaFamilyFlagTable;
}

export interface SepaMandateTable {
  id: Generated<number>;
  family_id: number;
  rum: string;
  status: 'a_signer' | 'actif' | 'suspendu' | 'revoque' | 'caduc';
  signed_on: string | null;
  created_at: string;
  created_by: number | null;
  ended_on: string | null;
  status_note: Generated<string>;
  last_collection_on: string | null;
}

export interface SepaMandateAccountTable {
  id: Generated<number>;
  mandate_id: number;
  holder: string;
  /** AES-256-GCM sealed IBAN (src/office/sepa/iban-vault.ts); never the IBAN in clear. */
  iban_cipher: string;
  iban_masked: string;
  bic: string;
  bank_name: Generated<string>;
  document_id: number | null;
  valid_from: string;
  recorded_at: string;
  recorded_by: number | null;
}

export interface SepaBatchTable {
  id: Generated<number>;
  message_id: string;
  collection_date: string;
  status: 'prepared' | 'sent' | 'cancelled';
  debit_count: number;
  control_sum_cents: number;
  created_at: string;
  created_by: number | null;
  sent_at: string | null;
  sent_by: number | null;
  sent_version: 'pain.008.001.02' | 'pain.008.001.08' | null;
  sent_xml: string | null;
  cancelled_at: string | null;
  cancelled_by: number | null;
  settled_at: string | null;
}

export interface SepaDebitTable {
  id: Generated<number>;
  batch_id: number;
  invoice_id: number;
  family_id: number;
  mandate_id: number;
  account_id: number;
  amount_cents: number;
  end_to_end_id: string;
  sequence_type: 'FRST' | 'RCUR' | 'OOFF' | 'FNAL';
  status: 'pending' | 'collected' | 'rejected' | 'cancelled';
  payment_movement_id: number | null;
  reject_code: string | null;
  reject_day: string | null;
  reject_movement_id: number | null;
  reject_fee_invoice_id: number | null;
  rejected_at: string | null;
  rejected_by: number | null;
  /** The pre-notification it was prepared under (0009); null for a debit prepared before 0009. */
  notice_id: Generated<number | null>;
}

export interface SepaFamilyFlagTable {
  family_id: number;
  since: string;
  reason: string;
}

/** SEPA pre-notifications (migrations/office/0009_sepa_notices.sql), merged into the one interface above. */
export interface OfficeDatabase {
  sepa_notices: SepaNoticeTable;
}

export interface SepaNoticeTable {
  id: Generated<number>;
  invoice_id: number;
  family_id: number;
  mandate_id: number;
  rum: string;
  amount_cents: number;
  debit_date: string;
  notified_on: string;
  source: 'invoice' | 'avis';
  created_at: string;
  created_by: number | null;
}
