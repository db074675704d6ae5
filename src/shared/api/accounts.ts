import type { LedgerEntry, MovementDetails, MovementKind, OverdueAge, PaymentMethod } from '../billing/account.js';
import type { InvoiceKind } from '../billing/invoice.js';

/** The accounts part of the office API (contract.ts lists the methods): payments, ledgers, statements, reminders. */

/** An issued invoice, credit note or complementary invoice as the account sees it: what is settled and what is open. */
export interface AccountInvoice {
  id: number;
  number: string;
  kind: InvoiceKind;
  month: string;
  issueDate: string;
  dueDate: string;
  totalCents: number;
  /** Put on it by payments and credit notes (an invoice); given out of it to other debts (a credit note, positive). */
  settledCents: number;
  /** Still to pay on an invoice; 0 for a credit note. */
  openCents: number;
  age: OverdueAge;
  /** The invoice a credit note or complementary invoice corrects. */
  correctsId: number | null;
  /**
   * « En cours de prélèvement »: the invoice is in a live SEPA debit not yet collected (src/office/sepa/*), in a batch
   * prepared or sent to the bank, for that collection date; null (or absent) otherwise.
   */
  directDebit?: { status: 'prepared' | 'sent'; collectionDate: string } | null;
}

export interface AccountMovement {
  id: number;
  kind: MovementKind;
  method: PaymentMethod;
  day: string;
  amountCents: number;
  details: MovementDetails;
  note: string;
  /** The movement a cancellation cancels. */
  cancelsId: number | null;
  /** The cancellation of this movement, when cancelled. */
  cancelledById: number | null;
  recordedAt: string;
  recordedBy: string;
  /** The invoices (and refunds) this payment settled, net of cancellations. */
  allocations: { invoiceNumber: string | null; refundId: number | null; cents: number }[];
  /** What of a payment is still free: a credit on the account. */
  freeCents: number;
  /** The régie's day is closed: the movement is final (a cancellation is still possible, dated an open day). */
  dayClosed: boolean;
}

export interface ReminderHold {
  reason: 'payment_plan' | 'dispute';
  note: string;
  since: string;
  setBy: string;
}

/** A family's account: one ledger, the balance, what is overdue. */
export interface FamilyAccount {
  familyId: number;
  familyName: string;
  archived: boolean;
  /** The day judged (the office's today). */
  day: string;
  /** What the family owes (positive) or is owed (negative). */
  balanceCents: number;
  /** What is open on its invoices. */
  dueCents: number;
  /** What is open on invoices past their due date. */
  overdueCents: number;
  /** Money of payments and credit notes not yet put on any invoice. */
  creditCents: number;
  invoices: AccountInvoice[];
  movements: AccountMovement[];
  /** Every invoice and movement in order, as a statement prints them. */
  entries: LedgerEntry[];
  hold: ReminderHold | null;
}

/** What a payment, refund or cancellation returns: the movement written and the account after it. */
export interface PaymentOutcome {
  movementId: number;
  /** The refund written with it (an overpayment refunded at once), or the refund itself. */
  refundId: number | null;
  account: FamilyAccount;
}
