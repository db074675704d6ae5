import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { CorrectionInput, InvoiceView } from '../../shared/api/billing.js';
import { INVOICE_KINDS, type InvoiceDocument, type InvoiceLine } from '../../shared/billing/invoice.js';
import { addDays } from '../../shared/calendar/days.js';
import { parisDay } from '../../shared/clock.js';
import { formatEuros } from '../../shared/money.js';
import { writeAudit } from '../audit/write.js';
import type { OfficeDatabase } from '../db/schema.js';
import { ApiFailure, invalid, notFound, parseOrFail, type StaffContext } from '../api/handler.js';
import { creditForNewInvoices, settleFamilies } from '../accounts/payments.js';
import { invoiceView } from './invoice-views.js';
import { markFamiliesDirty, nextNumbers, REGISSEUR_ONLY } from './run-numbering.js';
import { invoiceLineRow } from './run-store.js';
import { immediateTransaction } from './run-transaction.js';
import { loadBillingSettings, readJson } from './store.js';
import { directDebitNotices, noticeFor, recordIssuedNotices } from '../sepa/prenotification.js';

/**
 * A correction of an issued invoice ('invoices.correct', the régisseur only): never an edit, a new document numbered
 * in the same sequence (run-numbering.ts), frozen like the invoice, with its reason. A credit note takes amounts off
 * (given positive, stored negative) and can never take off more than what remains of the invoice after the credit
 * notes already issued on it; a complementary invoice adds amounts and falls due like an invoice.
 */

const amount = z
  .number('Montant manquant.')
  .int('Le montant est en centimes entiers.')
  .positive('Le montant doit être supérieur à zéro.')
  .max(100_000_000, 'Montant trop élevé.');

export const correctionSchema = z.strictObject({
  invoiceId: z.number('Facture manquante.').int('Facture inconnue.').positive('Facture inconnue.'),
  kind: z.enum(['credit_note', 'complementary'], 'Choisissez un avoir ou une facture complémentaire.'),
  reason: z.string('Motif manquant.').trim().min(1, 'Le motif de la correction est obligatoire.').max(500, 'Motif trop long (500 caractères au plus).'),
  lines: z
    .array(
      z.strictObject({
        childId: z.number().int().positive().nullable(),
        serviceId: z.number().int().positive().nullable(),
        label: z.string('Libellé manquant.').trim().min(1, 'Le libellé de la ligne est obligatoire.').max(200, 'Libellé trop long.'),
        amountCents: amount,
      }),
      'Lignes manquantes.',
    )
    .min(1, 'Ajoutez au moins une ligne.')
    .max(100, '100 lignes au plus.'),
}) satisfies z.ZodType<CorrectionInput>;

export async function correctInvoice(ctx: StaffContext, raw: CorrectionInput): Promise<InvoiceView> {
  if (ctx.user.role !== 'regisseur') throw new ApiFailure({ code: 'forbidden', message: REGISSEUR_ONLY });
  const input = parseOrFail(correctionSchema, raw);
  const now = ctx.clock();
  const { id } = await immediateTransaction(ctx.db, (trx) => insertCorrection(trx, ctx.user.id, input, now));
  return invoiceView(ctx.db, id);
}

/**
 * The correction's checks and writes inside the caller's immediate transaction (a rejected direct debit's fee is a
 * complementary invoice written with the reject): numbered, frozen, settled by any credit, audited.
 */
export async function insertCorrection(
  trx: Kysely<OfficeDatabase>,
  userId: number | null,
  input: z.output<typeof correctionSchema>,
  now: Date,
): Promise<{ id: number; number: string }> {
  const issueDate = parisDay(now);
  const original = await trx.selectFrom('invoices').selectAll().where('id', '=', input.invoiceId).executeTakeFirst();
  if (!original) throw notFound('Facture introuvable.');
  if (original.kind === 'credit_note') {
    throw invalid({ invoiceId: 'Un avoir ne se corrige pas : corrigez la facture qu’il concerne.' }, 'Un avoir ne se corrige pas : corrigez la facture qu’il concerne.');
  }
  const fields: Record<string, string> = {};
  const children = new Map<number, string>();
  const services = new Map<number, string>();
  for (const [index, line] of input.lines.entries()) {
    if (line.childId !== null) {
      const child = await trx.selectFrom('children').select(['family_id', 'nom', 'prenom']).where('id', '=', line.childId).executeTakeFirst();
      if (!child || child.family_id !== original.family_id) fields[`lines.${index}.childId`] = 'Cet enfant n’est pas de la famille facturée.';
      else children.set(line.childId, `${child.prenom} ${child.nom.toLocaleUpperCase('fr-FR')}`);
    }
    if (line.serviceId !== null) {
      const service = await trx.selectFrom('services').select('name').where('id', '=', line.serviceId).executeTakeFirst();
      if (!service) fields[`lines.${index}.serviceId`] = 'Service inconnu.';
      else services.set(line.serviceId, service.name);
    }
  }
  if (Object.keys(fields).length > 0) throw invalid(fields);
  const sum = input.lines.reduce((total, line) => total + line.amountCents, 0);
  if (input.kind === 'credit_note') {
    const credited = await trx
      .selectFrom('invoices')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('total_cents'), eb.val(0)).as('s'))
      .where('corrects_id', '=', original.id)
      .where('kind', '=', 'credit_note')
      .executeTakeFirstOrThrow();
    const remaining = original.total_cents + Number(credited.s);
    if (sum > remaining) {
      const message = `L'avoir (${formatEuros(sum)}) dépasse le reste de la facture (${formatEuros(remaining)}).`;
      throw invalid({ lines: message }, message);
    }
  }
  const sign = input.kind === 'credit_note' ? -1 : 1;
  const settings = await loadBillingSettings(trx);
  const originalDocument = readJson<InvoiceDocument>(original.document, `invoice ${original.number}`);
  const [given] = await nextNumbers(trx, Number(issueDate.slice(0, 4)), 1);
  const { number, seq, year } = given!;
  // A credit note asks nothing of the family: due the day it is issued.
  const dueDate = input.kind === 'credit_note' ? issueDate : addDays(issueDate, settings.dueDays);
  const lines: InvoiceLine[] = input.lines.map((line) => ({
    childId: line.childId,
    childName: line.childId === null ? '' : (children.get(line.childId) ?? ''),
    serviceId: line.serviceId,
    serviceName: line.serviceId === null ? '' : (services.get(line.serviceId) ?? ''),
    kind: 'correction',
    label: line.label,
    basis: input.reason,
    unitCents: sign * line.amountCents,
    quantity: 1,
    amountCents: sign * line.amountCents,
    days: [],
  }));
  const document: InvoiceDocument = {
    kind: input.kind,
    number,
    issueDate,
    dueDate,
    month: original.month,
    issuer: settings.issuer,
    family: originalDocument.family,
    lines,
    totalCents: sign * sum,
    qf: [],
    days: [],
    corrects: { number: original.number, issueDate: original.issue_date },
    reason: input.reason,
    // A complementary invoice of a family paying by direct debit is pre-notified like the month's invoices.
    // What the family's credit pays of it (settleFamilies below) is not debited: the notice announces the rest.
    directDebit:
      input.kind === 'complementary'
        ? noticeFor(
            (await directDebitNotices(trx, [original.family_id], issueDate)).get(original.family_id),
            sum - Math.min(sum, (await creditForNewInvoices(trx, [original.family_id], issueDate)).get(original.family_id) ?? 0),
          )
        : null,
  };
  const at = now.toISOString();
  const inserted = await trx
    .insertInto('invoices')
    .values({
      number,
      year,
      seq,
      kind: input.kind,
      family_id: original.family_id,
      run_id: null,
      month: original.month,
      issue_date: issueDate,
      due_date: dueDate,
      total_cents: sign * sum,
      corrects_id: original.id,
      reason: input.reason,
      issued_at: at,
      issued_by: userId,
      document: JSON.stringify(document),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await recordIssuedNotices(trx, [{ invoiceId: inserted.id, familyId: original.family_id, notifiedOn: issueDate, directDebit: document.directDebit }], at, userId);
  await trx
    .insertInto('invoice_lines')
    .values(
      lines.map((line, position) => invoiceLineRow(inserted.id, position, line)),
    )
    .execute();
  await markFamiliesDirty(trx, [original.family_id]);
  // A credit note settles the invoice it corrects (or is kept as a credit); a complementary invoice uses any credit.
  await settleFamilies(trx, [original.family_id], at);
  await writeAudit(trx, { at, userId, entity: 'invoice', entityId: inserted.id, action: input.kind, familyId: original.family_id }, [
    {
      field: `${INVOICE_KINDS[input.kind]} sur la facture ${original.number}`,
      oldValue: null,
      newValue: `${number} : ${formatEuros(sign * sum)} — ${input.reason}`,
    },
  ]);
  return { id: inserted.id, number };
}
