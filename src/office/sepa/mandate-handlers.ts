import { z } from 'zod';
import type { MandateAccountInput } from '../../shared/api/sepa.js';
import type { Role } from '../../shared/auth/roles.js';
import { parisDay } from '../../shared/clock.js';
import { mandatePdf, mandatePdfFileName } from '../../server/billing/mandate-pdf.js';
import { ALL_STAFF, noArgs, type Handlers, type StaffContext } from '../api/handler.js';
import { writeAudit } from '../audit/write.js';
import { ibanVault } from './iban-vault.js';
import { loadBillingSettings } from '../billing/store.js';
import {
  amendMandate,
  createMandate,
  familyDirectDebit,
  mandatePrintData,
  mandateView,
  reactivateMandate,
  revealIban,
  revokeMandate,
  signMandate,
  writeIbanShown,
  type Who,
} from './mandates.js';

/**
 * SEPA mandates and the IBAN reveal (issue #12). Setting up, signing, amending and revoking are the office's daily work
 * (every staff role); reactivating a mandate suspended after two rejects is the régie's; seeing an IBAN in clear is the
 * régisseur's alone, and audited.
 */

const REGIE: readonly Role[] = ['regisseur', 'admin'];
const REGISSEUR: readonly Role[] = ['regisseur'];
const ADMIN: readonly Role[] = ['admin'];

const id = z.number('Identifiant attendu.').int('Identifiant attendu.');
const day = z.string('Date attendue.').max(40, 'Date invalide.');
const short = (max: number) => z.string('Texte attendu.').max(max, `${max} caractères au plus.`);

const scanSchema = z.union([
  z.strictObject({ kind: z.literal('file'), fileName: short(200), mime: short(100), base64: z.string() }),
  z.strictObject({ kind: z.literal('document'), documentId: id }),
]);

const accountSchema: z.ZodType<MandateAccountInput> = z.strictObject({
  holder: short(200),
  iban: short(80),
  bic: short(40),
  bankName: short(200),
  rib: z.strictObject({ banque: short(20), guichet: short(20), compte: short(30), cle: short(10) }).nullable(),
  scan: scanSchema.nullable(),
});

function who(ctx: StaffContext): Who {
  const now = ctx.clock();
  return { userId: ctx.user.id, at: now.toISOString(), today: parisDay(now) };
}

const view = (ctx: StaffContext, mandateId: number) => mandateView(ctx.db, mandateId, ctx.user.role, parisDay(ctx.clock()));

export const mandateHandlers: Handlers<
  'sepa.revealIban' | 'sepa.exportIbanKey' | 'mandates.forFamily' | 'mandates.create' | 'mandates.sign' | 'mandates.amend' | 'mandates.revoke' | 'mandates.reactivate' | 'mandates.pdf'
> = {
  'sepa.revealIban': {
    access: REGISSEUR,
    refusal: 'Seul le régisseur peut afficher un IBAN en entier.',
    args: z.strictObject({ familyId: id, accountId: id.nullable() }),
    run: async (ctx, { familyId, accountId }) => ({ iban: await revealIban(ctx.db, familyId, accountId, who(ctx)) }),
  },

  /**
   * The key the IBANs (and RIB scans) are sealed with, as the plain key file holds it: a backup restored on another
   * PC (or another Windows account, whose keychain cannot open `<database>.key.safe`) is unreadable without it. Saved
   * apart from the backups, it is imported by copying it beside the restored database as `<database>.key`: the app
   * takes it into its keychain at the next start (src/main/iban-key.ts), the browser bridge uses it as is. The
   * administrator's alone, and audited: whoever holds the key and a backup reads every IBAN.
   */
  'sepa.exportIbanKey': {
    access: ADMIN,
    refusal: 'Seul l’administrateur peut exporter la clé de chiffrement des IBAN.',
    args: noArgs,
    run: async (ctx) => {
      const at = who(ctx);
      await writeAudit(ctx.db, { at: at.at, userId: at.userId, entity: 'settings', entityId: null, action: 'export' }, [
        { field: 'Clé de chiffrement des IBAN exportée', oldValue: null, newValue: 'Fichier grenette.sqlite.key' },
      ]);
      return { fileName: 'grenette.sqlite.key', mime: 'text/plain', base64: Buffer.from(ibanVault(ctx.db).keyFileText()).toString('base64') };
    },
  },

  'mandates.forFamily': {
    access: ALL_STAFF,
    args: z.strictObject({ familyId: id }),
    run: (ctx, { familyId }) => familyDirectDebit(ctx.db, familyId, ctx.user.role, parisDay(ctx.clock())),
  },

  'mandates.create': {
    access: ALL_STAFF,
    args: z.strictObject({ familyId: id, account: accountSchema }),
    run: async (ctx, { familyId, account }) => view(ctx, await createMandate(ctx.db, familyId, account, who(ctx))),
  },

  'mandates.sign': {
    access: ALL_STAFF,
    args: z.strictObject({ mandateId: id, signedOn: day }),
    run: async (ctx, { mandateId, signedOn }) => {
      await signMandate(ctx.db, mandateId, signedOn, who(ctx));
      return view(ctx, mandateId);
    },
  },

  'mandates.amend': {
    access: ALL_STAFF,
    args: z.strictObject({ mandateId: id, account: accountSchema }),
    run: async (ctx, { mandateId, account }) => {
      await amendMandate(ctx.db, mandateId, account, who(ctx));
      return view(ctx, mandateId);
    },
  },

  'mandates.revoke': {
    access: ALL_STAFF,
    args: z.strictObject({ mandateId: id, day, note: short(2000) }),
    run: async (ctx, { mandateId, day: revokedOn, note }) => {
      await revokeMandate(ctx.db, mandateId, revokedOn, note, who(ctx));
      return view(ctx, mandateId);
    },
  },

  'mandates.reactivate': {
    access: REGIE,
    refusal: 'Seuls le régisseur et l’administrateur peuvent réactiver un mandat suspendu.',
    args: z.strictObject({ mandateId: id, note: short(2000) }),
    run: async (ctx, { mandateId, note }) => {
      await reactivateMandate(ctx.db, mandateId, note, who(ctx));
      return view(ctx, mandateId);
    },
  },

  /**
   * The form the family signs carries the IBAN in full while the mandate is « à signer » (the debtor must check it),
   * whoever prints it, and for the régisseur at any time: each such print is audited as a reveal of that account.
   * A copy printed by another role once the mandate is signed shows the IBAN masked, and reveals nothing.
   */
  'mandates.pdf': {
    access: ALL_STAFF,
    args: z.strictObject({ mandateId: id }),
    run: async (ctx, { mandateId }) => {
      const at = who(ctx);
      const data = await mandatePrintData(ctx.db, mandateId, at.today, ctx.user.role);
      const { issuer } = await loadBillingSettings(ctx.db);
      const r1 = data.family.responsable1;
      const pdf = await mandatePdf({
        issuer,
        creditor: { name: data.settings.creditorName, ics: data.settings.ics },
        rum: data.row.rum,
        debtor: {
          name: `${r1.civilite} ${r1.prenom} ${r1.nom}`.trim(),
          address: [r1.adresse, `${r1.codePostal} ${r1.ville}`.trim()].filter((line) => line !== ''),
          holder: data.account.holder,
          // Masked, without its spaces: the PDF groups the characters by four itself.
          iban: data.fullIban ? data.account.iban : data.account.iban.replace(/\s+/g, ''),
          bic: data.account.bic,
          bankName: data.account.bankName,
        },
        printedOn: at.today,
      });
      if (data.fullIban) await writeIbanShown(ctx.db, data.row.family_id, data.account.id, `Mandat ${data.row.rum} imprimé`, data.account.iban, at);
      return { fileName: mandatePdfFileName(data.row.rum), mime: 'application/pdf', base64: pdf.toString('base64') };
    },
  },
};
