import { monthLabelFr, ofMonthFr } from '../../shared/calendar/format.js';
import type { DraftDetail, InvoiceRunView } from '../../shared/api/billing.js';
import { draftInvoices, type DraftLine, type DraftRun } from '../../shared/billing/drafts.js';
import { parisDay } from '../../shared/clock.js';
import { formatEuros } from '../../shared/money.js';
import { writeAudit } from '../audit/write.js';
import { notFound, type StaffContext } from '../api/handler.js';
import { familyRanges, loadRangeFacts, loadRunFacts, loadRunScope, type FamilyInfo } from './run-facts.js';
import { readJson } from './store.js';
import { alreadyIssued, checkRunMonth, draftOfFamily, runByMonth, runView, type StoredFlagged } from './run-store.js';
import { immediateTransaction } from './run-transaction.js';

/**
 * The month's drafts computed again and stored in place of the previous ones ('invoiceRuns.generate'), and one
 * family's draft opened with each of its days ('invoiceRuns.draft').
 */

const COMPUTE = 'Lecture et calcul des brouillons';
const STORE = 'Enregistrement des brouillons';

/** Families read and computed together: a range's days (some 100,000) are dropped before the next range is read. */
export const RANGE_FAMILIES = 1_000;

export interface ComputedMonth {
  run: DraftRun;
  families: Map<number, FamilyInfo>;
}

/**
 * The month's run for every family, computed range of families by range (see familyRanges): the same result as one
 * draftInvoices over the whole commune, since a family's draft depends on its own facts only, and the ranges come
 * in family id order as draftInvoices sorts drafts and problems. `keepDays: false` drops each draft's days once
 * computed (the stored drafts keep the lines; a family's days are recomputed when its draft is opened).
 */
export async function computeMonth(
  ctx: Pick<StaffContext, 'db' | 'progress'>,
  month: string,
  options: { keepDays: boolean; rangeFamilies?: number; label?: string },
): Promise<ComputedMonth> {
  const db = ctx.db;
  const label = options.label ?? COMPUTE;
  ctx.progress(0, 1, label);
  const scope = await loadRunScope(db, month);
  const ranges = await familyRanges(db, options.rangeFamilies ?? RANGE_FAMILIES);
  const run: DraftRun = { month, drafts: [], flagged: [], problems: [] };
  const families = new Map<number, FamilyInfo>();
  for (const [index, range] of ranges.entries()) {
    const facts = await loadRangeFacts(db, scope, range);
    const part = draftInvoices(facts.input);
    for (const draft of part.drafts) run.drafts.push(options.keepDays ? draft : { ...draft, days: [] });
    run.flagged.push(...part.flagged);
    run.problems.push(...part.problems);
    for (const [id, info] of facts.families) families.set(id, info);
    ctx.progress(index + 1, ranges.length, label);
  }
  return { run, families };
}

/** Lines as stored and compared: the same JSON text for the same lines. */
export const linesJson = (lines: DraftLine[]): string => JSON.stringify(lines);

export async function generateRun(ctx: StaffContext, month: string): Promise<InvoiceRunView> {
  const now = ctx.clock();
  checkRunMonth(month, parisDay(now));
  const before = await runByMonth.first(ctx.db, month);
  if (before?.status === 'issued') throw alreadyIssued(month);
  const { run, families } = await computeMonth(ctx, month, { keepDays: false });
  ctx.progress(0, 1, STORE);
  const flagged: StoredFlagged[] = run.flagged.map((family) => ({ ...family, familyName: families.get(family.familyId)?.name ?? '' }));
  const totalCents = run.drafts.reduce((sum, draft) => sum + draft.totalCents, 0);
  await immediateTransaction(ctx.db, async (trx) => {
    // Checked again under the write lock: another office may have issued the month meanwhile.
    const current = await runByMonth.first(trx, month);
    if (current?.status === 'issued') throw alreadyIssued(month);
    const values = {
      generated_at: now.toISOString(),
      generated_by: ctx.user.id,
      problems: JSON.stringify(run.problems),
      flagged: JSON.stringify(flagged),
    };
    let runId: number;
    if (current) {
      runId = current.id;
      await trx.updateTable('invoice_runs').set(values).where('id', '=', runId).execute();
      await trx.deleteFrom('invoice_drafts').where('run_id', '=', runId).execute();
    } else {
      runId = (await trx.insertInto('invoice_runs').values({ month, ...values }).returning('id').executeTakeFirstOrThrow()).id;
    }
    const rows = run.drafts.map((draft) => ({
      run_id: runId,
      family_id: draft.familyId,
      family_name: families.get(draft.familyId)?.name ?? '',
      total_cents: draft.totalCents,
      qf_flagged: draft.qfFlagged ? 1 : 0,
      lines: linesJson(draft.lines),
    }));
    // 6 values a row: well under SQLite's bound parameters per statement.
    for (let start = 0; start < rows.length; start += 2000) await trx.insertInto('invoice_drafts').values(rows.slice(start, start + 2000)).execute();
    await writeAudit(
      trx,
      { at: now.toISOString(), userId: ctx.user.id, entity: 'invoice_run', entityId: runId, action: current ? 'regenerate' : 'generate' },
      [
        {
          field: `Brouillons ${ofMonthFr(month)}`,
          oldValue: null,
          newValue: `${run.drafts.length} familles, ${formatEuros(totalCents)}, ${run.problems.length} problème(s), ${flagged.length} QF à mettre à jour`,
        },
      ],
    );
  });
  ctx.progress(1, 1, STORE);
  return runView(ctx.db, month);
}

/** One family's draft recomputed now, every day with why, and whether the stored draft still says the same. */
export async function draftDetail(ctx: StaffContext, month: string, familyId: number): Promise<DraftDetail> {
  const stored = await runByMonth.first(ctx.db, month);
  if (!stored) throw notFound(`Aucun brouillon pour ${monthLabelFr(month)} : lancez le calcul de la facturation.`);
  const storedDraft = await draftOfFamily.first(ctx.db, stored.id, familyId);
  const facts = await loadRunFacts(ctx.db, month, familyId);
  const run = draftInvoices(facts.input);
  const draft = run.drafts.find((one) => one.familyId === familyId) ?? null;
  if (!storedDraft && !draft) throw notFound(`La famille n° ${familyId} n’a rien à payer en ${monthLabelFr(month)}.`);
  const children = new Map(facts.input.children.map((child) => [child.id, child.name]));
  const services = new Map(facts.input.services.map((service) => [service.id, service.name]));
  const lines = draft?.lines ?? [];
  const storedLines = storedDraft ? readJson<DraftLine[]>(storedDraft.lines, `draft of family ${familyId}`) : [];
  // An issued month is frozen: what was issued is the invoice, and a difference now is for a correction.
  const stale = stored.status === 'draft' && (storedDraft === undefined ? draft !== null : linesJson(lines) !== linesJson(storedLines));
  return {
    month,
    familyId,
    familyName: facts.families.get(familyId)?.name ?? storedDraft?.family_name ?? '',
    lines,
    totalCents: draft?.totalCents ?? 0,
    qf: draft?.qf ?? run.flagged.find((one) => one.familyId === familyId)?.qf ?? [],
    days: (draft?.days ?? []).map((day) => ({
      childId: day.childId,
      serviceId: day.serviceId,
      day: day.day,
      billed: day.billed,
      code: day.code,
      why: day.why,
      childName: children.get(day.childId) ?? '',
      serviceName: services.get(day.serviceId) ?? '',
      units: day.units,
      unitCents: day.unitCents,
      problem: day.problem,
    })),
    stale,
  };
}
