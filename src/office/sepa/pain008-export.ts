import type { Kysely } from 'kysely';
import type { FileContent } from '../../shared/api/contract.js';
import type { Pain008Version } from '../../shared/api/sepa.js';
import { parisDateTimeIso, shortDayFr } from '../../shared/calendar/format.js';
import { parisDay } from '../../shared/clock.js';
import { formatEuros } from '../../shared/money.js';
import { collectionDateProblem } from '../../shared/sepa/collection-date.js';
import { MANDATE_STATUSES, mandateStatusOn } from '../../shared/sepa/mandate.js';
import { loadFamilyAccounts } from '../accounts/ledger.js';
import { ApiFailure, invalid, notFound, type StaffContext } from '../api/handler.js';
import { writeAudit } from '../audit/write.js';
import { immediateTransaction } from '../billing/run-transaction.js';
import { amendmentOf, referenceAccounts } from './eligibility.js';
import { ibanVault } from './iban-vault.js';
import { newestAccounts } from './prenotification.js';
import { writePain008, type Pain008Debit } from './pain008.js';
import { loadSepaSettings } from './settings.js';
import type { OfficeDatabase } from '../db/schema.js';

/**
 * Exporting a batch as its pain.008 file. The first export sends it: the file is written from the batch's debits, the
 * mandates' accounts (IBANs opened from the vault only here) and Paramètres › Prélèvement, then stored with the batch,
 * which is frozen (status sent; 0008's trigger refuses any later edit). Every later export gives that same stored
 * file, byte for byte, in the version it was sent in.
 */

/** « Durand Paul »: the family's first responsable, as the batch page names it. */
async function familyNames(trx: Kysely<OfficeDatabase>, familyIds: readonly number[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for (let i = 0; i < familyIds.length; i += 500) {
    const rows = await trx
      .selectFrom('responsables')
      .select(['family_id', 'nom', 'prenom'])
      .where('rank', '=', 1)
      .where('family_id', 'in', familyIds.slice(i, i + 500))
      .execute();
    for (const row of rows) out.set(row.family_id, `${row.nom} ${row.prenom ?? ''}`.trim());
  }
  return out;
}

function fileFor(messageId: string, xml: string): FileContent {
  return { fileName: `${messageId}.xml`, mime: 'application/xml', base64: Buffer.from(xml, 'utf8').toString('base64') };
}

export async function exportBatch(ctx: StaffContext, batchId: number, version: Pain008Version): Promise<FileContent> {
  const now = ctx.clock();
  const today = parisDay(now);
  const at = now.toISOString();
  return immediateTransaction(ctx.db, async (trx) => {
    const batch = await trx.selectFrom('sepa_batches').selectAll().where('id', '=', batchId).executeTakeFirst();
    if (!batch) throw notFound('Lot de prélèvement introuvable.');
    if (batch.status === 'cancelled') throw new ApiFailure({ code: 'conflict', message: 'Ce lot a été annulé : il n’a pas de fichier.' });
    if (batch.status === 'sent') {
      if (batch.sent_version !== version) {
        const message = `Ce lot a été transmis au format ${batch.sent_version} : seul ce fichier, tel qu’envoyé, peut être téléchargé à nouveau.`;
        throw invalid({ version: message }, message);
      }
      // Stored sealed: the file names every debtor's IBAN, and the database (and its backups) never holds one in clear.
      return fileFor(batch.message_id, ibanVault(ctx.db).open(batch.sent_xml ?? ''));
    }

    // Prepared: still right to send? The date must still leave the bank its day, and every debit still be due.
    const late = collectionDateProblem(batch.collection_date, today);
    if (late) {
      const message = `${late} Annulez ce lot et préparez-en un autre.`;
      throw invalid({ collectionDate: message }, message);
    }
    const debits = await trx
      .selectFrom('sepa_debits as d')
      .innerJoin('invoices as i', 'i.id', 'd.invoice_id')
      .innerJoin('sepa_mandates as m', 'm.id', 'd.mandate_id')
      .innerJoin('sepa_mandate_accounts as a', 'a.id', 'd.account_id')
      .select(['d.id', 'd.invoice_id', 'd.family_id', 'd.mandate_id', 'd.account_id', 'd.amount_cents', 'd.end_to_end_id', 'd.sequence_type', 'd.notice_id'])
      .select(['i.number', 'i.month', 'm.rum', 'm.status', 'm.signed_on', 'm.last_collection_on', 'a.holder', 'a.iban_cipher', 'a.bic'])
      .where('d.batch_id', '=', batchId)
      .orderBy('d.id')
      .execute();
    // The account and the mandate as the batch captured them must still be those in force: an amendment (a new RIB)
    // or a revocation or suspension since the preparation would otherwise send the old account to the bank. The batch
    // is never edited (it was counted and summed as prepared): refused whole, nothing marked sent, named by family.
    const inForce = await newestAccounts(trx, [...new Set(debits.map((debit) => debit.mandate_id))]);
    const names = await familyNames(trx, [...new Set(debits.map((debit) => debit.family_id))]);
    const nameOf = (familyId: number) => names.get(familyId) ?? `Famille n° ${familyId}`;
    const moved = new Map<number, string>();
    const ended = new Map<number, string>();
    for (const debit of debits) {
      const status = mandateStatusOn(debit.status, debit.signed_on, debit.last_collection_on, batch.collection_date);
      if (status !== 'actif') ended.set(debit.mandate_id, `${debit.rum} (${nameOf(debit.family_id)}, ${MANDATE_STATUSES[status].toLowerCase()})`);
      else if (inForce.get(debit.mandate_id)?.id !== debit.account_id) moved.set(debit.mandate_id, `${debit.rum} (${nameOf(debit.family_id)})`);
    }
    if (moved.size > 0 || ended.size > 0) {
      const said: string[] = [];
      if (moved.size > 0) {
        const list = [...moved.values()].join(', ');
        said.push(moved.size === 1 ? `Le compte du mandat ${list} a changé depuis la préparation du lot.` : `Les comptes des mandats ${list} ont changé depuis la préparation du lot.`);
      }
      if (ended.size > 0) {
        const list = [...ended.values()].join(', ');
        said.push(ended.size === 1 ? `Le mandat ${list} n’est plus actif depuis la préparation du lot.` : `Les mandats ${list} ne sont plus actifs depuis la préparation du lot.`);
      }
      throw new ApiFailure({ code: 'conflict', message: `${said.join(' ').replace(/\.$/, '')} : annulez le lot et préparez-en un nouveau.` });
    }
    const accounts = await loadFamilyAccounts(trx, [...new Set(debits.map((debit) => debit.family_id))], today);
    const stale: string[] = [];
    for (const debit of debits) {
      const invoice = accounts.get(debit.family_id)?.invoices.find((candidate) => candidate.id === debit.invoice_id);
      if (!invoice || invoice.openCents < debit.amount_cents) stale.push(`${debit.number} (${nameOf(debit.family_id)} : réglée depuis, en tout ou partie)`);
      // Prepared before pre-notifications were recorded (migration 0009) and without one: never sent as it is.
      else if (debit.notice_id === null) stale.push(`${debit.number} (${nameOf(debit.family_id)} : préparée sans pré-notification)`);
    }
    if (stale.length > 0) {
      throw new ApiFailure({
        code: 'conflict',
        message: `Le lot n’est plus à jour : ${stale.join(', ')}. Annulez-le et préparez-en un nouveau.`,
      });
    }

    const settings = await loadSepaSettings(trx);
    const vault = ibanVault(ctx.db);
    const references = await referenceAccounts(trx, [...new Set(debits.map((debit) => debit.mandate_id))], batchId);
    const lines: Pain008Debit[] = [];
    for (const debit of debits) {
      lines.push({
        endToEndId: debit.end_to_end_id,
        amountCents: debit.amount_cents,
        sequenceType: debit.sequence_type,
        rum: debit.rum,
        signedOn: debit.signed_on ?? '',
        debtorName: debit.holder,
        debtorIban: vault.open(debit.iban_cipher),
        debtorBic: debit.bic,
        remittance: `Facture ${debit.number} ${settings.creditorName}`,
        amendment: await amendmentOf(trx, vault, debit.account_id, references.get(debit.mandate_id)),
      });
    }
    const xml = writePain008(
      {
        messageId: batch.message_id,
        createdAt: parisDateTimeIso(now),
        collectionDate: batch.collection_date,
        creditor: { name: settings.creditorName, iban: settings.creditorIban, bic: settings.creditorBic, ics: settings.ics },
        debits: lines,
      },
      version,
    );
    await trx
      .updateTable('sepa_batches')
      .set({ status: 'sent', sent_at: at, sent_by: ctx.user.id, sent_version: version, sent_xml: ibanVault(ctx.db).seal(xml) })
      .where('id', '=', batchId)
      .execute();
    await writeAudit(trx, { at, userId: ctx.user.id, entity: 'sepa_batch', entityId: batchId, action: 'send' }, [
      {
        field: `Lot de prélèvement du ${shortDayFr(batch.collection_date)}`,
        oldValue: `${batch.message_id} : préparé`,
        newValue: `transmis (${version}) : ${batch.debit_count} prélèvement${batch.debit_count > 1 ? 's' : ''}, ${formatEuros(batch.control_sum_cents)}`,
      },
    ]);
    return fileFor(batch.message_id, xml);
  });
}
