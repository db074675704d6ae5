import { formatDayFr } from '../../shared/calendar/format.js';
import { formatEuros } from '../../shared/money.js';
import type { FamilyPublication, PortalSettings } from '../../shared/sync/contract.js';

/**
 * The mail of a reminder (relance) the régie sent: the office has no SMTP, so it publishes the family's reminders and
 * the portal mails each one it sees for the first time to the responsables' addresses, in the transaction that stores
 * the publication (src/portal/sync/publish.ts): a publication sent twice is ignored and mails nobody twice.
 */

/** A reminder older than this when first seen (a portal restored from an old backup) is not mailed any more. */
export const REMINDER_MAIL_MAX_AGE_DAYS = 30;

export interface ReminderMail {
  to: string[];
  subject: string;
  text: string;
}

/** The responsables' addresses, in rank order, each once. */
export function reminderRecipients(publication: FamilyPublication): string[] {
  const out: string[] = [];
  for (const person of [...publication.account.responsables].sort((a, b) => a.rank - b.rank)) {
    const email = person.email.trim();
    if (email !== '' && !out.includes(email)) out.push(email);
  }
  return out;
}

export function reminderMails(previous: FamilyPublication | null, next: FamilyPublication, settings: PortalSettings | null, today: string): ReminderMail[] {
  const seen = new Set((previous?.reminders ?? []).map((reminder) => reminder.id));
  const to = reminderRecipients(next);
  if (to.length === 0) return [];
  const oldest = new Date(Date.parse(`${today}T00:00:00Z`) - REMINDER_MAIL_MAX_AGE_DAYS * 86_400_000).toISOString().slice(0, 10);
  const office = settings ? `\n\n${settings.commune.service}\n${settings.commune.address}\n${settings.commune.phone} · ${settings.commune.email}` : '';
  return next.reminders
    .filter((reminder) => !seen.has(reminder.id) && reminder.day >= oldest)
    .map((reminder) => {
      const invoices = reminder.invoiceNumbers.length === 1 ? `la facture n° ${reminder.invoiceNumbers[0]}` : `les factures n° ${reminder.invoiceNumbers.join(', ')}`;
      const warning =
        reminder.level === 2
          ? '\n\nSans règlement de votre part, votre dette sera transmise au Trésor public pour recouvrement (titre de recettes émis par la commune, poursuivi par le comptable public).'
          : '';
      return {
        to,
        subject: reminder.level === 1 ? 'Relance : factures impayées' : 'Seconde relance : factures impayées',
        text:
          `Bonjour,\n\nSauf erreur de notre part, ${invoices} ${reminder.invoiceNumbers.length === 1 ? 'reste impayée' : 'restent impayées'} ` +
          `au ${formatDayFr(reminder.day)} après ${reminder.invoiceNumbers.length === 1 ? 'sa' : 'leur'} date d’échéance, pour un total de ${formatEuros(reminder.amountCents)}.${warning}\n\n` +
          'Vous pouvez régler à la régie, par chèque, ou en ligne par PayFiP : le portail famille, rubrique « Relevé de compte », ' +
          'indique pour chaque facture la référence et le montant à saisir.\n\n' +
          `Si vous avez réglé entre-temps, ne tenez pas compte de ce message. En cas de difficulté, contactez la régie : un échéancier peut vous être proposé.${office}\n`,
      };
    });
}
