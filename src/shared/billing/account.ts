import { z } from 'zod';
import { shortDayFr } from '../calendar/format.js';
import { formatEuros } from '../money.js';
import { INVOICE_KINDS, type InvoiceKind } from './invoice.js';

/**
 * A family's account at the régie, once for the office (family file, « Comptes », statements, reminders, the cash
 * journal) and the portal (« Relevé de compte »): the movements' kinds, methods and French labels, the payment form's
 * checks, and the ledger arithmetic (balance, statement over a period). Money is integer cents; a debit is what the
 * family owes more (an invoice, a refund paid out to it, the cancellation of a payment), a credit what it owes less
 * (a payment, a credit note, the cancellation of a refund).
 */

export const PAYMENT_METHODS = {
  especes: 'Espèces',
  cheque: 'Chèque',
  cesu: 'CESU',
  carte: 'Carte bancaire',
  virement: 'Virement',
  prelevement: 'Prélèvement',
  payfip: 'PayFiP',
} as const;
export type PaymentMethod = keyof typeof PAYMENT_METHODS;
export const PAYMENT_METHOD_CODES = Object.keys(PAYMENT_METHODS) as [PaymentMethod, ...PaymentMethod[]];

/** A refund goes back by one of these (never in CESU, which the régie cannot give back). */
export const REFUND_METHODS = ['especes', 'cheque', 'virement'] as const satisfies readonly PaymentMethod[];
export type RefundMethod = (typeof REFUND_METHODS)[number];

/**
 * An overpayment refunded at once, at the counter, goes back in cash or by transfer: a refund by cheque needs the
 * cheque's number, which « Rembourser le crédit » asks (refundInputSchema).
 */
export const IMMEDIATE_REFUND_METHODS = ['especes', 'virement'] as const satisfies readonly RefundMethod[];
export type ImmediateRefundMethod = (typeof IMMEDIATE_REFUND_METHODS)[number];

export type MovementKind = 'payment' | 'refund' | 'cancellation';

/** The details a movement keeps besides its amount, as recorded. */
export interface MovementDetails {
  chequeNumber: string;
  chequeBank: string;
  chequeDrawer: string;
  cesuCount: number | null;
  cesuUnitCents: number | null;
  /** PayFiP transaction, transfer reference. */
  reference: string;
}

/** « Chèque n° 1234567 (Crédit Agricole, M. Martin) », « CESU : 3 titres de 10,00 € », « PayFiP réf. 4F2A ». */
export function methodText(method: PaymentMethod, details: MovementDetails): string {
  const label = PAYMENT_METHODS[method];
  if (method === 'cheque') {
    const more = [details.chequeBank, details.chequeDrawer].filter((part) => part.trim() !== '').join(', ');
    return `${label} n° ${details.chequeNumber}${more ? ` (${more})` : ''}`;
  }
  if (method === 'cesu' && details.cesuCount !== null && details.cesuUnitCents !== null) {
    return `${label} : ${details.cesuCount} titre${details.cesuCount > 1 ? 's' : ''} de ${formatEuros(details.cesuUnitCents)}`;
  }
  return details.reference.trim() === '' ? label : `${label} réf. ${details.reference}`;
}

export type LedgerKind = InvoiceKind | MovementKind;

/** One line of a family's account, in the order it happened. */
export interface LedgerEntry {
  /** 'invoice:12' or 'movement:5': unique within the family. */
  key: string;
  day: string;
  kind: LedgerKind;
  /** « Facture n° 2026-000123 — novembre 2026 », « Règlement — Chèque n° 1234567 ». */
  label: string;
  /** The invoice number, the cheque number or payment reference: what the family quotes. */
  reference: string;
  debitCents: number;
  creditCents: number;
}

export function invoiceEntryLabel(kind: InvoiceKind, number: string, period: string): string {
  return `${INVOICE_KINDS[kind]} n° ${number}${period ? ` — ${period}` : ''}`;
}

export function movementEntryLabel(kind: MovementKind, method: PaymentMethod, details: MovementDetails, cancelled?: { kind: MovementKind; day: string }): string {
  if (kind === 'cancellation' && cancelled) {
    return `Annulation du ${cancelled.kind === 'refund' ? 'remboursement' : 'règlement'} du ${shortDayFr(cancelled.day)} — ${methodText(method, details)}`;
  }
  return `${kind === 'refund' ? 'Remboursement' : 'Règlement'} — ${methodText(method, details)}`;
}

/** The side a movement falls on: a payment is a credit, a refund a debit, a cancellation the opposite of what it cancels. */
export function movementSide(kind: MovementKind, cancelledKind: MovementKind | null): 'debit' | 'credit' {
  if (kind === 'payment') return 'credit';
  if (kind === 'refund') return 'debit';
  return cancelledKind === 'refund' ? 'credit' : 'debit';
}

/** What the family owes (positive) or is owed (negative) after these entries. */
export function balanceOf(entries: readonly Pick<LedgerEntry, 'debitCents' | 'creditCents'>[]): number {
  return entries.reduce((sum, entry) => sum + entry.debitCents - entry.creditCents, 0);
}

export function byDay<T extends Pick<LedgerEntry, 'day' | 'key'>>(entries: readonly T[]): T[] {
  // Within a day, invoices before the movements that pay them; then by key (insertion order of each kind).
  const rank = (key: string) => (key.startsWith('invoice:') ? 0 : 1);
  const id = (key: string) => Number(key.slice(key.indexOf(':') + 1));
  return [...entries].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : rank(a.key) - rank(b.key) || id(a.key) - id(b.key)));
}

export interface StatementLine extends LedgerEntry {
  /** The balance after this line. */
  balanceCents: number;
}

export interface AccountStatement {
  from: string;
  to: string;
  openingCents: number;
  lines: StatementLine[];
  closingCents: number;
  debitCents: number;
  creditCents: number;
}

/** The relevé de compte for [from, to] (ISO days, inclusive): the balance before, each entry of the period, the balance after. */
export function accountStatement(entries: readonly LedgerEntry[], from: string, to: string): AccountStatement {
  if (from > to) throw new Error(`accountStatement: ${from} after ${to}`);
  const ordered = byDay(entries);
  const openingCents = balanceOf(ordered.filter((entry) => entry.day < from));
  let running = openingCents;
  const lines: StatementLine[] = [];
  for (const entry of ordered.filter((e) => e.day >= from && e.day <= to)) {
    running += entry.debitCents - entry.creditCents;
    lines.push({ ...entry, balanceCents: running });
  }
  return {
    from,
    to,
    openingCents,
    lines,
    closingCents: running,
    debitCents: lines.reduce((sum, line) => sum + line.debitCents, 0),
    creditCents: lines.reduce((sum, line) => sum + line.creditCents, 0),
  };
}

/** How overdue an unpaid invoice is, in the buckets the reminders list shows. */
export type OverdueAge = 'not_due' | 'd0_30' | 'd31_60' | 'd61_90' | 'd90_plus';
export const OVERDUE_AGES: Record<OverdueAge, string> = {
  not_due: 'Non échue',
  d0_30: 'Moins de 30 jours',
  d31_60: '31 à 60 jours',
  d61_90: '61 à 90 jours',
  d90_plus: 'Plus de 90 jours',
};

/** Days after the due date (0 on the due date itself counts as not due: the family may pay that day). */
export function overdueAge(dueDate: string, today: string): OverdueAge {
  if (today <= dueDate) return 'not_due';
  const days = Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${dueDate}T00:00:00Z`)) / 86_400_000);
  if (days <= 30) return 'd0_30';
  if (days <= 60) return 'd31_60';
  if (days <= 90) return 'd61_90';
  return 'd90_plus';
}

const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Date invalide.');
const text = (max: number) => z.string().trim().max(max, `${max} caractères au plus.`);

/**
 * What the régisseur types to record a payment; the office checks it here and again against the family's account
 * (archived family, closed day, amount above what is due without saying what to do with the rest).
 */
export const paymentInputSchema = z
  .object({
    familyId: z.number('Famille manquante.').int('Famille inconnue.').positive('Famille inconnue.'),
    method: z.enum(PAYMENT_METHOD_CODES, 'Choisissez le mode de règlement.'),
    /** The régie's day the payment counts in. */
    day: isoDay,
    amountCents: z.number('Montant manquant.').int('Montant en centimes entiers.').positive('Le montant doit être supérieur à zéro.').max(10_000_000, 'Montant trop grand.'),
    chequeNumber: text(20).default(''),
    chequeBank: text(80).default(''),
    chequeDrawer: text(80).default(''),
    cesuCount: z.number('Nombre de titres invalide.').int('Nombre de titres invalide.').positive('Nombre de titres invalide.').nullable().default(null),
    cesuUnitCents: z.number('Valeur du titre invalide.').int('Valeur du titre invalide.').positive('Valeur du titre invalide.').nullable().default(null),
    reference: text(60).default(''),
    note: text(500).default(''),
    /** The invoices the family says it pays, settled first; empty: oldest first. */
    invoiceIds: z.array(z.number().int('Facture inconnue.').positive('Facture inconnue.'), 'Factures choisies invalides.').max(500, '500 factures au plus.').default([]),
    /** What to do with what exceeds every open invoice: refused when there is some and this is 'none'. */
    overpayment: z.enum(['none', 'credit', 'refund'], 'Choisissez que faire du trop-perçu.').default('none'),
    refundMethod: z.enum(IMMEDIATE_REFUND_METHODS, 'Remboursement immédiat en espèces ou par virement ; par chèque, utilisez « Rembourser le crédit ».').nullable().default(null),
  })
  .superRefine((input, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (input.method === 'cheque') {
      if (input.chequeNumber === '') issue('chequeNumber', 'Le numéro du chèque est obligatoire.');
      else if (!/^[0-9A-Za-z]{1,20}$/.test(input.chequeNumber)) issue('chequeNumber', 'Numéro de chèque invalide (chiffres et lettres seulement).');
      if (input.chequeBank === '') issue('chequeBank', 'La banque du chèque est obligatoire.');
    }
    if (input.method === 'cesu') {
      if (input.cesuCount === null) issue('cesuCount', 'Le nombre de titres CESU est obligatoire.');
      if (input.cesuUnitCents === null) issue('cesuUnitCents', 'La valeur d’un titre CESU est obligatoire.');
      if (input.cesuCount !== null && input.cesuUnitCents !== null && input.cesuCount * input.cesuUnitCents !== input.amountCents) {
        issue('amountCents', `Le montant doit être égal au nombre de titres × leur valeur (${formatEuros(input.cesuCount * input.cesuUnitCents)}).`);
      }
    }
    if (input.method === 'payfip' && input.reference === '') issue('reference', 'La référence de la transaction PayFiP est obligatoire.');
    if (input.overpayment === 'refund' && input.refundMethod === null) issue('refundMethod', 'Choisissez comment rembourser le trop-perçu.');
  });
export type PaymentInput = z.input<typeof paymentInputSchema>;
export type CheckedPaymentInput = z.output<typeof paymentInputSchema>;

export const refundInputSchema = z.object({
  familyId: z.number('Famille manquante.').int('Famille inconnue.').positive('Famille inconnue.'),
  method: z.enum(REFUND_METHODS, 'Choisissez le mode de remboursement.'),
  day: isoDay,
  amountCents: z.number('Montant manquant.').int('Montant en centimes entiers.').positive('Le montant doit être supérieur à zéro.'),
  chequeNumber: text(20).default(''),
  reference: text(60).default(''),
  note: text(500).default(''),
});
export type RefundInput = z.input<typeof refundInputSchema>;

export const cancelInputSchema = z.object({
  movementId: z.number('Mouvement manquant.').int('Mouvement inconnu.').positive('Mouvement inconnu.'),
  day: isoDay,
  reason: text(500).min(3, 'Indiquez le motif de l’annulation.'),
});
export type CancelInput = z.input<typeof cancelInputSchema>;

/**
 * An invoice whose direct debit has been sent to the bank and is not collected yet: the bank will pay it at the
 * collection date, so no payment at the counter or free credit goes on it (it would be paid twice). Before the file
 * is sent, a payment on it is allowed: the batch is then refused at export (« réglée depuis ») and prepared again.
 * The portal, on purpose, stops offering it online from the batch's preparation (src/portal/pages/statement.ts).
 */
export function awaitingBankDebit(invoice: { openCents: number; directDebit?: { status: 'prepared' | 'sent'; collectionDate: string } | null }): boolean {
  return invoice.openCents > 0 && invoice.directDebit?.status === 'sent';
}

/** Why an invoice cannot be chosen for a payment at the counter (awaitingBankDebit). */
export function bankDebitNote(invoice: { number: string; directDebit?: { collectionDate: string } | null }): string {
  return `La facture n° ${invoice.number} est en cours de prélèvement (le ${shortDayFr(invoice.directDebit?.collectionDate ?? '')}) : la banque la réglera. Enregistrez un rejet si le prélèvement échoue.`;
}
