import { z } from 'zod';
import { loadBillingSettings } from '../billing/store.js';
import { activationLetterPdf } from './activation-letter.js';
import type { OfficeMethod } from '../../shared/api/contract.js';
import type { Role } from '../../shared/auth/roles.js';
import { formatDayFr } from '../../shared/calendar/format.js';
import { parisDay } from '../../shared/clock.js';
import { ACTIVATION_VALIDITY_DAYS, activationCodeHash, newActivationCode } from '../../shared/sync/activation.js';
import { ALL_STAFF, ApiFailure, invalid, noArgs, notFound, type Handlers } from '../api/handler.js';
import { writeAudit } from '../audit/write.js';
import { existingSyncScheduler, syncSchedulerFor } from './scheduler.js';
import { syncStatus } from './run.js';

type SyncMethod = Extract<OfficeMethod, `sync.${string}` | 'portal.issueActivation'>;

const DESK: readonly Role[] = ['agent', 'admin'];
const ADMIN_ONLY: readonly Role[] = ['admin'];

/** The shared secret must be hard to guess: it is all that authenticates the office to the portal. */
export const MIN_SECRET_LENGTH = 32;

const configureArgs = z.object({
  portalUrl: z
    .string()
    .trim()
    .max(300)
    .refine((value) => value === '' || /^https?:\/\/[^\s/]+/.test(value), 'Adresse du portail invalide (https://…).'),
  secret: z.string().trim().max(500),
});

export const syncHandlers: Handlers<SyncMethod> = {
  'sync.status': {
    access: ALL_STAFF,
    args: noArgs,
    run: (ctx) => syncStatus(ctx.db),
  },
  'sync.now': {
    access: DESK,
    args: noArgs,
    async run(ctx) {
      const status = await syncStatus(ctx.db);
      if (!status.configured) throw new ApiFailure({ code: 'validation', message: 'La synchronisation avec le portail famille n’est pas configurée.' });
      return syncSchedulerFor({ db: ctx.db, clock: ctx.clock, log: ctx.log }).runNow();
    },
  },
  'sync.configure': {
    access: ADMIN_ONLY,
    args: configureArgs,
    async run(ctx, args) {
      const portalUrl = args.portalUrl.replace(/\/+$/, '');
      if (portalUrl !== '' && args.secret.length < MIN_SECRET_LENGTH) {
        throw invalid({ secret: `Le secret partagé doit faire au moins ${MIN_SECRET_LENGTH} caractères.` });
      }
      const at = ctx.clock().toISOString();
      await ctx.db.transaction().execute(async (trx) => {
        const before = await trx.selectFrom('sync_state').select('portal_url').where('id', '=', 1).executeTakeFirstOrThrow();
        const newPortal = before.portal_url !== portalUrl;
        await trx
          .updateTable('sync_state')
          .set({
            portal_url: portalUrl,
            secret: args.secret,
            last_error: null,
            // Another portal has its own request numbers and holds none of our publications.
            ...(newPortal ? { cursor: 0, settings_hash: '', window_from: '' } : {}),
          })
          .where('id', '=', 1)
          .execute();
        if (newPortal) await trx.deleteFrom('family_publications').execute();
        await writeAudit(trx, { at, userId: ctx.user.id, entity: 'sync', entityId: null, action: 'update' }, [
          { field: 'Portail famille', oldValue: before.portal_url || null, newValue: portalUrl || null },
          { field: 'Secret partagé', oldValue: null, newValue: 'modifié' },
        ]);
      });
      if (portalUrl !== '') existingSyncScheduler(ctx.db)?.start();
      else void existingSyncScheduler(ctx.db)?.stop();
      return syncStatus(ctx.db);
    },
  },
  'portal.issueActivation': {
    access: DESK,
    args: z.object({ familyId: z.number().int().positive(), rank: z.union([z.literal(1), z.literal(2)]) }),
    async run(ctx, args) {
      const now = ctx.clock();
      const family = await ctx.db.selectFrom('families').select('archived_at').where('id', '=', args.familyId).executeTakeFirst();
      if (!family) throw notFound('Famille introuvable.');
      if (family.archived_at !== null) throw invalid({ familyId: 'La fiche de cette famille est archivée.' }, 'La fiche de cette famille est archivée.');
      const person = await ctx.db
        .selectFrom('responsables')
        .select(['email', 'prenom', 'nom', 'civilite', 'adresse', 'code_postal', 'ville'])
        .where('family_id', '=', args.familyId)
        .where('rank', '=', args.rank)
        .executeTakeFirst();
      if (!person) throw notFound(`Cette famille n'a pas de responsable ${args.rank}.`);
      if (person.email.trim() === '') {
        const message = `${person.prenom} ${person.nom} n'a pas d'adresse e-mail : elle sert d'identifiant sur le portail. Saisissez-la d'abord.`;
        throw invalid({ rank: message }, message);
      }
      const code = newActivationCode();
      const expiresAt = new Date(now.getTime() + ACTIVATION_VALIDITY_DAYS * 24 * 3600 * 1000).toISOString();
      const codeHash = await activationCodeHash(code);
      const at = now.toISOString();
      // The letter is made before the code is stored: a letter that cannot be printed leaves the previous code valid.
      // It goes to the responsable's own postal address, else to the family's (responsable 1's).
      const own = [person.adresse, `${person.code_postal} ${person.ville}`.trim()].filter((line) => line.trim() !== '');
      let address = own;
      if (own.length === 0 && args.rank === 2) {
        const first = await ctx.db.selectFrom('responsables').select(['adresse', 'code_postal', 'ville']).where('family_id', '=', args.familyId).where('rank', '=', 1).executeTakeFirst();
        if (first) address = [first.adresse, `${first.code_postal} ${first.ville}`.trim()].filter((line) => line.trim() !== '');
      }
      const [settings, state] = [await loadBillingSettings(ctx.db), await ctx.db.selectFrom('sync_state').select('portal_url').where('id', '=', 1).executeTakeFirst()];
      const pdf = await activationLetterPdf({
        issuer: settings.issuer,
        day: parisDay(now),
        recipient: { civilite: person.civilite, prenom: person.prenom, nom: person.nom, address },
        email: person.email.trim(),
        code,
        expiresAt,
        portalUrl: state?.portal_url ?? '',
      });
      const letter = { fileName: `courrier-activation-famille-${args.familyId}-responsable-${args.rank}.pdf`, mime: 'application/pdf', base64: pdf.toString('base64') };
      await ctx.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('portal_activations')
          .values({ family_id: args.familyId, rank: args.rank, code_hash: codeHash, expires_at: expiresAt, created_at: at, created_by: ctx.user.id })
          .onConflict((oc) => oc.columns(['family_id', 'rank']).doUpdateSet({ code_hash: codeHash, expires_at: expiresAt, created_at: at, created_by: ctx.user.id }))
          .execute();
        // The code itself is never logged: whoever reads the audit must not be able to activate the account.
        await writeAudit(trx, { at, userId: ctx.user.id, entity: 'family', entityId: args.familyId, familyId: args.familyId, action: 'update' }, [
          { field: `Code d'activation du portail (responsable ${args.rank})`, oldValue: null, newValue: `émis, valable jusqu'au ${formatDayFr(parisDay(new Date(expiresAt)))}` },
        ]);
      });
      return { code, expiresAt, letter };
    },
  },
};
