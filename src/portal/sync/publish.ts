import { parisDay } from '../../shared/clock.js';
import type { FamilyPublication, PublishRequest, PublishResponse } from '../../shared/sync/contract.js';
import type { PublishRequestV1 } from '../../shared/sync/contract-v1.js';
import type { SyncProtocol } from '../../shared/sync/protocol.js';
import { currentPublication, currentSettings, storedProtocol, upgradePublication1to2 } from '../../shared/sync/upgrade.js';
import { upsertAccountsFromPublication } from '../auth/accounts.js';
import { PORTAL_SETTINGS_KEY } from '../content.js';
import { isPostgres } from '../db/locks.js';
import type { PortalDb, PortalTrx } from '../db/open.js';
import { enqueueMail } from '../mail/outbox.js';
import { inlinePhotoBytes, recordPublicationPhotos, storeInlinePhotos, type InlinePhotoBytes } from '../photos/store.js';
import { decisionMails, newlyDecided } from './decision-mail.js';
import { reminderMails } from './reminder-mail.js';
import { storedBody } from './pull.js';

async function storedSettings(trx: PortalTrx) {
  const row = await trx.selectFrom('portal_content').select(['data', 'protocol']).where('key', '=', PORTAL_SETTINGS_KEY).executeTakeFirst();
  if (!row) return null;
  return currentSettings(storedProtocol(row.protocol), JSON.parse(row.data)).catch(() => null);
}

/** A publish call as received: its body in the protocol the call said (its schema checked by the route). */
export type IncomingPublish = PublishRequest | PublishRequestV1;

/** The publish answer, in the protocol of the call it answers (an office of protocol 1 reads `protocol: 1`). */
export type PublishAnswer = Omit<PublishResponse, 'protocol'> & { protocol: SyncProtocol };

/** A family's publication as sent, with what the portal reads of it: the current shape and its inline photos' bytes. */
interface Received {
  sent: IncomingPublish['families'][number];
  current: FamilyPublication;
  inline: InlinePhotoBytes[];
}

async function received(body: IncomingPublish): Promise<Received[]> {
  if (body.protocol === 2) return body.families.map((sent) => ({ sent, current: sent, inline: [] }));
  const out: Received[] = [];
  for (const sent of body.families) {
    const current = await upgradePublication1to2(sent);
    out.push({ sent, current, inline: inlinePhotoBytes(sent, current) });
  }
  return out;
}

/**
 * The labels of the fields asked to change by the family's data-change requests decided in this publication (the only
 * ones a mail names), from the bodies kept here: nothing is read when no such request was decided.
 */
async function changedLabels(trx: PortalTrx, previous: FamilyPublication | null, publication: FamilyPublication): Promise<Map<string, string[]>> {
  const decided = newlyDecided(previous, publication);
  const uids = publication.requests.filter((request) => request.kind === 'data_change' && decided.has(request.uid)).map((request) => request.uid);
  const labels = new Map<string, string[]>();
  if (uids.length === 0) return labels;
  const rows = await trx.selectFrom('requests').select(['uid', 'body']).where('family_id', '=', publication.familyId).where('uid', 'in', uids).execute();
  for (const row of rows) {
    // An unreadable body (an older portal, a damaged row) names nothing: the mail says « Votre demande ».
    const changes = storedBody(row.body)?.changes;
    const list = Array.isArray(changes) ? (changes as Array<{ label?: unknown } | null>) : [];
    labels.set(row.uid, list.map((change) => change?.label).filter((label): label is string => typeof label === 'string'));
  }
  return labels;
}

/**
 * Stores what the office published, each family in its own transaction: the version check, the publication, the
 * accounts, the photos it names, the decision mails and the reminder mails commit together, so a publication sent
 * twice (the office crashed before recording it) is ignored and mails nobody twice. A publication is written by INSERT
 * … ON CONFLICT … WHERE version < excluded.version, so an older one never replaces a newer one, whatever runs at once.
 *
 * Each payload is stored as it came, with its protocol (read back through src/shared/sync/upgrade.ts); everything
 * else here works on the current shape. An inline photo (protocol 1) goes to the photo store, named by its hash.
 */
export async function applyPublish(db: PortalDb, body: IncomingPublish, now: Date): Promise<PublishAnswer> {
  const at = now.toISOString();
  const protocol = body.protocol;
  if (body.settings) {
    const settings = body.settings;
    const data = JSON.stringify(settings);
    // One statement: a version not above the one held changes nothing, even with another publish at once.
    await db
      .insertInto('portal_content')
      .values({ key: PORTAL_SETTINGS_KEY, version: settings.version, data, published_at: at, protocol })
      .onConflict((oc) =>
        oc
          .column('key')
          .doUpdateSet({ version: settings.version, data, published_at: at, protocol })
          .where('portal_content.version', '<', (eb) => eb.ref('excluded.version')),
      )
      .execute();
  }
  const applied: number[] = [];
  const ignored: number[] = [];
  const missingPhotos = new Set<string>();
  for (const { sent, current: publication, inline } of await received(body)) {
    const stored = await db.transaction().execute(async (trx) => {
      const data = JSON.stringify(sent);
      const row = { family_id: publication.familyId, version: publication.version, data, published_at: at, protocol };
      let held: { version: number; data: string; protocol: number } | undefined;
      for (;;) {
        // The family's row is held until commit (PostgreSQL): a publication of the same family at once waits, then
        // compares its version with this one's and mails from it.
        held = await trx
          .selectFrom('publications')
          .select(['version', 'data', 'protocol'])
          .where('family_id', '=', publication.familyId)
          .$if(isPostgres(trx), (query) => query.forUpdate())
          .executeTakeFirst();
        if (held && held.version >= publication.version) return false;
        const written = await trx
          .insertInto('publications')
          .values(row)
          .onConflict((oc) =>
            held
              ? oc
                  .column('family_id')
                  .doUpdateSet({ version: publication.version, data, published_at: at, protocol })
                  .where('publications.version', '<', (eb) => eb.ref('excluded.version'))
              : oc.column('family_id').doNothing(),
          )
          .returning('family_id')
          .executeTakeFirst();
        if (written) break;
        // None was held and another first publication of the family committed meanwhile: judge against it.
        if (!held) continue;
        return false;
      }
      // A previous publication that does not read (a damaged row) mails as if there were none.
      const before = held ? await currentPublication(storedProtocol(held.protocol), JSON.parse(held.data)).catch(() => null) : null;
      await storeInlinePhotos(trx, inline, now);
      for (const hash of await recordPublicationPhotos(trx, publication, now)) missingPhotos.add(hash);
      await upsertAccountsFromPublication(trx, publication, now);
      const settings = await storedSettings(trx);
      const mails = decisionMails(before, publication, settings, await changedLabels(trx, before, publication));
      if (mails.length > 0) {
        const accounts = await trx
          .selectFrom('accounts')
          .select('email')
          .where('family_id', '=', publication.familyId)
          .where('disabled', '=', 0)
          .orderBy('responsable_rank')
          .execute();
        for (const mail of mails) {
          for (const account of accounts) await enqueueMail(trx, { to: account.email, subject: mail.subject, text: mail.text }, now);
        }
      }
      // The régie's reminders go to the responsables' addresses the office holds, logged in on the portal or not.
      for (const mail of reminderMails(before, publication, settings, parisDay(now))) {
        for (const to of mail.to) await enqueueMail(trx, { to, subject: mail.subject, text: mail.text }, now);
      }
      return true;
    });
    (stored ? applied : ignored).push(publication.familyId);
  }
  return { protocol, applied, ignored, missingPhotos: [...missingPhotos] };
}
