import type { Kysely, Transaction } from 'kysely';
import { checkSepaSettings, DEFAULT_SEPA_SETTINGS, SEPA_SETTINGS_KEY, type SepaSettings } from '../../shared/sepa/settings.js';
import { formatEuros } from '../../shared/money.js';
import { ApiFailure, type StaffContext } from '../api/handler.js';
import { diffFields, writeAudit } from '../audit/write.js';
import { readJson } from '../billing/store.js';
import type { OfficeDatabase } from '../db/schema.js';

/**
 * Paramètres › Prélèvement: stored as the JSON of the settings row 'sepa.settings', like billing's settings; the
 * defaults (the demo commune's) until saved. A stored value that does not check is a damaged database, never a default
 * in disguise.
 */

type Db = Kysely<OfficeDatabase> | Transaction<OfficeDatabase>;

export async function loadSepaSettings(db: Db): Promise<SepaSettings> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', SEPA_SETTINGS_KEY).executeTakeFirst();
  if (!row) return { ...DEFAULT_SEPA_SETTINGS };
  const checked = checkSepaSettings(readJson(row.value, `setting ${SEPA_SETTINGS_KEY}`));
  if (!checked.ok) throw new Error(`Stored setting ${SEPA_SETTINGS_KEY} does not check: ${JSON.stringify(checked.error.fields)}`);
  return checked.value;
}

const LABELS = {
  ics: 'Identifiant créancier SEPA (ICS)',
  creditorName: 'Nom du créancier',
  creditorIban: 'IBAN du créancier',
  creditorBic: 'BIC du créancier',
  preNotificationDays: 'Délai de pré-notification (jours)',
  collectionDay: 'Jour du mois des prélèvements',
  rejectFeeCents: 'Frais de rejet',
} as const;

function auditShape(settings: SepaSettings): Record<keyof typeof LABELS, string | number> {
  return { ...settings, rejectFeeCents: formatEuros(settings.rejectFeeCents) };
}

/** Checks (French message per field), saves and audits the changes, in one transaction. */
export async function saveSepaSettings(ctx: StaffContext, input: unknown): Promise<SepaSettings> {
  const checked = checkSepaSettings(input);
  if (!checked.ok) throw new ApiFailure(checked.error);
  const settings = checked.value;
  return ctx.db.transaction().execute(async (trx) => {
    const before = await loadSepaSettings(trx);
    const json = JSON.stringify(settings);
    await trx
      .insertInto('settings')
      .values({ key: SEPA_SETTINGS_KEY, value: json })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: json }))
      .execute();
    const changes = diffFields(LABELS, auditShape(before), auditShape(settings));
    if (changes.length > 0) {
      await writeAudit(trx, { at: ctx.clock().toISOString(), userId: ctx.user.id, entity: 'sepa_settings', entityId: null, action: 'update' }, changes);
    }
    return settings;
  });
}
