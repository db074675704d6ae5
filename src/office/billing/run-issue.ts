import { monthLabelFr, ofMonthFr, shortDayFr } from '../../shared/calendar/format.js';
import { renderInvoicePdfsInBackground } from './pdf-cache.js';
import type { Insertable, Kysely } from 'kysely';
import type { InvoiceRunView } from '../../shared/api/billing.js';
import type { DraftLine, FamilyDraft } from '../../shared/billing/drafts.js';
import type { InvoiceDirectDebit, InvoiceDocument, InvoiceIssuer } from '../../shared/billing/invoice.js';
import { addDays } from '../../shared/calendar/days.js';
import { parisDay } from '../../shared/clock.js';
import { formatEuros } from '../../shared/money.js';
import { AuditBatch } from '../audit/write.js';
import { ApiFailure, notFound, type StaffContext } from '../api/handler.js';
import type { InvoiceLineTable, InvoiceTable, OfficeDatabase } from '../db/schema.js';
import type { FamilyInfo } from './run-facts.js';
import { computeMonth, linesJson } from './run-generate.js';
import { alreadyIssued, invoiceLineRow, runByMonth, runView } from './run-store.js';
import { creditForNewInvoices, settleFamilies } from '../accounts/payments.js';
import { markFamiliesDirty, nextNumbers, REGISSEUR_ONLY } from './run-numbering.js';
import { immediateTransaction } from './run-transaction.js';
import { loadBillingSettings } from './store.js';
import { directDebitNotices, noticeFor, recordIssuedNotices, type IssuedNotice } from '../sepa/prenotification.js';

/**
 * Issuing a month ('invoiceRuns.issue', the régisseur only): in one immediate write transaction, the run is computed
 * again from the data as it is now and compared with the drafts the régisseur reviewed; only when they are the same
 * is every draft numbered (invoice_sequences, per year of the issue date), frozen as its InvoiceDocument, and the run
 * marked issued. A crash (even SIGKILL) at any point leaves either the whole run issued or nothing: numbers are
 * taken in the same transaction as the invoices that carry them, so there is never a gap nor a duplicate.
 *
 * Problems (a billed day without tariff or without times) refuse the issue: the day would otherwise be left out of a
 * frozen invoice without anyone deciding it; the agent fixes the data (or the tariff) and computes again.
 */

const ISSUE = 'Émission des factures';

type Conn = Kysely<OfficeDatabase>;

export function issuedDocument(
  draft: FamilyDraft,
  family: FamilyInfo,
  issuer: InvoiceIssuer,
  fields: { number: string; issueDate: string; dueDate: string; month: string },
  directDebit: InvoiceDirectDebit | null = null,
): InvoiceDocument {
  return {
    kind: 'invoice',
    number: fields.number,
    issueDate: fields.issueDate,
    dueDate: fields.dueDate,
    month: fields.month,
    issuer,
    family: { id: draft.familyId, name: family.addressee, address: family.address },
    lines: draft.lines.map((line) => ({
      childId: line.childId,
      childName: line.childName,
      serviceId: line.serviceId,
      serviceName: line.serviceName,
      kind: line.kind,
      label: line.label,
      basis: line.basis,
      unitCents: line.unitCents,
      quantity: line.quantity,
      amountCents: line.amountCents,
      days: line.days,
    })),
    totalCents: draft.totalCents,
    qf: draft.qf,
    days: draft.days.map((day) => ({ childId: day.childId, serviceId: day.serviceId, day: day.day, billed: day.billed, code: day.code, why: day.why })),
    corrects: null,
    reason: '',
    directDebit,
  };
}

export async function issueRun(ctx: StaffContext, month: string): Promise<InvoiceRunView> {
  if (ctx.user.role !== 'regisseur') throw new ApiFailure({ code: 'forbidden', message: REGISSEUR_ONLY });
  const now = ctx.clock();
  const issueDate = parisDay(now);
  let runId = 0;
  await immediateTransaction(ctx.db, async (trx) => {
    const run = await runByMonth.first(trx, month);
    if (!run) throw notFound(`Aucun brouillon pour ${monthLabelFr(month)} : lancez le calcul de la facturation.`);
    if (run.status === 'issued') throw alreadyIssued(month);
    const { run: computed, families } = await computeMonth({ db: trx, progress: ctx.progress }, month, {
      keepDays: true,
      label: 'Vérification des brouillons',
    });
    ctx.progress(0, 1, ISSUE);
    const stored = await trx.selectFrom('invoice_drafts').select(['family_id', 'lines']).where('run_id', '=', run.id).execute();
    const storedLines = new Map(stored.map((row) => [row.family_id, row.lines]));
    const same =
      stored.length === computed.drafts.length &&
      computed.drafts.every((draft) => storedLines.get(draft.familyId) === linesJson(draft.lines)) &&
      JSON.stringify(computed.problems) === run.problems;
    if (!same) {
      throw new ApiFailure({ code: 'conflict', message: 'Les données ont changé depuis le calcul des brouillons : recalculez avant d’émettre.' });
    }
    if (computed.problems.length > 0) {
      const count = computed.problems.length;
      throw new ApiFailure({
        code: 'conflict',
        message: `${count === 1 ? 'Un jour à facturer reste sans prix' : `${count} jours à facturer restent sans prix`} (tarif ou heures manquants) : corrigez-les et recalculez avant d’émettre.`,
      });
    }
    if (computed.drafts.length === 0) {
      throw new ApiFailure({ code: 'conflict', message: `Aucune facture à émettre pour ${monthLabelFr(month)}.` });
    }
    await writeInvoices(ctx, trx, run.id, month, computed.drafts, families, issueDate, now);
    runId = run.id;
  });
  // The month's PDFs are made now, in the background, so printing the month later is a merge of kept PDFs.
  const ids = (await ctx.db.selectFrom('invoices').select('id').where('run_id', '=', runId).execute()).map((row) => row.id);
  renderInvoicePdfsInBackground(ctx.db, ids, ctx.log, { month });
  return runView(ctx.db, month);
}

async function writeInvoices(
  ctx: StaffContext,
  trx: Conn,
  runId: number,
  month: string,
  drafts: FamilyDraft[],
  families: Map<number, FamilyInfo>,
  issueDate: string,
  now: Date,
): Promise<void> {
  const settings = await loadBillingSettings(trx);
  const dueDate = addDays(issueDate, settings.dueDays);
  // Families paying by direct debit: each invoice is their pre-notification.
  const notices = await directDebitNotices(trx, drafts.map((draft) => draft.familyId), issueDate);
  // What a family's credit pays of its new invoice is not debited: the notice announces the rest.
  const credits = await creditForNewInvoices(trx, [...notices.keys()], issueDate);
  const at = now.toISOString();
  const numbers = await nextNumbers(trx, Number(issueDate.slice(0, 4)), drafts.length);
  const maxId = await trx.selectFrom('invoices').select((eb) => eb.fn.max('id').as('max')).executeTakeFirst();
  let id = Number(maxId?.max ?? 0);
  const audit = new AuditBatch();
  const total = drafts.length;
  // Written and reported 200 invoices at a time: a progress bar that moves, statements of a fair size.
  const BATCH = 200;
  for (let start = 0; start < total; start += BATCH) {
    const invoices: Insertable<InvoiceTable>[] = [];
    const lines: Insertable<InvoiceLineTable>[] = [];
    const told: IssuedNotice[] = [];
    for (const [offset, draft] of drafts.slice(start, start + BATCH).entries()) {
      id += 1;
      const { number, seq, year } = numbers[start + offset]!;
      const family = families.get(draft.familyId) ?? { name: '', addressee: `Famille n° ${draft.familyId}`, address: [] };
      const document = issuedDocument(draft, family, settings.issuer, { number, issueDate, dueDate, month }, noticeFor(notices.get(draft.familyId), draft.totalCents - Math.min(draft.totalCents, credits.get(draft.familyId) ?? 0)));
      told.push({ invoiceId: id, familyId: draft.familyId, notifiedOn: issueDate, directDebit: document.directDebit });
      invoices.push({
        id,
        number,
        year,
        seq,
        kind: 'invoice',
        family_id: draft.familyId,
        run_id: runId,
        month,
        issue_date: issueDate,
        due_date: dueDate,
        total_cents: draft.totalCents,
        corrects_id: null,
        reason: '',
        issued_at: at,
        issued_by: ctx.user.id,
        document: JSON.stringify(document),
      });
      draft.lines.forEach((line: DraftLine, position) => lines.push(invoiceLineRow(id, position, line)));
      audit.add(
        { at, userId: ctx.user.id, entity: 'invoice', entityId: id, action: 'issue', familyId: draft.familyId },
        [{ field: `Facture ${ofMonthFr(month)}`, oldValue: null, newValue: `${number} : ${formatEuros(draft.totalCents)}, échéance ${shortDayFr(dueDate)}` }],
      );
    }
    // 16 values an invoice, 9 a line: well under SQLite's bound parameters per statement.
    for (let i = 0; i < invoices.length; i += 100) await trx.insertInto('invoices').values(invoices.slice(i, i + 100)).execute();
    for (let i = 0; i < lines.length; i += 1000) await trx.insertInto('invoice_lines').values(lines.slice(i, i + 1000)).execute();
    await recordIssuedNotices(trx, told, at, ctx.user.id);
    ctx.progress(Math.min(start + BATCH, total), total, ISSUE);
  }
  await trx.updateTable('invoice_runs').set({ status: 'issued', issued_at: at, issued_by: ctx.user.id }).where('id', '=', runId).execute();
  await markFamiliesDirty(trx, drafts.map((draft) => draft.familyId));
  // Overpayments and credit notes kept on an account pay the new invoices.
  await settleFamilies(trx, drafts.map((draft) => draft.familyId), at);
  audit.add({ at, userId: ctx.user.id, entity: 'invoice_run', entityId: runId, action: 'issue' }, [
    {
      field: `Facturation ${ofMonthFr(month)}`,
      oldValue: 'brouillon',
      newValue: `émise : ${total} factures, ${numbers[0]!.number} à ${numbers[total - 1]!.number}, ${formatEuros(drafts.reduce((sum, d) => sum + d.totalCents, 0))}`,
    },
  ]);
  await audit.flush(trx);
}

