import type { Kysely } from 'kysely';
import type { FamilyDirectDebit, MandateAccountInput, MandateView, ScanSource } from '../../shared/api/sepa.js';
import type { Role } from '../../shared/auth/roles.js';
import { shortDayFr } from '../../shared/calendar/format.js';
import type { FamilyData } from '../../shared/families/input.js';
import { accountProblems, normaliseAccount, type AccountFields } from '../../shared/sepa/account-checks.js';
import { icsProblem, normaliseIcs } from '../../shared/sepa/ics.js';
import { lapseDay, MANDATE_STATUSES, mandateStatusOn, type MandateStatus } from '../../shared/sepa/mandate.js';
import { rumFor, rumProblem } from '../../shared/sepa/rum.js';
import { DEFAULT_SEPA_SETTINGS, SEPA_SETTINGS_KEY, type SepaSettings } from '../../shared/sepa/settings.js';
import { maskIban } from '../../shared/validation/bank.js';
import { ApiFailure, invalid, notFound } from '../api/handler.js';
import { writeAudit, type AuditChange } from '../audit/write.js';
import type { OfficeDatabase, SepaMandateTable } from '../db/schema.js';
import { checkedDocumentBytes, insertFamilyDocument } from '../families/documents.js';
import { refreshFamilySearch } from '../families/search-index.js';
import { familySectionChanges, loadFamily, updateFamilyRows } from '../families/store.js';
import { ibanVault, isSealedBytes, openStoredIban } from './iban-vault.js';
import { toSepaText } from '../../shared/sepa/charset.js';

/**
 * SEPA mandates (issue #12, item 3): set up from an account typed or read from a scanned RIB, signed, amended (a
 * change of account: a new sepa_mandate_accounts row, the former kept), revoked, reactivated after a suspension, and
 * lapsed (caduc) after 36 months without a collection.
 *
 * The family's « Coordonnées bancaires » and the mandate's account are kept in step in both directions, without a
 * loop: creating or amending a mandate writes the account into the family's bank details (the portal and the family
 * file show what is debited); a change of the family's bank details (office form, accepted portal request) while a
 * mandate is live amends the mandate (followFamilyBank) when the holder stays the same; another holder must sign a
 * new mandate, so that change is refused (mandateAccountChange). Each side compares before writing, so neither
 * triggers the other again.
 */

type Db = Kysely<OfficeDatabase>;

export interface Who {
  userId: number | null;
  at: string;
  today: string;
}

export const LIVE_STATUSES = ['a_signer', 'actif', 'suspendu'] as const;

/** Paramètres › Prélèvement as stored (the defaults until the commune saved its own). */
export async function loadMandateSettings(db: Db): Promise<SepaSettings> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', SEPA_SETTINGS_KEY).executeTakeFirst();
  if (!row) return { ...DEFAULT_SEPA_SETTINGS };
  return { ...DEFAULT_SEPA_SETTINGS, ...(JSON.parse(row.value) as Partial<SepaSettings>) };
}

/** The French reason the ICS of Paramètres cannot be used on a mandate, or null. */
function icsRefusal(settings: SepaSettings): string | null {
  const problem = icsProblem(settings.ics);
  return problem ? `Identifiant créancier SEPA (ICS) à corriger dans Paramètres › Prélèvement : ${problem}` : null;
}

type MandateRow = SepaMandateTable & { id: number; status_note: string };

async function mandateRow(db: Db, mandateId: number): Promise<MandateRow> {
  const row = await db.selectFrom('sepa_mandates').selectAll().where('id', '=', mandateId).executeTakeFirst();
  if (!row) throw notFound('Mandat introuvable.');
  return row as MandateRow;
}

function effectiveStatus(row: MandateRow, today: string): MandateStatus {
  return mandateStatusOn(row.status, row.signed_on, row.last_collection_on, today);
}

/**
 * Persists 'caduc' for the family's mandates past their lapse day (the status is read through mandateStatusOn
 * anyway; written when something is about to change, so the one-live-mandate index lets a new one in).
 */
async function persistLapsed(trx: Db, familyId: number, who: Who): Promise<void> {
  const rows = (await trx
    .selectFrom('sepa_mandates')
    .selectAll()
    .where('family_id', '=', familyId)
    .where('status', 'in', ['actif', 'suspendu'])
    .execute()) as MandateRow[];
  for (const row of rows) {
    if (effectiveStatus(row, who.today) !== 'caduc') continue;
    const ended = lapseDay(row.signed_on!, row.last_collection_on);
    const note = `Caduc : aucun prélèvement depuis 36 mois (depuis le ${shortDayFr(row.last_collection_on ?? row.signed_on)}).`;
    await trx.updateTable('sepa_mandates').set({ status: 'caduc', ended_on: ended, status_note: note }).where('id', '=', row.id).execute();
    await auditMandate(trx, row, who, [{ field: 'Prélèvement · Statut du mandat', oldValue: MANDATE_STATUSES[row.status], newValue: `Caduc le ${shortDayFr(ended)}` }], 'update');
  }
}

async function liveMandate(db: Db, familyId: number, today: string): Promise<MandateRow | null> {
  const rows = (await db
    .selectFrom('sepa_mandates')
    .selectAll()
    .where('family_id', '=', familyId)
    .where('status', 'in', [...LIVE_STATUSES])
    .execute()) as MandateRow[];
  return rows.find((row) => effectiveStatus(row, today) !== 'caduc') ?? null;
}

async function auditMandate(trx: Db, row: { id: number; family_id: number; rum: string }, who: Who, changes: AuditChange[], action: string): Promise<void> {
  await writeAudit(trx, { at: who.at, userId: who.userId, entity: 'mandate', entityId: row.id, familyId: row.family_id, action }, changes);
}

/** Why the office cannot set up a mandate for the family now (French), or null. */
export async function setUpBlockedBy(db: Db, familyId: number, today: string): Promise<string | null> {
  const family = await db.selectFrom('families').select('archived_at').where('id', '=', familyId).executeTakeFirst();
  if (!family) return 'Famille introuvable.';
  if (family.archived_at !== null) return 'Cette fiche est archivée : réactivez-la pour mettre en place le prélèvement.';
  const ics = icsRefusal(await loadMandateSettings(db));
  if (ics) return ics;
  const live = await liveMandate(db, familyId, today);
  if (live) {
    return `La famille a déjà un mandat ${MANDATE_STATUSES[live.status].toLowerCase()} (${live.rum}) : modifiez son compte ou révoquez-le d’abord.`;
  }
  return null;
}

/** The account typed, normalised and checked (French messages keyed 'account.<field>'), or a refusal. */
function checkedAccount(input: MandateAccountInput): AccountFields {
  const account = normaliseAccount({ holder: input.holder, iban: input.iban, bic: input.bic, bankName: input.bankName, rib: input.rib });
  const errors = accountProblems(account);
  if (Object.keys(errors).length > 0) {
    throw invalid(Object.fromEntries(Object.entries(errors).map(([field, message]) => [`account.${field}`, message])));
  }
  return account;
}

/** The scan the account was read from: an uploaded file filed as the family's RIB document, or one already on file. */
async function scanDocument(trx: Db, familyId: number, scan: ScanSource | null, who: Who): Promise<number | null> {
  if (!scan) return null;
  if (scan.kind === 'document') {
    const document = await trx
      .selectFrom('family_documents')
      .select(['family_id', 'archived_at'])
      .where('id', '=', scan.documentId)
      .executeTakeFirst();
    if (!document || document.family_id !== familyId || document.archived_at !== null) {
      throw invalid({ 'account.scan': 'Ce document n’est pas (ou plus) dans le dossier de la famille.' });
    }
    // Now the scan of a mandate's account, whatever kind it was filed as: sealed like a RIB (rib-documents.ts).
    const stored = await trx.selectFrom('family_documents').select('content').where('id', '=', scan.documentId).executeTakeFirstOrThrow();
    if (!isSealedBytes(stored.content)) {
      await trx.updateTable('family_documents').set({ content: ibanVault(trx).sealBytes(Buffer.from(stored.content)) }).where('id', '=', scan.documentId).execute();
    }
    return scan.documentId;
  }
  const { bytes, mime } = checkedDocumentBytes(scan.base64, 'account.scan');
  const fileName = scan.fileName.trim().slice(0, 200) || 'rib';
  return insertFamilyDocument(
    trx,
    { familyId, kind: 'rib', label: 'RIB du mandat de prélèvement', documentDate: who.today, fileName, bytes, mime },
    { at: who.at, userId: who.userId },
  );
}

async function insertAccount(
  trx: Db,
  mandateId: number,
  account: AccountFields,
  documentId: number | null,
  who: Who,
): Promise<number> {
  const { id } = await trx
    .insertInto('sepa_mandate_accounts')
    .values({
      mandate_id: mandateId,
      holder: account.holder,
      iban_cipher: ibanVault(trx).seal(account.iban),
      iban_masked: maskIban(account.iban),
      bic: account.bic,
      bank_name: account.bankName,
      document_id: documentId,
      valid_from: who.today,
      recorded_at: who.at,
      recorded_by: who.userId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

function accountText(account: { holder: string; iban: string; bic: string }): string {
  return `${account.holder} · ${maskIban(account.iban)} · ${account.bic}`;
}

/** Writes the mandate's account into the family's « Coordonnées bancaires » when they differ (audited as a family edit). */
async function writeFamilyBank(trx: Db, familyId: number, account: AccountFields, who: Who): Promise<void> {
  const family = await loadFamily(trx, familyId);
  if (!family) throw notFound('Famille introuvable.');
  const bank: FamilyData['bank'] = { holder: account.holder, iban: account.iban, bic: account.bic };
  const changes = familySectionChanges('bank', family.data.bank, bank);
  if (changes.length === 0) return;
  await updateFamilyRows(trx, familyId, { ...family.data, bank }, who.at);
  await writeAudit(
    trx,
    { at: who.at, userId: who.userId, entity: 'family', entityId: familyId, familyId, action: 'update' },
    changes.map((change) => ({ ...change, field: `${change.field} (mandat de prélèvement)` })),
  );
  await refreshFamilySearch(trx, familyId);
}

export async function createMandate(db: Db, familyId: number, input: MandateAccountInput, who: Who): Promise<number> {
  const account = checkedAccount(input);
  return db.transaction().execute(async (trx) => {
    const family = await trx.selectFrom('families').select('archived_at').where('id', '=', familyId).executeTakeFirst();
    if (!family) throw notFound('Famille introuvable.');
    await persistLapsed(trx, familyId, who);
    const blocked = await setUpBlockedBy(trx, familyId, who.today);
    if (blocked) throw new ApiFailure({ code: 'conflict', message: blocked });
    const documentId = await scanDocument(trx, familyId, input.scan, who);
    // The RUM needs the mandate's id: a provisional unique value first, the final one in the same transaction.
    const { id } = await trx
      .insertInto('sepa_mandates')
      .values({ family_id: familyId, rum: `tmp-${who.at}-${Math.random()}`, status: 'a_signer', signed_on: null, created_at: who.at, created_by: who.userId, ended_on: null, last_collection_on: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    const rum = rumFor(familyId, id);
    const problem = rumProblem(rum);
    if (problem) throw new Error(`RUM ${rum}: ${problem}`);
    await trx.updateTable('sepa_mandates').set({ rum }).where('id', '=', id).execute();
    await insertAccount(trx, id, account, documentId, who);
    await auditMandate(trx, { id, family_id: familyId, rum }, who, [
      { field: 'Prélèvement · Mandat créé', oldValue: null, newValue: `${rum} (à signer)` },
      { field: 'Prélèvement · Compte du mandat', oldValue: null, newValue: accountText(account) },
    ], 'create');
    await writeFamilyBank(trx, familyId, account, who);
    return id;
  });
}

export async function signMandate(db: Db, mandateId: number, signedOn: string, who: Who): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await mandateRow(trx, mandateId);
    if (row.status !== 'a_signer') throw new ApiFailure({ code: 'conflict', message: `Ce mandat est déjà ${MANDATE_STATUSES[row.status].toLowerCase()}.` });
    if (!/^\d{4}-\d{2}-\d{2}$/.test(signedOn)) throw invalid({ signedOn: 'Indiquez la date de signature.' });
    if (signedOn > who.today) throw invalid({ signedOn: 'La date de signature ne peut pas être dans le futur.' });
    const createdOn = row.created_at.slice(0, 10);
    if (signedOn < createdOn) throw invalid({ signedOn: `Le mandat a été imprimé le ${shortDayFr(createdOn)} : il ne peut pas avoir été signé avant.` });
    await trx.updateTable('sepa_mandates').set({ status: 'actif', signed_on: signedOn }).where('id', '=', mandateId).execute();
    await auditMandate(trx, row, who, [{ field: 'Prélèvement · Mandat signé', oldValue: 'À signer', newValue: `Actif, signé le ${shortDayFr(signedOn)}` }], 'update');
  });
}

async function liveRowOrRefuse(trx: Db, mandateId: number, today: string): Promise<MandateRow> {
  const row = await mandateRow(trx, mandateId);
  const status = effectiveStatus(row, today);
  if (status === 'revoque' || status === 'caduc') {
    throw new ApiFailure({ code: 'conflict', message: `Ce mandat est ${MANDATE_STATUSES[status].toLowerCase()} : mettez en place un nouveau mandat.` });
  }
  return row;
}

async function accountInForce(trx: Db, mandateId: number) {
  return trx.selectFrom('sepa_mandate_accounts').selectAll().where('mandate_id', '=', mandateId).orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
}

export async function amendMandate(db: Db, mandateId: number, input: MandateAccountInput, who: Who): Promise<void> {
  const account = checkedAccount(input);
  await db.transaction().execute(async (trx) => {
    const row = await liveRowOrRefuse(trx, mandateId, who.today);
    const current = await accountInForce(trx, mandateId);
    const currentIban = ibanVault(trx).open(current.iban_cipher);
    // The same rule as a change of the family's bank details (mandateAccountChange): a new holder signs a new mandate.
    if (!sameHolder(current.holder, account.holder)) throw invalid({ 'account.holder': holderChangeRefusal(account.holder, row.rum) });
    const documentId = await scanDocument(trx, row.family_id, input.scan, who);
    if (currentIban === account.iban && current.holder === account.holder && current.bic === account.bic && current.bank_name === account.bankName && documentId === null) {
      throw invalid({ 'account.iban': 'Ce compte est déjà celui du mandat : rien à modifier.' });
    }
    await insertAccount(trx, mandateId, account, documentId, who);
    await auditMandate(trx, row, who, [
      { field: `Prélèvement · Compte du mandat ${row.rum} modifié`, oldValue: accountText({ ...current, iban: currentIban }), newValue: accountText(account) },
    ], 'update');
    await writeFamilyBank(trx, row.family_id, account, who);
  });
}

export async function revokeMandate(db: Db, mandateId: number, day: string, note: string, who: Who): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await liveRowOrRefuse(trx, mandateId, who.today);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw invalid({ day: 'Indiquez la date de la révocation.' });
    if (day > who.today) throw invalid({ day: 'La date de révocation ne peut pas être dans le futur.' });
    if (day < row.created_at.slice(0, 10)) throw invalid({ day: 'La date de révocation est antérieure à la création du mandat.' });
    const why = note.trim();
    if (why.length > 500) throw invalid({ note: '500 caractères au plus.' });
    await trx.updateTable('sepa_mandates').set({ status: 'revoque', ended_on: day, status_note: why }).where('id', '=', mandateId).execute();
    await auditMandate(trx, row, who, [
      { field: 'Prélèvement · Mandat révoqué', oldValue: MANDATE_STATUSES[row.status], newValue: `Révoqué le ${shortDayFr(day)}${why ? ` : ${why}` : ''}` },
    ], 'update');
  });
}

export async function reactivateMandate(db: Db, mandateId: number, note: string, who: Who): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await liveRowOrRefuse(trx, mandateId, who.today);
    if (row.status !== 'suspendu') throw new ApiFailure({ code: 'conflict', message: 'Seul un mandat suspendu peut être réactivé.' });
    const why = note.trim();
    if (why === '') throw invalid({ note: 'Indiquez pourquoi le mandat est réactivé (accord de la famille, nouveau compte…).' });
    if (why.length > 500) throw invalid({ note: '500 caractères au plus.' });
    await trx.updateTable('sepa_mandates').set({ status: 'actif', status_note: why }).where('id', '=', mandateId).execute();
    await auditMandate(trx, row, who, [{ field: 'Prélèvement · Mandat réactivé', oldValue: 'Suspendu', newValue: `Actif : ${why}` }], 'update');
  });
}

/**
 * What a change of the family's bank details does to its live mandate: nothing (no live mandate, same account), or
 * the new account; refused with a French message on the family's bank fields when the new details cannot carry a
 * debit (no IBAN, BIC missing or of another country). Run alone to check a family's request before it is accepted.
 */
export async function mandateAccountChange(trx: Db, familyId: number, bank: FamilyData['bank'], today: string, fieldPrefix = 'bank') {
  const live = await liveMandate(trx, familyId, today);
  if (!live) return null;
  const current = await accountInForce(trx, live.id);
  const currentIban = ibanVault(trx).open(current.iban_cipher);
  if (currentIban === bank.iban && current.holder === bank.holder && current.bic === bank.bic) return null;
  if (bank.iban === '') {
    throw invalid({ [`${fieldPrefix}.iban`]: `Un mandat de prélèvement est en cours (${live.rum}) : révoquez-le avant d’effacer l’IBAN.` });
  }
  // A mandate is signed by its debtor: another holder cannot take it over by an amendment, they sign their own
  // (DOMAIN.md « SEPA »). The same name written otherwise (case, accents, spaces, as the pain.008 would carry it)
  // is not another holder; an IBAN or BIC change by the same holder stays an amendment.
  if (!sameHolder(current.holder, bank.holder)) {
    const why = holderChangeRefusal(bank.holder, live.rum);
    throw invalid({ [`${fieldPrefix}.holder`]: why }, why);
  }
  const account = normaliseAccount({ holder: bank.holder, iban: bank.iban, bic: bank.bic, bankName: current.bic === bank.bic ? current.bank_name : '', rib: null });
  const errors = accountProblems(account);
  if (Object.keys(errors).length > 0) {
    const fields = Object.fromEntries(
      Object.entries(errors).map(([field, message]) => [`${fieldPrefix}.${field}`, `Mandat de prélèvement en cours : ${message}`]),
    );
    throw invalid(fields, Object.values(fields)[0]);
  }
  return { live, current, currentIban, account };
}

function holderChangeRefusal(holder: string, rum: string): string {
  return (
    `Le titulaire du compte change : un nouveau mandat doit être signé par ${holder.trim() || 'le nouveau titulaire'} ; ` +
    `révoquez le mandat ${rum} puis mettez en place le prélèvement.`
  );
}

/** Whether two holder names are the same debtor once written in the SEPA set (case, accents and spaces aside). */
export function sameHolder(a: string, b: string): boolean {
  const key = (name: string) => toSepaText(name, 140).toUpperCase();
  return key(a) === key(b);
}

/**
 * The family's bank details changed (office form or accepted portal request), in the caller's transaction: a live
 * mandate follows with a new account row (history kept, audited). Refused with a French message on the family's bank
 * fields when the new details cannot carry a debit (no IBAN, BIC missing or of another country).
 */
export async function followFamilyBank(trx: Db, familyId: number, bank: FamilyData['bank'], who: Who, fieldPrefix = 'bank'): Promise<void> {
  const change = await mandateAccountChange(trx, familyId, bank, who.today, fieldPrefix);
  if (!change) return;
  const { live, current, currentIban, account } = change;
  await insertAccount(trx, live.id, account, null, who);
  await auditMandate(trx, live, who, [
    {
      field: `Prélèvement · Compte du mandat ${live.rum} modifié (coordonnées bancaires de la famille)`,
      oldValue: accountText({ ...current, iban: currentIban }),
      newValue: accountText(account),
    },
  ], 'update');
}

const REGIE: readonly Role[] = ['regisseur', 'admin'];

export async function mandateView(db: Db, mandateId: number, role: Role, today: string): Promise<MandateView> {
  const row = await mandateRow(db, mandateId);
  const [accounts, rejects] = await Promise.all([
    db
      .selectFrom('sepa_mandate_accounts as a')
      .leftJoin('staff_users as u', 'u.id', 'a.recorded_by')
      .select(['a.id', 'a.holder', 'a.iban_masked', 'a.bic', 'a.bank_name', 'a.document_id', 'a.valid_from', 'a.recorded_at', 'u.display_name'])
      .where('a.mandate_id', '=', mandateId)
      .orderBy('a.id', 'desc')
      .execute(),
    db
      .selectFrom('sepa_debits')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('mandate_id', '=', mandateId)
      .where('status', '=', 'rejected')
      .executeTakeFirstOrThrow(),
  ]);
  const status = effectiveStatus(row, today);
  const live = (LIVE_STATUSES as readonly string[]).includes(status);
  const note =
    status === 'caduc' && row.status !== 'caduc'
      ? `Caduc : aucun prélèvement depuis le ${shortDayFr(row.last_collection_on ?? row.signed_on)} (36 mois).`
      : row.status_note;
  return {
    id: row.id,
    familyId: row.family_id,
    rum: row.rum,
    status,
    statusLabel: MANDATE_STATUSES[status],
    statusNote: note,
    signedOn: row.signed_on,
    createdAt: row.created_at,
    endedOn: status === 'caduc' && row.status !== 'caduc' ? lapseDay(row.signed_on!, row.last_collection_on) : row.ended_on,
    lastCollectionOn: row.last_collection_on,
    accounts: accounts.map((account) => ({
      id: account.id,
      holder: account.holder,
      ibanMasked: account.iban_masked,
      bic: account.bic,
      bankName: account.bank_name,
      documentId: account.document_id,
      validFrom: account.valid_from,
      recordedAt: account.recorded_at,
      recordedBy: account.display_name ?? null,
    })),
    rejectCount: Number(rejects.n),
    actions: {
      sign: status === 'a_signer',
      amend: live,
      revoke: live,
      reactivate: status === 'suspendu' && REGIE.includes(role),
      print: live,
      reveal: role === 'regisseur',
    },
  };
}

export async function familyDirectDebit(db: Db, familyId: number, role: Role, today: string): Promise<FamilyDirectDebit> {
  const family = await db.selectFrom('families').select('id').where('id', '=', familyId).executeTakeFirst();
  if (!family) throw notFound('Famille introuvable.');
  const ids = await db.selectFrom('sepa_mandates').select('id').where('family_id', '=', familyId).orderBy('id', 'desc').execute();
  const flag = await db.selectFrom('sepa_family_flags').select(['since', 'reason']).where('family_id', '=', familyId).executeTakeFirst();
  const blocked = await setUpBlockedBy(db, familyId, today);
  return {
    mandates: await Promise.all(ids.map(({ id }) => mandateView(db, id, role, today))),
    flag: flag ? { since: flag.since, reason: flag.reason } : null,
    canSetUp: blocked === null,
    setUpBlockedBy: blocked,
  };
}

/** The clear IBAN for the régisseur, audited « IBAN affiché » (who and when are the audit row's). */
export async function revealIban(db: Db, familyId: number, accountId: number | null, who: Who): Promise<string> {
  return db.transaction().execute(async (trx) => {
    let iban: string;
    let what: string;
    if (accountId === null) {
      const family = await trx.selectFrom('families').select('bank_iban').where('id', '=', familyId).executeTakeFirst();
      if (!family) throw notFound('Famille introuvable.');
      iban = openStoredIban(ibanVault(trx), family.bank_iban);
      if (iban === '') throw invalid({ iban: 'Aucun IBAN n’est enregistré pour cette famille.' });
      what = 'Coordonnées bancaires de la famille';
    } else {
      const account = await trx
        .selectFrom('sepa_mandate_accounts as a')
        .innerJoin('sepa_mandates as m', 'm.id', 'a.mandate_id')
        .select(['a.iban_cipher', 'a.valid_from', 'm.rum', 'm.family_id'])
        .where('a.id', '=', accountId)
        .executeTakeFirst();
      if (!account || account.family_id !== familyId) throw notFound('Compte introuvable pour cette famille.');
      iban = ibanVault(trx).open(account.iban_cipher);
      what = `Compte du mandat ${account.rum} (depuis le ${shortDayFr(account.valid_from)})`;
    }
    await writeIbanShown(trx, familyId, accountId, what, iban, who);
    return iban;
  });
}

export async function writeIbanShown(trx: Db, familyId: number, accountId: number | null, what: string, iban: string, who: Who): Promise<void> {
  await writeAudit(
    trx,
    { at: who.at, userId: who.userId, entity: accountId === null ? 'family' : 'mandate_account', entityId: accountId ?? familyId, familyId, action: 'reveal' },
    [{ field: 'IBAN affiché', oldValue: null, newValue: `${what} : ${maskIban(iban)}` }],
  );
}

/**
 * Everything the mandate form prints. The account's IBAN in clear (`fullIban`) while the mandate is « à signer » (the
 * debtor checks it before signing), or for the régisseur; otherwise masked (a copy of a signed mandate shows no more
 * than the family file does). The caller audits a print in clear as a reveal.
 */
export async function mandatePrintData(db: Db, mandateId: number, today: string, role: Role) {
  const row = await liveRowOrRefuse(db, mandateId, today);
  const fullIban = effectiveStatus(row, today) === 'a_signer' || role === 'regisseur';
  const account = await accountInForce(db, mandateId);
  const iban = ibanVault(db).open(account.iban_cipher);
  const family = await loadFamily(db, row.family_id);
  if (!family) throw notFound('Famille introuvable.');
  const settings = await loadMandateSettings(db);
  const ics = icsRefusal(settings);
  if (ics) throw new ApiFailure({ code: 'conflict', message: ics });
  return {
    row,
    fullIban,
    account: { id: account.id, holder: account.holder, iban: fullIban ? iban : maskIban(iban), bic: account.bic, bankName: account.bank_name },
    family: family.data,
    settings: { ...settings, ics: normaliseIcs(settings.ics) },
  };
}
