import type { QfPeriod, LineKind } from './drafts.js';
import type { BillingCode } from './rules.js';

/**
 * An issued invoice as printed, published and kept: the office copies everything into this document when it issues
 * (issuer, family, prices, bases of calculation, days), stores it as JSON beside the invoice's number, and never
 * writes it again. The PDF (office and portal alike) and the portal's « Relevé de compte » read only this, so a later
 * change of tariff, family or settings never alters an issued invoice.
 */

export type InvoiceKind = 'invoice' | 'credit_note' | 'complementary';

export const INVOICE_KINDS: Record<InvoiceKind, string> = {
  invoice: 'Facture',
  credit_note: 'Avoir',
  complementary: 'Facture complémentaire',
};

/** Who issues (CGCT art. L1617-5: the issuer named with its quality) and how to pay: Paramètres › Facturation. */
export interface InvoiceIssuer {
  /** « Commune d'Epagny Metz-Tessy ». */
  communeName: string;
  /** Postal address, one line per entry. */
  address: string[];
  /** 14 digits. */
  siret: string;
  /** « Régie de recettes Enfance Jeunesse ». */
  regieName: string;
  /** Where to pay at the counter, one line per entry. */
  regieAddress: string[];
  /** Office hours at the régie, as printed. */
  regieHours: string;
  phone: string;
  email: string;
  /** The person who issues: nom, prénoms and qualité (« Le Maire », « L'adjoint délégué »). */
  signatoryName: string;
  signatoryQuality: string;
  /** PayFiP identifier of the commune (collectivité), empty when the commune offers no online payment. */
  payfipId: string;
  /** To whose order cheques are made out: « Trésor public » / « Régie Enfance Jeunesse ». */
  chequeOrder: string;
  /** Appeal routes and deadlines, printed as it is (several paragraphs separated by blank lines). */
  appeal: string;
}

/**
 * Direct debit pre-notification (issue #12, src/office/sepa/prenotification.ts): printed on an invoice issued while the
 * family's mandate is active; null otherwise. The optional fields came with the collections; documents frozen before
 * them lack them and print without.
 */
export interface InvoiceDirectDebit {
  /** The planned collection date (plannedCollectionDate: the settings' day of the month after the delay). */
  debitDate: string;
  /** The mandate's RUM. */
  mandateReference: string;
  /** The creditor's ICS. */
  creditorId: string;
  /** The amount to be debited, integer cents (the invoice's total when issued). */
  amountCents?: number;
  /** The debtor's account, masked (« FR76 •••• 189 »). */
  ibanMasked?: string;
  creditorName?: string;
}

export interface InvoiceLine {
  childId: number | null;
  childName: string;
  serviceId: number | null;
  serviceName: string;
  kind: LineKind | 'correction';
  label: string;
  /** How the unit price was obtained (bracket, taux d'effort, surcharge basis), copied at issue. */
  basis: string;
  /** Per unit, negative for a reduction; a correction line has quantity 1. */
  unitCents: number;
  quantity: number;
  amountCents: number;
  /** The days the line covers, ISO, in order. */
  days: string[];
}

/** One day of a child at a service and why it is billed or not, as reviewed when the invoice was issued. */
export interface InvoiceDay {
  childId: number;
  serviceId: number;
  day: string;
  billed: boolean;
  code: BillingCode;
  why: string;
}

export interface InvoiceDocument {
  kind: InvoiceKind;
  /** '2026-000123'. */
  number: string;
  /** ISO days. */
  issueDate: string;
  dueDate: string;
  /** The month billed, 'YYYY-MM'. */
  month: string;
  issuer: InvoiceIssuer;
  family: {
    id: number;
    /** « M. et Mme Paul DURAND ». */
    name: string;
    /** Postal address lines of the first responsable. */
    address: string[];
  };
  lines: InvoiceLine[];
  /** Sum of the lines' amounts; negative for a credit note. */
  totalCents: number;
  /** The QF applied over the month (several periods when a proof expired within it). */
  qf: QfPeriod[];
  days: InvoiceDay[];
  /** For a credit note or a complementary invoice: the invoice corrected, and why. */
  corrects: { number: string; issueDate: string } | null;
  reason: string;
  directDebit: InvoiceDirectDebit | null;
}

/** '2026-000123': the year and the number within it, six digits at least. */
export function formatInvoiceNumber(year: number, seq: number): string {
  if (!Number.isInteger(year) || year < 2000 || year > 9999) throw new Error(`Not an invoice year: ${year}`);
  if (!Number.isInteger(seq) || seq < 1) throw new Error(`Not an invoice sequence number: ${seq}`);
  return `${year}-${String(seq).padStart(6, '0')}`;
}
