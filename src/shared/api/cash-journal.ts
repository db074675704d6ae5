import type { MovementKind, PaymentMethod } from '../billing/account.js';

/** The régie's cash journal of one day (contract.ts: cashJournal.get, cashJournal.close, cashJournal.pdf). */

export interface CashJournalMovement {
  id: number;
  kind: MovementKind;
  /** For a cancellation: the kind of the movement it cancels and its day. */
  cancels: { kind: MovementKind; day: string } | null;
  familyId: number;
  familyName: string;
  amountCents: number;
  /** What the movement adds to the day's cash: a payment and the cancellation of a refund in, the others out. */
  signedCents: number;
  /** « Chèque n° 1234567 (Crédit Agricole, M. Martin) ». */
  text: string;
  recordedAt: string;
  recordedBy: string;
}

/** One method's part of the day: payments, refunds and cancellations each summed, then the net. */
export interface CashJournalMethod {
  method: PaymentMethod;
  label: string;
  paymentsCents: number;
  refundsCents: number;
  /** Cancellations, each counted with its sign (a payment's out, a refund's in). */
  cancellationsCents: number;
  netCents: number;
  movements: CashJournalMovement[];
}

/** A cheque received this day, for the bank deposit slip (bordereau de remise de chèques). */
export interface DepositCheque {
  movementId: number;
  number: string;
  bank: string;
  drawer: string;
  amountCents: number;
  familyId: number;
  familyName: string;
}

export interface CashJournalTotals {
  paymentsCents: number;
  refundsCents: number;
  cancellationsCents: number;
  netCents: number;
  count: number;
}

export interface CashJournal {
  day: string;
  /** Methods with at least one movement this day, in the order of PAYMENT_METHODS. */
  methods: CashJournalMethod[];
  totals: CashJournalTotals;
  cheques: DepositCheque[];
  chequesTotalCents: number;
  closed: { at: string; by: string } | null;
  /** The office's today: a day after it cannot be closed. */
  today: string;
}
