import { z } from 'zod';
import { ROLES, type Role } from '../../shared/auth/roles.js';
import type { Clock } from '../../shared/clock.js';
import { ALL_STAFF, ApiFailure, invalid, noArgs, notFound, type Handlers } from '../api/handler.js';
import { diffFields, writeAudit } from '../audit/write.js';
import type { OfficeDb } from '../db/open.js';
import { LoginThrottle, lockoutMessage } from './lockout.js';
import { hashPassword, verifyPassword } from '../../crypto/password.js';
import { toStaffUser } from './users.js';

const ADMIN_ONLY: readonly Role[] = ['admin'];
const WRONG_CREDENTIALS = 'Identifiant ou mot de passe incorrect.';
const PASSWORD_MIN = 10;
const PASSWORD_TOO_SHORT = `Le mot de passe compte au moins ${PASSWORD_MIN} caractères.`;
/** Verified when the username is unknown, so both refusals take the same time. */
let dummyHash: Promise<string> | null = null;
function placeholderHash(): Promise<string> {
  dummyHash ??= hashPassword('grenette-placeholder-password');
  return dummyHash;
}

// One throttle per database, so two offices (or two tests) in one process never share failures.
const throttles = new WeakMap<OfficeDb, LoginThrottle>();
function throttleFor(db: OfficeDb, clock: Clock): LoginThrottle {
  let throttle = throttles.get(db);
  if (!throttle) {
    throttle = new LoginThrottle(clock);
    throttles.set(db, throttle);
  }
  return throttle;
}

const roleSchema = z.enum(Object.keys(ROLES) as [Role, ...Role[]]);

const USER_LABELS = {
  username: 'Utilisateur · Identifiant',
  displayName: 'Utilisateur · Nom affiché',
  role: 'Utilisateur · Profil',
  active: 'Utilisateur · Actif',
};

export const authHandlers: Handlers<
  'auth.login' | 'auth.logout' | 'auth.me' | 'auth.changePassword' | 'users.list' | 'users.save'
> = {
  'auth.login': {
    access: 'public',
    args: z.object({ username: z.string().max(200), password: z.string().max(1000) }),
    async run({ db, clock, session }, { username, password }) {
      const throttle = throttleFor(db, clock);
      const wait = throttle.waitFor(username);
      if (wait > 0) throw invalid({ password: lockoutMessage(wait) }, lockoutMessage(wait));
      const row = await db
        .selectFrom('staff_users')
        .selectAll()
        .where('username', '=', username.trim())
        .executeTakeFirst();
      const valid = (await verifyPassword(password, row?.password_hash ?? (await placeholderHash()))) && row !== undefined;
      if (!row || !valid) {
        throttle.recordFailure(username);
        throw invalid({ password: WRONG_CREDENTIALS }, WRONG_CREDENTIALS);
      }
      if (row.active !== 1) {
        throw invalid(
          { username: 'Ce compte est désactivé : adressez-vous à un administrateur.' },
          'Ce compte est désactivé.',
        );
      }
      throttle.recordSuccess(username);
      const user = { id: row.id, username: row.username, displayName: row.display_name, role: row.role };
      session.user = user;
      return user;
    },
  },

  'auth.logout': {
    access: 'public',
    args: noArgs,
    async run({ session }) {
      session.user = null;
      return null;
    },
  },

  'auth.me': {
    access: 'public',
    args: noArgs,
    async run({ session }) {
      return session.user;
    },
  },

  'auth.changePassword': {
    access: ALL_STAFF,
    args: z.object({ current: z.string().max(1000), next: z.string().max(1000) }),
    async run({ db, clock, user }, { current, next }) {
      const row = await db.selectFrom('staff_users').selectAll().where('id', '=', user.id).executeTakeFirst();
      if (!row) throw notFound('Utilisateur introuvable.');
      if (!(await verifyPassword(current, row.password_hash))) throw invalid({ current: 'Mot de passe actuel incorrect.' });
      if (next.length < PASSWORD_MIN) throw invalid({ next: PASSWORD_TOO_SHORT });
      if (next === current) throw invalid({ next: "Choisissez un mot de passe différent de l'actuel." });
      const nextHash = await hashPassword(next);
      await db.transaction().execute(async (trx) => {
        await trx.updateTable('staff_users').set({ password_hash: nextHash }).where('id', '=', user.id).execute();
        await writeAudit(
          trx,
          { at: clock().toISOString(), userId: user.id, entity: 'staff_user', entityId: user.id, action: 'update' },
          [{ field: 'Utilisateur · Mot de passe', oldValue: null, newValue: 'modifié' }],
        );
      });
      return null;
    },
  },

  'users.list': {
    access: ADMIN_ONLY,
    args: noArgs,
    async run({ db }) {
      const rows = await db.selectFrom('staff_users').selectAll().orderBy('display_name').execute();
      return rows.map(toStaffUser);
    },
  },

  'users.save': {
    access: ADMIN_ONLY,
    args: z.object({
      id: z.number().int().nullable(),
      username: z.string().max(200),
      displayName: z.string().max(200),
      role: roleSchema,
      active: z.boolean(),
      password: z.string().max(1000).nullable(),
    }),
    async run({ db, clock, user }, args) {
      const username = args.username.trim();
      const displayName = args.displayName.trim();
      const errors: Record<string, string> = {};
      if (!/^[\p{L}\d._-]{2,40}$/u.test(username)) {
        errors.username = "L'identifiant compte 2 à 40 lettres, chiffres, points, tirets.";
      }
      if (displayName === '' || displayName.length > 80) errors.displayName = 'Le nom affiché est obligatoire (80 caractères au plus).';
      if (args.id === null && !args.password) errors.password = 'Le mot de passe est obligatoire.';
      if (args.password && args.password.length < PASSWORD_MIN) errors.password = PASSWORD_TOO_SHORT;
      if (args.id === user.id && (!args.active || args.role !== 'admin')) {
        errors.role = "Vous ne pouvez pas retirer vos propres droits d'administrateur.";
      }
      if (Object.keys(errors).length > 0) throw invalid(errors);

      // Hashed before the transaction, so the database is not held while scrypt runs.
      const passwordHash = args.password ? await hashPassword(args.password) : null;
      const at = clock().toISOString();
      const id = await db.transaction().execute(async (trx) => {
        const clash = await trx
          .selectFrom('staff_users')
          .select('id')
          .where('username', '=', username)
          .$if(args.id !== null, (query) => query.where('id', '!=', args.id ?? 0))
          .executeTakeFirst();
        if (clash) throw invalid({ username: 'Cet identifiant est déjà utilisé.' });
        const after = { username, displayName, role: ROLES[args.role], active: args.active };
        if (args.id === null) {
          const created = await trx
            .insertInto('staff_users')
            .values({
              username,
              display_name: displayName,
              role: args.role,
              password_hash: passwordHash ?? '',
              active: args.active ? 1 : 0,
              created_at: at,
            })
            .returning('id')
            .executeTakeFirstOrThrow();
          await writeAudit(
            trx,
            { at, userId: user.id, entity: 'staff_user', entityId: created.id, action: 'create' },
            diffFields(USER_LABELS, null, after),
          );
          return created.id;
        }
        const existing = await trx.selectFrom('staff_users').selectAll().where('id', '=', args.id).executeTakeFirst();
        if (!existing) throw notFound('Utilisateur introuvable.');
        const before = {
          username: existing.username,
          displayName: existing.display_name,
          role: ROLES[existing.role],
          active: existing.active === 1,
        };
        const changes = diffFields(USER_LABELS, before, after);
        if (args.password) changes.push({ field: 'Utilisateur · Mot de passe', oldValue: null, newValue: 'réinitialisé' });
        if (changes.length === 0) return existing.id;
        await trx
          .updateTable('staff_users')
          .set({
            username,
            display_name: displayName,
            role: args.role,
            active: args.active ? 1 : 0,
            ...(passwordHash ? { password_hash: passwordHash } : {}),
          })
          .where('id', '=', existing.id)
          .execute();
        await writeAudit(trx, { at, userId: user.id, entity: 'staff_user', entityId: existing.id, action: 'update' }, changes);
        return existing.id;
      });
      const row = await db.selectFrom('staff_users').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw new ApiFailure({ code: 'internal', message: "L'utilisateur n'a pas pu être enregistré." });
      return toStaffUser(row);
    },
  },
};
