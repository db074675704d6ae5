import type { OverdueAge } from '../billing/account.js';
import type { FileContent } from './contract.js';
import type { ReminderHold } from './accounts.js';

/** The reminders part of the office API (relances): the overdue list, sending letters, setting families aside. */

export type ReminderLevel = 1 | 2;

/** A level-1 reminder sent at least this many days ago makes level 2 the suggested next one. */
export const SECOND_REMINDER_AFTER_DAYS = 15;

export const REMINDER_LEVELS: Record<ReminderLevel, string> = {
  1: 'Première relance',
  2: 'Seconde relance',
};

export const HOLD_REASONS: Record<ReminderHold['reason'], string> = {
  payment_plan: 'Échéancier de paiement',
  dispute: 'Facture contestée',
};

/** The overdue buckets a reminders row totals (not_due never is overdue). */
export type OverdueBucket = Exclude<OverdueAge, 'not_due'>;

export interface OverdueInvoice {
  id: number;
  number: string;
  issueDate: string;
  dueDate: string;
  totalCents: number;
  openCents: number;
  age: OverdueBucket;
}

/** A family with something overdue, as the « Relances » tab lists it. */
export interface ReminderRow {
  familyId: number;
  familyName: string;
  archived: boolean;
  /** What is open on invoices past their due date, in all and by age. */
  overdueCents: number;
  buckets: Record<OverdueBucket, number>;
  invoices: OverdueInvoice[];
  lastReminder: { level: ReminderLevel; day: string } | null;
  hold: ReminderHold | null;
  suggestedLevel: ReminderLevel;
  /** The responsables' e-mail addresses a reminder would be mailed to (empty: the letter only). */
  emails: string[];
}

export interface ReminderList {
  day: string;
  rows: ReminderRow[];
}

export interface ReminderSendInput {
  familyIds: number[];
  level: ReminderLevel;
}

/** What sending returns: the letters as one PDF, how many letters were written and mails will leave by the portal. */
export interface ReminderSendOutcome {
  pdf: FileContent;
  letters: number;
  mails: number;
}

export interface ReminderHoldInput {
  familyId: number;
  reason: ReminderHold['reason'];
  note: string;
}
