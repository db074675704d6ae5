import { addDays } from '../calendar/days.js';
import { formatDayFr } from '../calendar/format.js';
import { addBankBusinessDays, isBankBusinessDay, nextBankBusinessDay } from './business-days.js';

/**
 * When a debit may be collected (DOMAIN.md): every collection can be submitted at D-1, so the collection date is a bank
 * business day at least one business day after today; and the family must have been told at least
 * `preNotificationDays` calendar days before it (the invoice carries the pre-notification).
 */

/** The first collection date a batch prepared today may ask for. */
export function earliestCollectionDate(today: string): string {
  // A file prepared on a Saturday or a holiday reaches the bank on its next business day, whose next one is the earliest.
  return addBankBusinessDays(nextBankBusinessDay(today), 1);
}

/** French message when `date` cannot be a collection date prepared on `today`, or null. */
export function collectionDateProblem(date: string, today: string): string | null {
  if (date <= today) return 'La date de prélèvement doit être dans le futur.';
  if (!isBankBusinessDay(date)) return 'La date de prélèvement doit être un jour ouvré des banques (ni week-end ni jour férié TARGET2).';
  const earliest = earliestCollectionDate(today);
  if (date < earliest) return `Le fichier doit parvenir à la banque la veille ouvrée : date de prélèvement au plus tôt le ${formatDayFr(earliest)}.`;
  return null;
}

/** Whether an invoice issued (pre-notified) on `notifiedOn` may be collected on `date`. */
export function preNotifiedInTime(notifiedOn: string, date: string, preNotificationDays: number): boolean {
  return addDays(notifiedOn, preNotificationDays) <= date;
}

/**
 * The debit date printed on an invoice issued on `issueDate`: the settings' day of the month on or after the
 * pre-notification delay, moved to the next bank business day.
 */
export function plannedCollectionDate(issueDate: string, preNotificationDays: number, collectionDay: number): string {
  const earliest = addDays(issueDate, preNotificationDays);
  let year = Number(earliest.slice(0, 4));
  let month = Number(earliest.slice(5, 7));
  if (Number(earliest.slice(8, 10)) > collectionDay) {
    month += 1;
    if (month === 13) {
      month = 1;
      year += 1;
    }
  }
  const day = `${year}-${String(month).padStart(2, '0')}-${String(collectionDay).padStart(2, '0')}`;
  return nextBankBusinessDay(day);
}

