import type { Kysely, Transaction } from 'kysely';
import type { FamilyAccount } from '../../shared/api/accounts.js';
import {
  HOLD_REASONS,
  REMINDER_LEVELS,
  SECOND_REMINDER_AFTER_DAYS,
  type OverdueBucket,
  type OverdueInvoice,
  type ReminderHoldInput,
  type ReminderLevel,
  type ReminderList,
  type ReminderRow,
  type ReminderSendInput,
  type ReminderSendOutcome,
} from '../../shared/api/reminders.js';
import { addDays } from '../../shared/calendar/days.js';
import { shortDayFr } from '../../shared/calendar/format.js';
import { parisDay } from '../../shared/clock.js';
import { formatEuros } from '../../shared/money.js';
import type { FamilyPublication } from '../../shared/sync/contract.js';
import { reminderPdf, reminderPdfFileName, type ReminderLetter } from '../../server/billing/reminder-pdf.js';
import { ApiFailure, invalid, notFound, type StaffContext } from '../api/handler.js';
import { writeAudit } from '../audit/write.js';
import { addresseeOf } from '../billing/run-facts.js';
import { markFamiliesDirty } from '../billing/run-numbering.js';
import { immediateTransaction } from '../billing/run-transaction.js';
import { loadBillingSettings } from '../billing/store.js';
import type { OfficeDatabase } from '../db/schema.js';
import { loadFamilyAccounts, type FamilyScope } from './ledger.js';

/**
 * Reminders (relances) at the régie: the families with overdue invoices, by age (src/shared/billing/account.ts
 * overdueAge), their last reminder and whether they are set aside; sending a level-1 or level-2 letter records one
 * reminders row per family (the invoices it names and what was overdue that day, the addresses it goes to) and
 * returns the letters as one PDF. The office has no SMTP: the family is published again and the portal mails the
 * reminder it sees for the first time (src/portal/sync/reminder-mail.ts).
 */

export const REGISSEUR_ONLY_REMINDERS = 'Seul le régisseur peut envoyer les relances et mettre une famille de côté.';

type Db = Kysely<OfficeDatabase> | Transaction<OfficeDatabase>;

const BUCKETS: readonly OverdueBucket[] = ['d0_30', 'd31_60', 'd61_90', 'd90_plus'];

function regisseurOnly(ctx: StaffContext): void {
  if (ctx.user.role !== 'regisseur') throw new ApiFailure({ code: 'forbidden', message: REGISSEUR_ONLY_REMINDERS });
}

interface SentReminder {
  id: number;
  familyId: number;
  level: ReminderLevel;
  day: string;
  amountCents: number;
  invoiceIds: number[];
}

/** The reminders sent to the families in `scope`, oldest first, in a few queries whatever their number. */
async function loadReminders(db: Db, scope: FamilyScope): Promise<SentReminder[]> {
  // Ids per `IN (...)` list, well under SQLite's bound-parameter limit; 'all' in one query.
  const chunks = scope === 'all' ? [null] : Array.from({ length: Math.ceil(scope.length / 500) }, (_, i) => scope.slice(i * 500, i * 500 + 500));
  const rows: SentReminder[] = [];
  for (const chunk of chunks) {
    const found = await db
      .selectFrom('reminders')
      .select(['id', 'family_id', 'level', 'day', 'amount_cents', 'invoice_ids'])
      .$if(chunk !== null, (q) => q.where('family_id', 'in', chunk ?? []))
      .orderBy('id')
      .execute();
    for (const row of found) {
      rows.push({
        id: row.id,
        familyId: row.family_id,
        level: row.level as ReminderLevel,
        day: row.day,
        amountCents: row.amount_cents,
        invoiceIds: JSON.parse(row.invoice_ids) as number[],
      });
    }
  }
  return rows;
}

/** The responsables' e-mail addresses (rank order, non-empty, each once), per family. */
async function familyEmails(db: Db, familyIds: readonly number[]): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>();
  for (let i = 0; i < familyIds.length; i += 500) {
    const rows = await db
      .selectFrom('responsables')
      .select(['family_id', 'email'])
      .where('family_id', 'in', familyIds.slice(i, i + 500))
      .orderBy('family_id')
      .orderBy('rank')
      .execute();
    for (const row of rows) {
      const email = row.email.trim();
      if (email === '') continue;
      const list = out.get(row.family_id) ?? [];
      if (!list.includes(email)) list.push(email);
      out.set(row.family_id, list);
    }
  }
  return out;
}

function overdueInvoices(account: FamilyAccount): OverdueInvoice[] {
  return account.invoices
    .filter((invoice) => invoice.openCents > 0 && invoice.age !== 'not_due')
    .map((invoice) => ({
      id: invoice.id,
      number: invoice.number,
      issueDate: invoice.issueDate,
      dueDate: invoice.dueDate,
      totalCents: invoice.totalCents,
      openCents: invoice.openCents,
      age: invoice.age as OverdueBucket,
    }));
}

/** 1, or 2 once a level-1 (or level-2) reminder is at least SECOND_REMINDER_AFTER_DAYS old. */
export function suggestedLevel(last: { level: ReminderLevel; day: string } | null, today: string): ReminderLevel {
  if (last === null) return 1;
  return last.level === 2 || addDays(last.day, SECOND_REMINDER_AFTER_DAYS) <= today ? 2 : 1;
}

function rowOf(account: FamilyAccount, last: SentReminder | undefined, emails: string[], today: string): ReminderRow {
  const invoices = overdueInvoices(account);
  const buckets = Object.fromEntries(BUCKETS.map((bucket) => [bucket, 0])) as Record<OverdueBucket, number>;
  for (const invoice of invoices) buckets[invoice.age] += invoice.openCents;
  const lastReminder = last ? { level: last.level, day: last.day } : null;
  return {
    familyId: account.familyId,
    familyName: account.familyName,
    archived: account.archived,
    overdueCents: account.overdueCents,
    buckets,
    invoices,
    lastReminder,
    hold: account.hold,
    suggestedLevel: suggestedLevel(lastReminder, today),
    emails,
  };
}

/** The families with something overdue on `today`, the most owed first. */
export async function listReminders(db: Db, today: string): Promise<ReminderList> {
  const accounts = await loadFamilyAccounts(db, 'all', today);
  const owing = [...accounts.values()].filter((account) => account.overdueCents > 0);
  const ids = owing.map((account) => account.familyId);
  const [reminders, emails] = await Promise.all([loadReminders(db, ids), familyEmails(db, ids)]);
  const last = new Map<number, SentReminder>();
  for (const reminder of reminders) last.set(reminder.familyId, reminder);
  const rows = owing
    .map((account) => rowOf(account, last.get(account.familyId), emails.get(account.familyId) ?? [], today))
    .sort((a, b) => b.overdueCents - a.overdueCents || a.familyName.localeCompare(b.familyName, 'fr'));
  return { day: today, rows };
}

/** The families' addressee and postal address, as the invoices print them. */
async function postalAddresses(db: Db, familyIds: readonly number[]): Promise<Map<number, { addressee: string; address: string[] }>> {
  const rows = familyIds.length
    ? await db
        .selectFrom('responsables')
        .select(['family_id', 'rank', 'civilite', 'nom', 'prenom', 'adresse', 'code_postal', 'ville'])
        .where('family_id', 'in', [...familyIds])
        .orderBy('rank')
        .execute()
    : [];
  const out = new Map<number, { addressee: string; address: string[] }>();
  for (const familyId of familyIds) {
    const pair = rows.filter((row) => row.family_id === familyId);
    const first = pair.find((row) => row.rank === 1) ?? pair[0];
    if (!first) {
      out.set(familyId, { addressee: `Famille n° ${familyId}`, address: [] });
      continue;
    }
    const second = pair.find((row) => row !== first) ?? null;
    // Named as the family's invoices and statements name it (addresseeOf), the letter going to the first's address.
    out.set(familyId, {
      addressee: addresseeOf(first, second),
      address: [first.adresse, `${first.code_postal} ${first.ville}`.trim()].filter((line) => line.trim() !== ''),
    });
  }
  return out;
}

const listOfNames = (names: string[]) => (names.length <= 5 ? names.join(', ') : `${names.slice(0, 5).join(', ')} et ${names.length - 5} autre(s)`);

/**
 * Sends a reminder of `level` to each family: refused as a whole, naming them, when one is set aside or has nothing
 * overdue. One immediate transaction writes the rows, the audit and the families' marks for the portal, and prints
 * the PDF from what it wrote.
 */
export async function sendReminders(ctx: StaffContext, input: ReminderSendInput): Promise<ReminderSendOutcome> {
  regisseurOnly(ctx);
  const familyIds = [...new Set(input.familyIds)];
  if (familyIds.length === 0) throw invalid({ familyIds: 'Choisissez au moins une famille.' }, 'Choisissez au moins une famille.');
  const now = ctx.clock();
  const today = parisDay(now);
  const at = now.toISOString();
  const outcome = await immediateTransaction(ctx.db, async (trx) => {
    const accounts = await loadFamilyAccounts(trx, familyIds, today);
    const missing = familyIds.filter((id) => !accounts.has(id));
    if (missing.length > 0) throw notFound(`Famille introuvable (n° ${missing.join(', ')}).`);
    const held = familyIds.map((id) => accounts.get(id)!).filter((account) => account.hold !== null);
    if (held.length > 0) {
      const message = `Relance impossible : ${held.length > 1 ? 'ces familles sont mises' : 'cette famille est mise'} de côté (${listOfNames(held.map((a) => `${a.familyName} — ${HOLD_REASONS[a.hold!.reason].toLowerCase()}`))}). Reprenez les relances d’abord.`;
      throw invalid({ familyIds: message }, message);
    }
    const nothing = familyIds.map((id) => accounts.get(id)!).filter((account) => account.overdueCents <= 0);
    if (nothing.length > 0) {
      const message = `Relance impossible : rien n’est en retard pour ${listOfNames(nothing.map((a) => a.familyName))}.`;
      throw invalid({ familyIds: message }, message);
    }
    // One reminder a family a day: sending twice (a second click, a second workstation) would post and mail it twice.
    const already = new Set((await trx.selectFrom('reminders').select('family_id').where('family_id', 'in', familyIds).where('day', '=', today).execute()).map((row) => row.family_id));
    if (already.size > 0) {
      const message = `Relance impossible : déjà relancée aujourd’hui (${listOfNames(familyIds.filter((id) => already.has(id)).map((id) => accounts.get(id)!.familyName))}).`;
      throw invalid({ familyIds: message }, message);
    }
    const [emails, addresses] = await Promise.all([familyEmails(trx, familyIds), postalAddresses(trx, familyIds)]);
    const written: ReminderLetter[] = [];
    for (const familyId of familyIds) {
      const account = accounts.get(familyId)!;
      const invoices = overdueInvoices(account);
      const to = emails.get(familyId) ?? [];
      const row = await trx
        .insertInto('reminders')
        .values({
          family_id: familyId,
          level: input.level,
          day: today,
          amount_cents: account.overdueCents,
          invoice_ids: JSON.stringify(invoices.map((invoice) => invoice.id)),
          emailed_to: JSON.stringify(to),
          recorded_at: at,
          recorded_by: ctx.user.id,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await writeAudit(trx, { at, userId: ctx.user.id, entity: 'reminder', entityId: row.id, action: 'create', familyId }, [
        {
          field: `${REMINDER_LEVELS[input.level]} du ${shortDayFr(today)}`,
          oldValue: null,
          newValue: `${formatEuros(account.overdueCents)} — ${invoices.map((invoice) => invoice.number).join(', ')}${to.length > 0 ? ` ; courriel à ${to.join(', ')}` : ' ; courrier seulement'}`,
        },
      ]);
      const postal = addresses.get(familyId)!;
      written.push({ id: row.id, familyId, level: input.level, day: today, addressee: postal.addressee, address: postal.address, amountCents: account.overdueCents, invoices, emails: to });
    }
    await markFamiliesDirty(trx, familyIds);
    // Printed before committing: letters recorded are letters printed (a PDF that cannot be built records nothing).
    const settings = await loadBillingSettings(trx);
    return { written, pdf: await reminderPdf(settings.issuer, written) };
  });
  const { written: letters, pdf } = outcome;
  return {
    pdf: { fileName: reminderPdfFileName(input.level, today), mime: 'application/pdf', base64: pdf.toString('base64') },
    letters: letters.length,
    mails: letters.reduce((sum, letter) => sum + letter.emails.length, 0),
  };
}

async function familyExists(db: Db, familyId: number): Promise<void> {
  const found = await db.selectFrom('families').select('id').where('id', '=', familyId).executeTakeFirst();
  if (!found) throw notFound('Famille introuvable.');
}

/** Sets a family aside from reminders (a payment plan, a disputed invoice), or changes why: not money, so replaced. */
export async function holdReminders(ctx: StaffContext, input: ReminderHoldInput): Promise<null> {
  regisseurOnly(ctx);
  const note = input.note.trim();
  if (note.length < 3) throw invalid({ note: 'Indiquez pourquoi la famille est mise de côté (échéancier, contestation…).' });
  if (note.length > 500) throw invalid({ note: '500 caractères au plus.' });
  const now = ctx.clock();
  await immediateTransaction(ctx.db, async (trx) => {
    await familyExists(trx, input.familyId);
    const before = await trx.selectFrom('reminder_holds').select(['reason', 'note']).where('family_id', '=', input.familyId).executeTakeFirst();
    await trx
      .insertInto('reminder_holds')
      .values({ family_id: input.familyId, reason: input.reason, note, since: parisDay(now), set_by: ctx.user.id })
      .onConflict((oc) => oc.column('family_id').doUpdateSet({ reason: input.reason, note, since: parisDay(now), set_by: ctx.user.id }))
      .execute();
    await writeAudit(trx, { at: now.toISOString(), userId: ctx.user.id, entity: 'reminder_hold', entityId: input.familyId, action: before ? 'update' : 'create', familyId: input.familyId }, [
      {
        field: 'Mise de côté des relances',
        oldValue: before ? `${HOLD_REASONS[before.reason]} : ${before.note}` : null,
        newValue: `${HOLD_REASONS[input.reason]} : ${note}`,
      },
    ]);
  });
  return null;
}

/** Puts a family set aside back into the reminders. */
export async function releaseReminders(ctx: StaffContext, familyId: number): Promise<null> {
  regisseurOnly(ctx);
  const now = ctx.clock();
  await immediateTransaction(ctx.db, async (trx) => {
    await familyExists(trx, familyId);
    const before = await trx.selectFrom('reminder_holds').select(['reason', 'note']).where('family_id', '=', familyId).executeTakeFirst();
    if (!before) throw new ApiFailure({ code: 'conflict', message: 'Cette famille n’est pas mise de côté.' });
    await trx.deleteFrom('reminder_holds').where('family_id', '=', familyId).execute();
    await writeAudit(trx, { at: now.toISOString(), userId: ctx.user.id, entity: 'reminder_hold', entityId: familyId, action: 'delete', familyId }, [
      { field: 'Mise de côté des relances', oldValue: `${HOLD_REASONS[before.reason]} : ${before.note}`, newValue: null },
    ]);
  });
  return null;
}

/** The reminders of each family in `familyIds` as the portal publishes them (invoice numbers, not ids). */
export async function publishedReminders(db: Db, familyIds: readonly number[]): Promise<Map<number, FamilyPublication['reminders']>> {
  const reminders = await loadReminders(db, familyIds);
  const invoiceIds = [...new Set(reminders.flatMap((reminder) => reminder.invoiceIds))];
  const numbers = new Map<number, string>();
  for (let i = 0; i < invoiceIds.length; i += 500) {
    const rows = await db.selectFrom('invoices').select(['id', 'number']).where('id', 'in', invoiceIds.slice(i, i + 500)).execute();
    for (const row of rows) numbers.set(row.id, row.number);
  }
  const out = new Map<number, FamilyPublication['reminders']>();
  for (const reminder of reminders) {
    const list = out.get(reminder.familyId) ?? [];
    list.push({
      id: reminder.id,
      level: reminder.level,
      day: reminder.day,
      amountCents: reminder.amountCents,
      invoiceNumbers: reminder.invoiceIds.map((id) => numbers.get(id) ?? '').filter((number) => number !== ''),
    });
    out.set(reminder.familyId, list);
  }
  return out;
}
