import { z } from 'zod';
import { fieldErrors } from '../../shared/validation/french.js';
import type { OfficeArgs, OfficeMethod, OfficeValue } from '../../shared/api/contract.js';
import type { Role, SessionUser } from '../../shared/auth/roles.js';
import type { Clock } from '../../shared/clock.js';
import type { ApiError } from '../../shared/result.js';
import type { OfficeDb } from '../db/open.js';
import type { Logger } from '../log.js';

/** What one window (Electron) or one browser tab (dev bridge) holds: who is logged in there. */
export interface OfficeSession {
  user: SessionUser | null;
}

/** How a long handler tells its caller how far it is (done of total, French label); a no-op when nobody listens. */
export type ProgressReporter = (done: number, total: number, label: string) => void;

export interface HandlerContext {
  db: OfficeDb;
  clock: Clock;
  log: Logger;
  session: OfficeSession;
  progress: ProgressReporter;
}

export interface StaffContext extends HandlerContext {
  user: SessionUser;
}

/** 'public' is for logging in; every other handler names the roles allowed to call it. */
/** `args` checks the shape of untrusted arguments coming over IPC or HTTP before `run` sees them. */
export type HandlerDef<M extends OfficeMethod> =
  | { access: 'public'; args: z.ZodType<OfficeArgs<M>>; run(ctx: HandlerContext, args: OfficeArgs<M>): Promise<OfficeValue<M>> }
  | {
      access: readonly Role[];
      /** The French refusal for the other roles when the generic one would not say who may (« Seul le régisseur… »). */
      refusal?: string;
      args: z.ZodType<OfficeArgs<M>>;
      run(ctx: StaffContext, args: OfficeArgs<M>): Promise<OfficeValue<M>>;
    };

export type Handlers<M extends OfficeMethod> = { [K in M]: HandlerDef<K> };

export const ALL_STAFF: readonly Role[] = ['agent', 'regisseur', 'admin'];

/** A refusal meant for the user (bad input, not found, forbidden): returned as a Result error, not logged as a bug. */
export class ApiFailure extends Error {
  constructor(readonly error: ApiError) {
    super(error.message);
    this.name = 'ApiFailure';
  }
}

export function notFound(message: string): ApiFailure {
  return new ApiFailure({ code: 'not_found', message });
}

export function invalid(fields: Record<string, string>, message = 'Certains champs sont à corriger.'): ApiFailure {
  return new ApiFailure({ code: 'validation', message, fields });
}

export { fieldErrors };

/** Parses with a schema or throws the validation failure the form will show. */
export function parseOrFail<S extends z.ZodType>(schema: S, value: unknown, prefix: string[] = []): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalid(fieldErrors(parsed.error, prefix));
  return parsed.data;
}

/** Arguments of methods that take none; extra keys are refused. */
export const noArgs = z.strictObject({}) as unknown as z.ZodType<Record<string, never>>;

/**
 * For arguments whose full check needs the injected clock (no birth date in the future ...): the transport-level
 * schema only checks the outer shape, and the handler parses the rest itself with parseOrFail.
 */
export function checkedInHandler<T>(outer: z.ZodType): z.ZodType<T> {
  return outer as z.ZodType<T>;
}
