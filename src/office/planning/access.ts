import type { Role } from '../../shared/auth/roles.js';

/** Configuration (services, calendar) is the administrator's. */
export const ADMIN_ONLY: readonly Role[] = ['admin'];
/** Agents and administrators run the planning; the régie only reads it. */
export const PLANNING_STAFF: readonly Role[] = ['agent', 'admin'];
