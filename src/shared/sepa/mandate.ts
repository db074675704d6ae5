import { addDays } from '../calendar/days.js';

/** A mandate's life (migration 0008): printed and waiting for the signature, active, suspended after two rejects, ended. */
export const MANDATE_STATUSES = {
  a_signer: 'À signer',
  actif: 'Actif',
  suspendu: 'Suspendu',
  revoque: 'Révoqué',
  caduc: 'Caduc',
} as const;

export type MandateStatus = keyof typeof MANDATE_STATUSES;

/** Rejects after which a mandate is suspended until the office acts (issue #12); some codes suspend at the first (./suspension.ts). */
export const REJECTS_BEFORE_SUSPENSION = 2;

/** A mandate unused for 36 months lapses (DOMAIN.md). */
export const LAPSE_MONTHS = 36;

/** The day a mandate lapses: 36 months after its last collection, or after its signature when never used. */
export function lapseDay(signedOn: string, lastCollectionOn: string | null): string {
  const from = lastCollectionOn ?? signedOn;
  const year = Number(from.slice(0, 4)) + LAPSE_MONTHS / 12;
  const candidate = `${year}${from.slice(4)}`;
  // 29 February plus three years does not exist: the mandate lapses on 1 March.
  return candidate.endsWith('-02-29') && !isLeap(year) ? addDays(`${year}-02-28`, 1) : candidate;
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** The status as of `today`: an active or suspended mandate past its lapse day is caduc, whatever is stored. */
export function mandateStatusOn(
  stored: MandateStatus,
  signedOn: string | null,
  lastCollectionOn: string | null,
  today: string,
): MandateStatus {
  if ((stored === 'actif' || stored === 'suspendu') && signedOn && today >= lapseDay(signedOn, lastCollectionOn)) return 'caduc';
  return stored;
}
