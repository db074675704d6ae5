import type { StaffUser } from '../../shared/api/contract.js';
import type { Role } from '../../shared/auth/roles.js';
import type { Clock } from '../../shared/clock.js';
import type { OfficeDb } from '../db/open.js';
import type { StaffUserRow } from '../db/schema.js';
import { hashPassword } from '../../crypto/password.js';

export interface NewStaffUser {
  username: string;
  displayName: string;
  role: Role;
  password: string;
}

/** Creates a staff account (setup, demo data, tests); the users.save handler adds the audit and the admin check. */
export async function createStaffUser(db: OfficeDb, input: NewStaffUser, clock: Clock): Promise<number> {
  const row = await db
    .insertInto('staff_users')
    .values({
      username: input.username.trim(),
      display_name: input.displayName.trim(),
      role: input.role,
      password_hash: await hashPassword(input.password),
      active: 1,
      created_at: clock().toISOString(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export function toStaffUser(row: Pick<StaffUserRow, 'id' | 'username' | 'display_name' | 'role' | 'active'>): StaffUser {
  return { id: row.id, username: row.username, displayName: row.display_name, role: row.role, active: row.active === 1 };
}
