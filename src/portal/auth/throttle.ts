import type { PortalDb } from '../db/open.js';

/**
 * Growing delays after failed attempts at a secret (login, activation), kept so that they slow a guesser down
 * without letting anyone keep a family out:
 *
 * - pair: per (client address, account typed). The guesser's own address slows down; the family, elsewhere, does
 *   not notice. A few free failures (typos), then each one doubles the wait, up to 15 minutes.
 * - account: per account typed, whatever the address, against guessing spread over many addresses; its budget is
 *   larger than the pair's, and a device the account logged in from before (device.ts) is not subject to it, so one
 *   wrong attempt every 15 minutes does not keep a family out of its usual phone or computer. A password reset (proof
 *   of the mailbox) clears it for a new device.
 * - address: per client address, whatever the account, with a budget far above a family's typos, so one school, town
 *   hall wifi or carrier NAT is not locked for every family behind it after a few failures; a known device is not
 *   subject to it either.
 * - device: a known device (its signed cookie) has its own small budget instead of the three above, so a stolen
 *   device cookie does not give unlimited guesses.
 *
 * Unknown addresses go through the same keys as known ones, so the delays say nothing about which addresses exist. A
 * failure older than a day starts the count again.
 */
export const THROTTLE_BUDGETS = {
  pair: { free: 3 },
  account: { free: 10 },
  ip: { free: 100 },
  device: { free: 5 },
} as const;

export type ThrottleScope = keyof typeof THROTTLE_BUDGETS;
export interface ThrottleKey {
  key: string;
  scope: ThrottleScope;
}

const MAX_DELAY_MS = 15 * 60 * 1000;
const FORGET_MS = 24 * 60 * 60 * 1000;

export function delayAfter(failures: number, free: number): number {
  if (failures < free) return 0;
  return Math.min(MAX_DELAY_MS, 1000 * 2 ** Math.min(30, failures - free));
}

export type ThrottleAction = 'login' | 'activation';

export const accountKey = (action: ThrottleAction, email: string): ThrottleKey => ({ key: `${action}:account:${email}`, scope: 'account' });
export const pairKey = (action: ThrottleAction, email: string, ip: string): ThrottleKey => ({ key: `${action}:pair:${ip}:${email}`, scope: 'pair' });
const addressKey = (action: ThrottleAction, ip: string): ThrottleKey => ({ key: `${action}:ip:${ip}`, scope: 'ip' });

/**
 * The counters an attempt is judged by and counts against: its device's alone when it comes from a device the
 * account knows (deviceId), else the pair, the account and the address.
 */
export function throttleKeys(action: ThrottleAction, email: string, ip: string, deviceId: string | null = null): ThrottleKey[] {
  if (deviceId !== null) return [{ key: `${action}:device:${deviceId}`, scope: 'device' }];
  // An activation has no device yet and no other way in: a counter per account would let anyone keep a family from
  // activating with one wrong code every quarter of an hour. Its code (about 59 bits) needs no such counter.
  if (action === 'activation') return [pairKey(action, email, ip), addressKey(action, ip)];
  return [pairKey(action, email, ip), accountKey(action, email), addressKey(action, ip)];
}

/** Milliseconds to wait before another attempt is allowed (0 = allowed now). */
export async function waitBeforeAttempt(db: PortalDb, keys: ThrottleKey[], now: Date): Promise<number> {
  const rows = await db.selectFrom('login_throttle').select(['locked_until']).where('key', 'in', keys.map((k) => k.key)).execute();
  let wait = 0;
  for (const row of rows) {
    if (row.locked_until) wait = Math.max(wait, Date.parse(row.locked_until) - now.getTime());
  }
  return Math.max(0, wait);
}

/**
 * Counts one failure against each key, atomically with any other attempt at once (another process, another
 * connection): the count is raised by one upsert, which holds the row until the transaction commits, and the delay
 * is set from the count it returned. Keys are taken in one order, so two attempts never wait for each other in a cycle.
 */
export async function recordFailure(db: PortalDb, keys: ThrottleKey[], now: Date): Promise<void> {
  const at = now.toISOString();
  const forgottenBefore = new Date(now.getTime() - FORGET_MS).toISOString();
  const ordered = [...keys].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  await db.transaction().execute(async (trx) => {
    for (const { key, scope } of ordered) {
      const counted = await trx
        .insertInto('login_throttle')
        .values({ key, failures: 1, last_failure_at: at, locked_until: null })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet((eb) => ({
            // A failure older than a day is forgotten: the count starts again.
            failures: eb.case().when('login_throttle.last_failure_at', '<', forgottenBefore).then(1).else(eb('login_throttle.failures', '+', 1)).end(),
            last_failure_at: at,
          })),
        )
        .returning('failures')
        .executeTakeFirstOrThrow();
      const delay = delayAfter(counted.failures, THROTTLE_BUDGETS[scope].free);
      const lockedUntil = delay > 0 ? new Date(now.getTime() + delay).toISOString() : null;
      await trx.updateTable('login_throttle').set({ locked_until: lockedUntil }).where('key', '=', key).execute();
    }
  });
}

/**
 * After a success, the counters of this account and device are cleared, never the address's: whoever logs into their
 * own account must not reset the budget of an address they guess other accounts from.
 */
export async function clearFailures(db: PortalDb, keys: ThrottleKey[]): Promise<void> {
  const cleared = keys.filter((k) => k.scope !== 'ip').map((k) => k.key);
  if (cleared.length > 0) await db.deleteFrom('login_throttle').where('key', 'in', cleared).execute();
}

export function waitMessage(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  const minutes = Math.ceil(seconds / 60);
  const text = seconds < 120 ? `${seconds} seconde${seconds > 1 ? 's' : ''}` : `${minutes} minutes`;
  return `Trop de tentatives. Réessayez dans ${text}.`;
}
