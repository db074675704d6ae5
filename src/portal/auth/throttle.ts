import type { PortalDb } from '../db/open.js';

/**
 * Growing delays after failed attempts, per e-mail address and per client address. The first few failures are free
 * (typos), then each one doubles the wait, up to 15 minutes. A failure older than a day starts the count again.
 */
const FREE_FAILURES = { email: 3, ip: 10 } as const;
const MAX_DELAY_MS = 15 * 60 * 1000;
const FORGET_MS = 24 * 60 * 60 * 1000;

export function delayAfter(failures: number, free: number): number {
  if (failures < free) return 0;
  return Math.min(MAX_DELAY_MS, 1000 * 2 ** (failures - free));
}

export type ThrottleScope = 'email' | 'ip';

export function throttleKeys(action: string, email: string, ip: string): Array<{ key: string; scope: ThrottleScope }> {
  return [
    { key: `${action}:email:${email}`, scope: 'email' },
    { key: `${action}:ip:${ip}`, scope: 'ip' },
  ];
}

/** Milliseconds to wait before another attempt is allowed (0 = allowed now). */
export async function waitBeforeAttempt(db: PortalDb, keys: Array<{ key: string }>, now: Date): Promise<number> {
  const rows = await db.selectFrom('login_throttle').select(['locked_until']).where('key', 'in', keys.map((k) => k.key)).execute();
  let wait = 0;
  for (const row of rows) {
    if (row.locked_until) wait = Math.max(wait, Date.parse(row.locked_until) - now.getTime());
  }
  return Math.max(0, wait);
}

export async function recordFailure(db: PortalDb, keys: Array<{ key: string; scope: ThrottleScope }>, now: Date): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const { key, scope } of keys) {
      const row = await trx.selectFrom('login_throttle').selectAll().where('key', '=', key).executeTakeFirst();
      const stale = row ? now.getTime() - Date.parse(row.last_failure_at) > FORGET_MS : true;
      const failures = (row && !stale ? row.failures : 0) + 1;
      const delay = delayAfter(failures, FREE_FAILURES[scope]);
      const values = {
        failures,
        last_failure_at: now.toISOString(),
        locked_until: delay > 0 ? new Date(now.getTime() + delay).toISOString() : null,
      };
      if (row) await trx.updateTable('login_throttle').set(values).where('key', '=', key).execute();
      else await trx.insertInto('login_throttle').values({ key, ...values }).execute();
    }
  });
}

/** After a success only the address's counter is cleared: a valid login must not reset a client's count. */
export async function clearFailures(db: PortalDb, key: string): Promise<void> {
  await db.deleteFrom('login_throttle').where('key', '=', key).execute();
}

export function waitMessage(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  const text = seconds < 120 ? `${seconds} seconde${seconds > 1 ? 's' : ''}` : `${Math.ceil(seconds / 60)} minutes`;
  return `Trop de tentatives. Réessayez dans ${text}.`;
}
