import type { OfficeMethod } from '../../shared/api/contract.js';
import { clampProgress, type ProgressListener } from '../../shared/api/progress.js';
import type { Clock } from '../../shared/clock.js';
import { fail, ok, type Result } from '../../shared/result.js';
import type { OfficeDb } from '../db/open.js';
import type { Logger } from '../log.js';
import { ApiFailure, fieldErrors, type HandlerDef, type Handlers, type OfficeSession } from './handler.js';
import { officeHandlers } from './registry.js';

export interface OfficeCore {
  openSession(): OfficeSession;
  /**
   * Runs one API call for a session; never throws: every outcome is a Result the transport can serialise.
   * `onProgress` hears the progress a long handler reports; a listener that throws never breaks the call.
   */
  call(session: OfficeSession, method: string, args: unknown, onProgress?: ProgressListener): Promise<Result<unknown>>;
}

export interface CoreOptions {
  db: OfficeDb;
  clock: Clock;
  log: Logger;
  handlers?: Handlers<OfficeMethod>;
}

export function createOfficeCore({ db, clock, log, handlers = officeHandlers }: CoreOptions): OfficeCore {
  const table = handlers as Record<string, HandlerDef<OfficeMethod> | undefined>;
  return {
    openSession: () => ({ user: null }),
    async call(session, method, args, onProgress) {
      const handler = Object.hasOwn(table, method) ? table[method] : undefined;
      if (!handler) return fail({ code: 'not_found', message: 'Action inconnue.' });
      const user = session.user;
      if (handler.access !== 'public') {
        if (!user) return fail({ code: 'unauthenticated', message: 'Votre session a expiré : reconnectez-vous.' });
        if (!handler.access.includes(user.role)) {
          return fail({ code: 'forbidden', message: handler.refusal ?? 'Votre profil ne permet pas cette action.' });
        }
      }
      const parsed = handler.args.safeParse(args);
      if (!parsed.success) {
        return fail({ code: 'validation', message: 'Certains champs sont à corriger.', fields: fieldErrors(parsed.error) });
      }
      try {
        const progress = (done: number, total: number, label: string) => {
          if (!onProgress) return;
          try {
            onProgress(clampProgress(done, total, label));
          } catch (error) {
            log.error('progress listener failed', { method, error: error instanceof Error ? error.message : String(error) });
          }
        };
        const ctx = { db, clock, log, session, progress };
        if (handler.access === 'public') return ok(await handler.run(ctx, parsed.data));
        if (!user) throw new Error('unreachable: staff handler without user');
        return ok(await handler.run({ ...ctx, user }, parsed.data));
      } catch (error) {
        if (error instanceof ApiFailure) return fail(error.error);
        log.error('office call failed', {
          method,
          user: user?.username,
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        });
        return fail({ code: 'internal', message: "Une erreur inattendue s'est produite. Elle a été enregistrée ; réessayez." });
      }
    },
  };
}
