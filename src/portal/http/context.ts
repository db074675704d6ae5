import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Clock } from '../../shared/clock.js';
import type { PortalConfig } from '../config.js';
import type { PortalDb } from '../db/open.js';

/** What every route module receives: the injected database, clock and configuration. */
export interface PortalContext {
  db: PortalDb;
  clock: Clock;
  config: PortalConfig;
  log: FastifyBaseLogger;
  /** Asks the mail sender to deliver the outbox now rather than at its next tick. */
  kickMail(): void;
}

/** A page module registers its routes; server.ts (and pages/index.ts) list them. */
export type PortalModule = (app: FastifyInstance, ctx: PortalContext) => void;

/** A 4xx answered with a French page (the error handler renders it). */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const notFound = (): HttpError => new HttpError(404, 'Page introuvable');
