import type { Role, SessionUser } from '../auth/roles.js';
import type { ChildInput, ChildPatch } from '../children/input.js';
import type { DocumentKind, FamilyInput, FamilyPatch } from '../families/input.js';
import type { PlanningCell } from '../planning/cells.js';
import type { AbsenceReason } from '../planning/reasons.js';
import type { AutoRules, DeadlineRules, LatePolicy } from '../planning/rules.js';
import type { ChangeFieldKey } from '../requests/change-fields.js';
import type { Result } from '../result.js';
import type { BillingRules } from '../billing/rules.js';
import type {
  BillingSettings,
  CorrectionInput,
  DraftDetail,
  FamilyQfView,
  InvoiceRunSummary,
  InvoiceRunView,
  InvoiceSummary,
  InvoiceView,
  QfToUpdateRow,
  ServiceBillingRules,
  TariffInput,
  TariffRecord,
} from './billing.js';
import type { CallOptions } from './progress.js';
import type { FamilyAccount, PaymentOutcome } from './accounts.js';
import type { CashJournal } from './cash-journal.js';
import type { CancelInput, PaymentInput, RefundInput } from '../billing/account.js';
import type { AccountGridFilter, AccountGridRow } from './account-grid.js';
import type { ReminderHoldInput, ReminderList, ReminderSendInput, ReminderSendOutcome } from './reminders.js';
import type {
  BatchPreview,
  BatchSummary,
  BatchView,
  FamilyDirectDebit,
  MandateAccountInput,
  MandateView,
  NoticesInput,
  NoticesOutcome,
  Pain008Version,
  RejectInput,
  RejectOutcome,
  ScanReading,
  ScanSource,
} from './sepa.js';
import type { SepaSettings } from '../sepa/settings.js';

/**
 * The one office API. Every transport (Electron preload over IPC, the loopback dev bridge over HTTP) carries
 * exactly these methods; both adapters `satisfies GrenetteBridge`, so the compiler checks them against this file.
 */

export interface StaffUser extends SessionUser {
  active: boolean;
}

export interface School {
  id: number;
  name: string;
}

/** A family already on file that a new one probably is, with why (« même téléphone » …), in French. */
export interface FamilyDuplicate {
  id: number;
  /** Responsable 1's name and first name. */
  name: string;
  ville: string;
  archived: boolean;
  reasons: string[];
}

/** A phone kept as typed because it could not be read as a phone number: to be corrected in the family's file. */
export interface PhoneToFix {
  familyId: number;
  /** Whose phone, in French: « Responsable 1 (Hélène Martin) · téléphone mobile », « Médecin de Léa ». */
  where: string;
  phone: string;
}

/** A page of a grid's rows and how many match in all: no list is ever cut without the screen saying « N sur M ». */
export interface GridPage<Row> {
  rows: Row[];
  offset: number;
  total: number;
}

/** A grid's query: without limit, every row from offset. */
export interface GridQuery {
  query: string;
  includeArchived: boolean;
  offset?: number;
  limit?: number;
}

/** One row of the families grid. */
export interface FamilySummary {
  id: number;
  nom: string;
  prenom: string;
  responsable2: string;
  enfants: string;
  email: string;
  telephone: string;
  allocataire: string;
  ville: string;
  resident: boolean;
  /** The QF in force on the office's today by the office's rule (src/shared/billing/qf.ts), null without usable proof. */
  qf: number | null;
  /** No usable proof today: highest bracket, listed in « QF à mettre à jour ». */
  qfFlagged: boolean;
  /** qfInForce's French sentence: which proof, or why none. */
  qfWhy: string;
  archived: boolean;
}

/** One row of the children grid. */
export interface ChildSummary {
  id: number;
  familyId: number;
  nom: string;
  prenom: string;
  dateNaissance: string;
  ecole: string;
  classe: string;
  famille: string;
  /** Only for roles that may see health data, else null. */
  pai: boolean | null;
  allergies: string | null;
  archived: boolean;
}

export interface DocumentSummary {
  id: number;
  kind: DocumentKind;
  label: string;
  documentDate: string;
  fileName: string;
  mime: string;
  size: number;
}

export interface FileContent {
  fileName: string;
  mime: string;
  base64: string;
}

export interface CustomField {
  id: number;
  entity: 'family' | 'child';
  label: string;
  kind: 'text' | 'boolean' | 'date';
  active: boolean;
}

export interface FamilyFile {
  id: number;
  data: FamilyInput;
  children: ChildSummary[];
  documents: DocumentSummary[];
  createdAt: string;
  updatedAt: string;
  archivedAt: string | null;
  actions: { edit: boolean; archive: boolean; addChild: boolean };
}

export interface ChildFile {
  id: number;
  familyId: number;
  familyName: string;
  /** health is null for roles that may not see it. */
  data: Omit<ChildInput, 'health'> & { health: ChildInput['health'] | null };
  photo: { mime: string; base64: string } | null;
  createdAt: string;
  updatedAt: string;
  archivedAt: string | null;
  actions: { edit: boolean; editHealth: boolean; archive: boolean; print: boolean };
}

export interface AuditEntry {
  id: number;
  at: string;
  user: string;
  entity: 'family' | 'child' | string;
  entityId: number | null;
  /** e.g. "Lucas Martin" for a child's change shown in the family's log. */
  subject: string;
  action: 'create' | 'update' | 'archive' | 'unarchive' | string;
  field: string;
  oldValue: string | null;
  newValue: string | null;
}

export type PrintScope =
  | { kind: 'child'; childId: number }
  | { kind: 'family'; familyId: number }
  | { kind: 'class'; schoolId: number; classe: string };


export type ServiceKind = 'cantine' | 'matin' | 'soir' | 'mercredi' | 'vacances';

/** A prestation as the office configures it. */
export interface ServiceConfig {
  id: number;
  code: string;
  name: string;
  kind: ServiceKind;
  unit: string;
  withMeal: boolean;
  /** Places per day; null = no limit. */
  capacity: number | null;
  /** ISO weekdays (1 = Monday). */
  weekdays: number[];
  period: 'school' | 'holidays';
  /** Classes served; empty = all. */
  levels: string[];
  /** Schools served; empty = all. */
  schoolIds: number[];
  deadlines: DeadlineRules;
  latePolicy: LatePolicy;
  autoRules: AutoRules;
  requiresInscription: boolean;
  active: boolean;
}

export type ServiceInput = Omit<ServiceConfig, 'id'> & { id: number | null };

export interface SchoolYear {
  id: number;
  label: string;
  startDate: string;
  endDate: string;
}

export interface CalendarPeriod {
  id: number;
  kind: 'holidays' | 'bridge' | 'closure';
  label: string;
  startDate: string;
  endDate: string;
  /** null = every service. */
  serviceId: number | null;
}

export interface CalendarView {
  schoolYears: SchoolYear[];
  periods: CalendarPeriod[];
  publicHolidays: { day: string; label: string }[];
}

export interface Inscription {
  id: number;
  childId: number;
  serviceId: number;
  serviceName: string;
  startDate: string;
  endDate: string;
  weekdays: number[];
  endedAt: string | null;
}

export interface ChildPlanning {
  childId: number;
  childName: string;
  days: string[];
  rows: { serviceId: number; serviceName: string; cells: PlanningCell[] }[];
  actions: { edit: boolean; markAttendance: boolean };
}

export type PlanningAction =
  | { kind: 'book' }
  | { kind: 'cancel' }
  | { kind: 'absent'; reason: AbsenceReason }
  | { kind: 'present' }
  | { kind: 'absent_unnoticed' }
  | { kind: 'clear_attendance' };

export interface DayChild {
  childId: number;
  familyId: number;
  nom: string;
  prenom: string;
  /** null for a child without a school (« sans école »). */
  schoolId: number | null;
  ecole: string;
  classe: string;
  regime: string;
  /** null for roles that may not see health data. */
  allergies: string | null;
  pai: boolean | null;
  state: PlanningCell['state'];
  absenceReason: AbsenceReason | null;
  attendance: 'present' | 'absent' | null;
  /** Pointed times, 'hh:mm' (services billed by time), null when not pointed. */
  arrival: string | null;
  departure: string | null;
}

export interface DayList {
  serviceId: number;
  serviceName: string;
  day: string;
  open: boolean;
  closedWhy: string | null;
  capacity: number | null;
  /** The service's tariff in force that day bills by time: arrival and departure are pointed (planning.setTimes). */
  billedByTime: boolean;
  children: DayChild[];
  /** Children expected (booked, not absent or cancelled), per school and class; schoolId null for « sans école ». */
  counts: { schoolId: number | null; ecole: string; classe: string; expected: number }[];
  expected: number;
}

export interface MealCounts {
  days: string[];
  schools: string[];
  /** meals[dayIndex][schoolIndex]; PAI meals brought by the family are not counted but listed apart. */
  meals: number[][];
  paiBasket: number[][];
  regimes: { day: string; regime: string; count: number }[];
}

export type RequestKind = 'book' | 'cancel' | 'absence' | 'data_change' | 'photo';

export interface DataChange {
  entity: 'family' | 'child';
  entityId: number;
  /** One of the keys a family may ask to change (src/shared/requests/change-fields.ts), e.g. 'responsable1.telMobile'. */
  field: ChangeFieldKey;
  label: string;
  /** As the family saw it; canonical text (see change-fields.ts) except a masked IBAN. */
  oldValue: string;
  /** Canonical text: ISO day, integer cents, hundredths, 'true' / 'false', enum key, IBAN without spaces. */
  newValue: string;
}

export interface NewRequest {
  familyId: number;
  kind: RequestKind;
  /** book / cancel / absence: every child x service x day of the request. */
  items: { childId: number; serviceId: number; day: string }[];
  reason: AbsenceReason | null;
  comment: string;
  certificate: { fileName: string; mime: string; base64: string } | null;
  changes: DataChange[];
  photo: { childId: number; mime: string; base64: string } | null;
}

export interface RequestItemView {
  id: number;
  childId: number | null;
  childName: string;
  serviceId: number | null;
  serviceName: string;
  day: string | null;
  status: 'pending' | 'accepted' | 'refused';
  late: boolean;
  refusalReason: string | null;
  decidedAt: string | null;
  decidedBy: string | null;
  auto: boolean;
  /** Accepted over the day's capacity on the agent's confirmation (decidedBy, decidedAt). */
  forced: boolean;
}

export interface RequestView {
  id: number;
  uid: string;
  familyId: number;
  familyName: string;
  kind: RequestKind;
  reason: AbsenceReason | null;
  comment: string;
  source: 'office' | 'portal';
  submittedAt: string;
  changes: DataChange[];
  items: RequestItemView[];
}

/** One row of the validation queue: one pending item. */
export interface QueueRow {
  itemId: number;
  requestId: number;
  submittedAt: string;
  familyId: number;
  familyName: string;
  childId: number | null;
  childName: string;
  serviceId: number | null;
  serviceName: string;
  day: string | null;
  kind: RequestKind;
  reason: AbsenceReason | null;
  comment: string;
  late: boolean;
  /** Places left that day once this item is accepted; null = no limit or not a booking. */
  capacityLeft: number | null;
  /** French descriptions of what stands in the way ('Service fermé ce jour-là depuis la demande'). */
  conflicts: string[];
  changes: DataChange[];
}

export interface DecisionOutcome {
  accepted: number;
  refused: number;
  /**
   * Items that could not be decided (already decided elsewhere, conflict), with the French reason; `full` marks a
   * booking left aside only because the day has no place left, which the agent may then force after confirming.
   */
  skipped: { itemId: number; why: string; full?: true }[];
}

export interface RefusalReason {
  id: number;
  label: string;
  active: boolean;
}

export interface OfficeNow {
  /** The office's current instant, ISO UTC. */
  instant: string;
  /** The calendar day at the office (Europe/Paris) at that instant. */
  today: string;
}

interface Method<Args, Value> {
  args: Args;
  value: Value;
}

export interface OfficeApiSpec {
  'auth.login': Method<{ username: string; password: string }, SessionUser>;
  'auth.logout': Method<Record<string, never>, null>;
  'auth.me': Method<Record<string, never>, SessionUser | null>;
  'auth.changePassword': Method<{ current: string; next: string }, null>;
  /** The methods the session's role may call, read from the office's own access table: the window offers only those. */
  'auth.permissions': Method<Record<string, never>, OfficeMethod[]>;
  /** The office's clock (injected; GRENETTE_CLOCK in the dev bridge): the renderer's « today » is the office's. */
  'clock.now': Method<Record<string, never>, OfficeNow>;

  'users.list': Method<Record<string, never>, StaffUser[]>;
  'users.save': Method<
    { id: number | null; username: string; displayName: string; role: Role; active: boolean; password: string | null },
    StaffUser
  >;

  'schools.list': Method<Record<string, never>, School[]>;
  'customFields.list': Method<Record<string, never>, CustomField[]>;
  'customFields.save': Method<
    { id: number | null; entity: 'family' | 'child'; label: string; kind: 'text' | 'boolean' | 'date'; active: boolean },
    CustomField
  >;

  'families.search': Method<{ query: string; includeArchived: boolean; limit?: number }, FamilySummary[]>;
  'families.grid': Method<GridQuery, GridPage<FamilySummary>>;
  /** The phones the office could not read (kept as typed), for the agents to correct. */
  'families.phonesToFix': Method<Record<string, never>, PhoneToFix[]>;
  'families.get': Method<{ id: number }, FamilyFile>;
  /** The likely duplicates of a family about to be created (name + birth date, phone, e-mail, allocataire number). */
  'families.duplicates': Method<{ data: FamilyInput }, FamilyDuplicate[]>;
  'families.create': Method<{ data: FamilyInput }, FamilyFile>;
  'families.update': Method<{ id: number; patch: FamilyPatch }, FamilyFile>;
  'families.archive': Method<{ id: number; archived: boolean }, FamilyFile>;

  'documents.add': Method<
    { familyId: number; kind: DocumentKind; label: string; documentDate: string; fileName: string; mime: string; base64: string },
    DocumentSummary
  >;
  'documents.get': Method<{ id: number }, FileContent>;
  'documents.archive': Method<{ id: number }, null>;

  'children.search': Method<{ query: string; includeArchived: boolean; limit?: number }, ChildSummary[]>;
  'children.grid': Method<GridQuery, GridPage<ChildSummary>>;
  'children.get': Method<{ id: number }, ChildFile>;
  'children.create': Method<{ familyId: number; data: ChildInput }, ChildFile>;
  'children.update': Method<{ id: number; patch: ChildPatch }, ChildFile>;
  'children.setPhoto': Method<{ id: number; mime: string; base64: string }, ChildFile>;
  'children.archive': Method<{ id: number; archived: boolean }, ChildFile>;

  'audit.forFamily': Method<{ familyId: number }, AuditEntry[]>;
  'audit.forChild': Method<{ childId: number }, AuditEntry[]>;

  'print.childSheets': Method<{ scope: PrintScope }, FileContent>;

  'services.list': Method<Record<string, never>, ServiceConfig[]>;
  'services.save': Method<ServiceInput, ServiceConfig>;

  'calendar.get': Method<{ from: string; to: string }, CalendarView>;
  'calendar.savePeriod': Method<Omit<CalendarPeriod, 'id'> & { id: number | null }, CalendarPeriod>;
  'calendar.removePeriod': Method<{ id: number }, null>;
  'calendar.saveSchoolYear': Method<Omit<SchoolYear, 'id'> & { id: number | null }, SchoolYear>;

  'inscriptions.list': Method<{ childId: number }, Inscription[]>;
  /** One child or several siblings at once. */
  'inscriptions.create': Method<
    { childIds: number[]; serviceId: number; startDate: string; endDate: string; weekdays: number[] },
    Inscription[]
  >;
  /** Changes or ends an inscription from a day on; days before it are never touched. */
  'inscriptions.update': Method<{ id: number; from: string; endDate: string; weekdays: number[] }, Inscription>;

  'planning.child': Method<{ childId: number; from: string; to: string }, ChildPlanning>;
  'planning.apply': Method<
    { cells: { childId: number; serviceId: number; day: string }[]; action: PlanningAction },
    { changed: number; skipped: { day: string; why: string }[] }
  >;
  'planning.day': Method<{ serviceId: number; day: string }, DayList>;
  /** Arrival and departure of a child pointed present on a service billed by time; both null clear them. */
  'planning.setTimes': Method<
    { childId: number; serviceId: number; day: string; arrival: string | null; departure: string | null },
    { arrival: string | null; departure: string | null }
  >;
  'planning.meals': Method<{ from: string; to: string }, MealCounts>;
  'planning.attendanceSheet': Method<{ serviceId: number; day: string }, FileContent>;

  'requests.create': Method<NewRequest, RequestView>;
  'requests.queue': Method<Record<string, never>, QueueRow[]>;
  'requests.decide': Method<
    {
      itemIds: number[];
      decision: 'accept' | 'refuse';
      refusalReason: string | null;
      /** Accept bookings over the day's capacity: only after the agent confirmed it; recorded on each item and audited. */
      force?: boolean;
    },
    DecisionOutcome
  >;
  'requests.forFamily': Method<{ familyId: number }, RequestView[]>;
  'refusalReasons.list': Method<Record<string, never>, RefusalReason[]>;
  'refusalReasons.save': Method<{ id: number | null; label: string; active: boolean }, RefusalReason>;
  /** Strike, school trip, teacher absent: the absence for every child of a school (or one class) at once. */
  'events.declareAbsence': Method<
    { schoolId: number; classe: string | null; serviceIds: number[]; days: string[]; reason: AbsenceReason; comment: string },
    { children: number; days: number }
  >;

  /** Sync with the portail famille: where it stands, a run now, the pairing, and activation codes for families. */
  'sync.status': Method<Record<string, never>, SyncStatus>;
  'sync.now': Method<Record<string, never>, SyncStatus>;
  'sync.configure': Method<{ portalUrl: string; secret: string }, SyncStatus>;
  /** A one-time code for a responsable to activate their portal account; shown once, only its hash is kept. */
  /** A new one-time code for a responsable, and the one-page letter to post in a window envelope (PDF). */
  'portal.issueActivation': Method<{ familyId: number; rank: 1 | 2 }, { code: string; expiresAt: string; letter: FileContent }>;

  /** Billing (./billing.ts): settings, tariffs and rules per service, the QF, the monthly run and issued invoices. */
  'billing.settings': Method<Record<string, never>, BillingSettings>;
  'billing.saveSettings': Method<BillingSettings, BillingSettings>;
  'tariffs.list': Method<{ serviceId: number | null }, TariffRecord[]>;
  'tariffs.save': Method<TariffInput, TariffRecord>;
  'tariffs.remove': Method<{ id: number }, null>;
  'billingRules.list': Method<Record<string, never>, ServiceBillingRules[]>;
  'billingRules.save': Method<{ serviceId: number; rules: BillingRules }, ServiceBillingRules>;
  'qf.forFamily': Method<{ familyId: number }, FamilyQfView>;
  'qf.toUpdate': Method<Record<string, never>, QfToUpdateRow[]>;
  'qf.exportToUpdate': Method<Record<string, never>, FileContent>;
  'invoiceRuns.list': Method<Record<string, never>, InvoiceRunSummary[]>;
  /** Computes (again) the drafts of a month not yet issued; reports progress. */
  'invoiceRuns.generate': Method<{ month: string }, InvoiceRunView>;
  'invoiceRuns.get': Method<{ month: string }, InvoiceRunView>;
  'invoiceRuns.draft': Method<{ month: string; familyId: number }, DraftDetail>;
  /** Régisseur only: numbers and freezes every draft of the month. */
  'invoiceRuns.issue': Method<{ month: string }, InvoiceRunView>;
  /** The month's issued invoices as one PDF, for printing and posting. */
  'invoiceRuns.pdf': Method<{ month: string }, FileContent>;
  'invoices.list': Method<{ familyId: number | null; month: string | null }, InvoiceSummary[]>;
  'invoices.get': Method<{ id: number }, InvoiceView>;
  'invoices.pdf': Method<{ id: number }, FileContent>;
  /** Régisseur only: a credit note or a complementary invoice on an issued invoice, numbered in the same sequence. */
  'invoices.correct': Method<CorrectionInput, InvoiceView>;

  /** Accounts (./accounts.ts): a family's ledger; payments, refunds and cancellations are the régisseur's. */
  'accounts.get': Method<{ familyId: number }, FamilyAccount>;
  'payments.record': Method<PaymentInput, PaymentOutcome>;
  'payments.refund': Method<RefundInput, PaymentOutcome>;
  /** Cancels a payment or a refund by a counter-entry dated `day`; never deletes. */
  'payments.cancel': Method<CancelInput, PaymentOutcome>;
  /** The « Comptes » grid: every family's account (balance, overdue, oldest unpaid, last payment), filtered. */
  'accounts.grid': Method<{ filter?: AccountGridFilter }, AccountGridRow[]>;
  /** Statements (relevés de compte, src/office/accounts/statement-handlers.ts): one family's over a period (every role). */
  'statements.pdf': Method<{ familyId: number; from: string; to: string }, FileContent>;
  /** Every family with a balance due at `to`, as one PDF to print and post; reports progress. Régisseur and admin. */
  'statements.batch': Method<{ from: string; to: string }, FileContent>;
  /** The régie's cash journal of a day (./cash-journal.ts); closing is the régisseur's and final. */
  'cashJournal.get': Method<{ day: string }, CashJournal>;
  'cashJournal.close': Method<{ day: string }, CashJournal>;
  /** The journal and the « Bordereau de remise de chèques » as one PDF. */
  'cashJournal.pdf': Method<{ day: string }, FileContent>;

  /** Reminders (./reminders.ts): overdue invoices by family and age; sending, holding and releasing are the régisseur's. */
  'reminders.list': Method<Record<string, never>, ReminderList>;
  /** Records one reminder per family and returns the letters as one PDF; the portal mails them at the next sync. */
  'reminders.send': Method<ReminderSendInput, ReminderSendOutcome>;
  'reminders.hold': Method<ReminderHoldInput, null>;
  'reminders.release': Method<{ familyId: number }, null>;

  /** SEPA direct debit (./sepa.ts, src/office/sepa/*). Reading a scanned RIB locally (PDF text or OCR); reports progress. */
  'sepa.readScan': Method<{ familyId: number; source: ScanSource }, ScanReading>;
  /** Paramètres › Prélèvement: the creditor (ICS, name, account), pre-notification, collection day, reject fee. */
  'sepa.settings': Method<Record<string, never>, SepaSettings>;
  'sepa.saveSettings': Method<SepaSettings, SepaSettings>;
  /** The full IBAN of a mandate's account (accountId) or of the family's bank details (accountId null): régisseur, audited. */
  'sepa.revealIban': Method<{ familyId: number; accountId: number | null }, { iban: string }>;
  /** The IBAN key as the plain key file `<database>.key` holds it, to keep with the backups: admin only, audited. */
  'sepa.exportIbanKey': Method<Record<string, never>, FileContent>;

  /** Mandates: set up from a scan (status « à signer »), signed, amended (change of account), revoked, reactivated. */
  'mandates.forFamily': Method<{ familyId: number }, FamilyDirectDebit>;
  'mandates.create': Method<{ familyId: number; account: MandateAccountInput }, MandateView>;
  'mandates.sign': Method<{ mandateId: number; signedOn: string }, MandateView>;
  'mandates.amend': Method<{ mandateId: number; account: MandateAccountInput }, MandateView>;
  'mandates.revoke': Method<{ mandateId: number; day: string; note: string }, MandateView>;
  /** A suspended mandate (two rejects) made active again once the office has acted. */
  'mandates.reactivate': Method<{ mandateId: number; note: string }, MandateView>;
  /** The mandate form to sign (ICS, RUM, creditor, debtor's account, legal text), PDF. */
  'mandates.pdf': Method<{ mandateId: number }, FileContent>;

  /** Collections: a batch of debits for a collection date, exported as pain.008, and rejects. */
  'sepa.preview': Method<{ collectionDate: string }, BatchPreview>;
  'sepa.prepare': Method<{ collectionDate: string }, BatchView>;
  'sepa.batches': Method<Record<string, never>, BatchSummary[]>;
  'sepa.batch': Method<{ batchId: number }, BatchView>;
  /** The batch's pain.008 file; the first export freezes the batch as sent (the same file is given again after). */
  'sepa.export': Method<{ batchId: number; version: Pain008Version }, FileContent>;
  /** Only before it is sent: its invoices become eligible again. */
  'sepa.cancelBatch': Method<{ batchId: number }, BatchView>;
  'sepa.reject': Method<RejectInput, RejectOutcome>;
  /** « Avis de prélèvement » for invoices a collection date leaves out for want of a pre-notification: recorded, one PDF. */
  'sepa.notices': Method<NoticesInput, NoticesOutcome>;
  /** The régisseur clears a family's reject flag once the family has been contacted. */
  'sepa.clearFlag': Method<{ familyId: number }, null>;
}

export type OfficeMethod = keyof OfficeApiSpec;
export type OfficeArgs<M extends OfficeMethod> = OfficeApiSpec[M]['args'];
export type OfficeValue<M extends OfficeMethod> = OfficeApiSpec[M]['value'];

/** What the renderer sees as `window.grenette`, whichever transport carries it. */
export interface GrenetteBridge {
  /** `options.onProgress` hears the progress of a long call (see ./progress.ts) while it runs. */
  call<M extends OfficeMethod>(method: M, args: OfficeArgs<M>, options?: CallOptions): Promise<Result<OfficeValue<M>>>;
}

export const OFFICE_IPC_CHANNEL = 'grenette:office-call';

/** The office's sync with the portail famille, as the status line shows it. */
export interface SyncStatus {
  configured: boolean;
  portalUrl: string;
  lastSuccessAt: string | null;
  lastAttemptAt: string | null;
  /** Short French message of the last failure; null after a success. */
  lastError: string | null;
  /** Families whose changes wait to be published. */
  pendingPublications: number;
  /** Portal requests received since pairing. */
  pulledRequests: number;
  /**
   * Portal requests kept aside unread (no family of this office, or a body the office could not even keep as a
   * refused request): shown so that nothing the portal sent disappears without an agent knowing.
   */
  rejectedRequests: number;
}
