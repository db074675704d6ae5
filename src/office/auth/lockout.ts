import type { Clock } from '../../shared/clock.js';

/**
 * Slows down password guessing per username: after FREE_ATTEMPTS failures, each further attempt must wait, starting
 * at 30 seconds and doubling, capped at one hour. Kept in memory: restarting the office app is itself a delay.
 */

const FREE_ATTEMPTS = 5;
const FIRST_DELAY_MS = 30_000;
const MAX_DELAY_MS = 60 * 60_000;

interface Failures {
  count: number;
  lastAt: number;
}

export class LoginThrottle {
  private readonly failures = new Map<string, Failures>();

  constructor(private readonly clock: Clock) {}

  /** Milliseconds left before this username may try again (0 when it may). */
  waitFor(username: string): number {
    const entry = this.failures.get(key(username));
    if (!entry || entry.count < FREE_ATTEMPTS) return 0;
    const delay = Math.min(FIRST_DELAY_MS * 2 ** (entry.count - FREE_ATTEMPTS), MAX_DELAY_MS);
    return Math.max(0, entry.lastAt + delay - this.clock().getTime());
  }

  recordFailure(username: string): void {
    const entry = this.failures.get(key(username)) ?? { count: 0, lastAt: 0 };
    this.failures.set(key(username), { count: entry.count + 1, lastAt: this.clock().getTime() });
  }

  recordSuccess(username: string): void {
    this.failures.delete(key(username));
  }
}

function key(username: string): string {
  return username.trim().toLowerCase();
}

/** "Trop de tentatives : réessayez dans 30 secondes." */
export function lockoutMessage(waitMs: number): string {
  const seconds = Math.ceil(waitMs / 1000);
  const when = seconds < 120 ? `${seconds} secondes` : `${Math.ceil(seconds / 60)} minutes`;
  return `Trop de tentatives infructueuses : réessayez dans ${when}.`;
}
