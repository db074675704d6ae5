export const ROLES = {
  agent: 'Agent d’accueil',
  regisseur: 'Régisseur',
  admin: 'Administrateur',
} as const;
export type Role = keyof typeof ROLES;

/** Children's health data (RGPD art. 9) are for the staff who look after children, not for the régie. */
export function canSeeHealth(role: Role): boolean {
  return role === 'agent' || role === 'admin';
}

export function canManageUsers(role: Role): boolean {
  return role === 'admin';
}

export interface SessionUser {
  id: number;
  username: string;
  displayName: string;
  role: Role;
}
