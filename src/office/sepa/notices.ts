import { sql } from 'kysely';
import type { NoticesInput, NoticesOutcome } from '../../shared/api/sepa.js';
import { addDays } from '../../shared/calendar/days.js';
import { shortDayFr } from '../../shared/calendar/format.js';
import { parisDay } from '../../shared/clock.js';
import { formatEuros } from '../../shared/money.js';
import { nextBankBusinessDay } from '../../shared/sepa/business-days.js';
import { debitNoticePdf, debitNoticePdfFileName, type DebitNoticeLetter } from '../../server/billing/debit-notice-pdf.js';
import { invalid, type StaffContext } from '../api/handler.js';
import { AuditBatch } from '../audit/write.js';
import { immediateTransaction } from '../billing/run-transaction.js';
import { loadBillingSettings } from '../billing/store.js';
import { checkedCollectionDate } from './batches.js';
import { judgeInvoices } from './eligibility.js';
import { ibanVault } from './iban-vault.js';
import { loadSepaSettings } from './settings.js';

/**
 * « Préparer les avis de prélèvement » (review of issue #12): the invoices a collection date leaves out for want of a
 * valid pre-notification (none: issued before the mandate was signed; another amount: paid in part since; a rejected
 * debit since) get an « avis de prélèvement », recorded (migration 0009, source 'avis', notified today) and returned as
 * one PDF to print and post. The debit date announced is the collection date when the delay still leaves it, else the
 * first bank business day the delay allows (said in the outcome, so the agent knows when to collect them). All or
 * nothing: the notices are recorded and the PDF made in one transaction, so a PDF that fails records nothing.
 */

export const NOTHING_TO_NOTIFY = 'Aucune facture à pré-notifier pour cette date.';

export async function prepareNotices(ctx: StaffContext, input: NoticesInput): Promise<NoticesOutcome> {
  const now = ctx.clock();
  const today = parisDay(now);
  const at = now.toISOString();
  const date = checkedCollectionDate(input.collectionDate, today);
  return immediateTransaction(ctx.db, async (trx) => {
    const settings = await loadSepaSettings(trx);
    const { toNotify, ineligible, debits } = await judgeInvoices(trx, ibanVault(ctx.db), date, today);
    let chosen = toNotify;
    if (input.invoiceIds !== undefined) {
      const wanted = new Set(input.invoiceIds);
      chosen = toNotify.filter((candidate) => wanted.has(candidate.invoiceId));
      const needless = [...wanted].filter((id) => !chosen.some((candidate) => candidate.invoiceId === id));
      if (needless.length > 0) {
        const numbers = new Map(
          (await trx.selectFrom('invoices').select(['id', 'number']).where('id', 'in', needless).execute()).map((row) => [row.id, row.number]),
        );
        const described = needless.map((id) => {
          const left = ineligible.find((invoice) => invoice.invoiceId === id);
          if (left) return `${left.invoiceNumber} (${left.why})`;
          const taken = debits.find((debit) => debit.invoiceId === id);
          return taken ? `${taken.invoiceNumber} (déjà prélevable le ${shortDayFr(date)})` : `${numbers.get(id) ?? `n° ${id} (inconnue)`} (facture sans mandat actif ou soldée)`;
        });
        const message = `Pas d’avis de prélèvement à préparer pour : ${described.join(', ')}.`;
        throw invalid({ invoiceIds: message }, message);
      }
    }
    if (chosen.length === 0) throw invalid({ collectionDate: NOTHING_TO_NOTIFY }, NOTHING_TO_NOTIFY);

    // The family must be told preNotificationDays before: today's avis announces the collection date if it can.
    const allowed = nextBankBusinessDay(addDays(today, settings.preNotificationDays));
    const debitDate = allowed > date ? allowed : date;

    // The family's name and address as on the invoice it is told about (the newest of its invoices here).
    const documents = await trx
      .selectFrom('invoices')
      .select(['id', sql<string>`json_extract(document, '$.family.name')`.as('name'), sql<string>`json_extract(document, '$.family.address')`.as('address')])
      .where('id', 'in', chosen.map((candidate) => candidate.invoiceId))
      .execute();
    const byInvoice = new Map(documents.map((row) => [row.id, row]));
    const letters = new Map<number, DebitNoticeLetter>();
    for (const candidate of chosen) {
      const document = byInvoice.get(candidate.invoiceId);
      const letter = letters.get(candidate.mandateId) ?? {
        familyId: candidate.familyId,
        addressee: document?.name || candidate.familyName,
        address: document?.address ? (JSON.parse(document.address) as string[]) : [],
        rum: candidate.rum,
        holder: candidate.holder,
        ibanMasked: candidate.ibanMasked,
        invoices: [],
      };
      letter.invoices.push({ number: candidate.invoiceNumber, amountCents: candidate.amountCents });
      letters.set(candidate.mandateId, letter);
    }

    const rows = chosen.map((candidate) => ({
          invoice_id: candidate.invoiceId,
          family_id: candidate.familyId,
          mandate_id: candidate.mandateId,
          rum: candidate.rum,
          amount_cents: candidate.amountCents,
          debit_date: debitDate,
          notified_on: today,
          source: 'avis' as const,
          created_at: at,
          created_by: ctx.user.id,
        }));
    for (let i = 0; i < rows.length; i += 500) await trx.insertInto('sepa_notices').values(rows.slice(i, i + 500)).execute();
    const audit = new AuditBatch();
    for (const candidate of chosen) {
      audit.add({ at, userId: ctx.user.id, entity: 'invoice', entityId: candidate.invoiceId, action: 'sepa_notice', familyId: candidate.familyId }, [
        {
          field: `Avis de prélèvement de la facture ${candidate.invoiceNumber}`,
          oldValue: null,
          newValue: `${formatEuros(candidate.amountCents)} le ${shortDayFr(debitDate)} (mandat ${candidate.rum})`,
        },
      ]);
    }
    await audit.flush(trx);

    const { issuer } = await loadBillingSettings(trx);
    const pdf = await debitNoticePdf({
      issuer,
      creditor: { name: settings.creditorName, ics: settings.ics },
      debitDate,
      printedOn: today,
      letters: [...letters.values()],
    });
    return {
      file: { fileName: debitNoticePdfFileName(debitDate), mime: 'application/pdf', base64: pdf.toString('base64') },
      count: chosen.length,
      debitDate,
    };
  });
}
