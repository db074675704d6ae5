import type { DraftLine, DraftProblem, FlaggedFamily, QfPeriod } from '../billing/drafts.js';
import type { InvoiceDay, InvoiceDocument, InvoiceKind } from '../billing/invoice.js';
import type { QfSource } from '../billing/qf.js';
import type { BillingRules } from '../billing/rules.js';
import type { BillingSettings } from '../billing/settings.js';
import type { Tariff } from '../billing/tariffs.js';

/** The billing part of the office API (contract.ts lists the methods): tariffs, rules, QF, runs and invoices. */

/** A stored tariff: the shared Tariff with its id, its school year and who changed it last. */
export interface TariffRecord extends Tariff {
  id: number;
  schoolYearId: number | null;
  updatedAt: string;
  updatedBy: string;
}

export interface TariffInput {
  id: number | null;
  schoolYearId: number | null;
  tariff: Tariff;
}

export interface ServiceBillingRules {
  serviceId: number;
  /** The service's rules, DEFAULT_BILLING_RULES when none were saved. */
  rules: BillingRules;
  custom: boolean;
}

/** The QF in force today for a family, with the bracket and unit price of each service it uses. */
export interface FamilyQfView {
  /** The day judged (the office's today). */
  day: string;
  qf: number | null;
  source: QfSource | null;
  flagged: boolean;
  why: string;
  /** Resident families pay the resident price of each tariff. */
  resident: boolean;
  /** unitCents null (unit and bracket '') when the service has no tariff in force that day; why says so. */
  services: { serviceId: number; serviceName: string; unit: string; bracket: string; unitCents: number | null; why: string }[];
}

/** A family of « QF à mettre à jour ». */
export interface QfToUpdateRow {
  familyId: number;
  familyName: string;
  email: string;
  telephone: string;
  why: string;
  /** CAF validity date, if any, ISO. */
  cafValidUntil: string | null;
  fiscalYear: number | null;
}

export interface InvoiceRunSummary {
  month: string;
  status: 'draft' | 'issued';
  generatedAt: string;
  issuedAt: string | null;
  families: number;
  totalCents: number;
  flagged: number;
  problems: number;
}

/** One row of the review grid: a family's draft with its total per service. */
export interface DraftRow {
  familyId: number;
  familyName: string;
  totalCents: number;
  qfFlagged: boolean;
  /** Total per service id. */
  byService: Record<number, number>;
}

export interface InvoiceRunView extends Omit<InvoiceRunSummary, 'problems'> {
  services: { id: number; name: string }[];
  drafts: DraftRow[];
  problems: DraftProblem[];
  flaggedFamilies: (FlaggedFamily & { familyName: string })[];
  /** Set once issued: the numbers given, first and last. */
  numbers: { first: string; last: string } | null;
}

/** A family's draft opened from the review grid: its lines and every day with why it is billed or not. */
export interface DraftDetail {
  month: string;
  familyId: number;
  familyName: string;
  lines: DraftLine[];
  totalCents: number;
  qf: QfPeriod[];
  days: (InvoiceDay & { childName: string; serviceName: string; units: number; unitCents: number | null; problem: string | null })[];
  /** The draft as stored differs from the data now: the agent should regenerate before issuing. */
  stale: boolean;
}

export interface InvoiceSummary {
  id: number;
  number: string;
  kind: InvoiceKind;
  familyId: number;
  familyName: string;
  month: string;
  issueDate: string;
  dueDate: string;
  totalCents: number;
  /** The invoice this one corrects (credit note, complementary invoice). */
  corrects: string | null;
  /** What credit notes already took off this invoice (positive cents). */
  creditedCents: number;
}

export interface InvoiceView extends InvoiceSummary {
  document: InvoiceDocument;
  issuedBy: string;
  /** Credit notes and complementary invoices issued on this one. */
  corrections: InvoiceSummary[];
}

export interface CorrectionInput {
  invoiceId: number;
  kind: 'credit_note' | 'complementary';
  reason: string;
  lines: { childId: number | null; serviceId: number | null; label: string; amountCents: number }[];
}

export type { BillingSettings };
