import { useEffect, useState } from 'react';
import type { Role } from '../../shared/auth/roles.js';
import { api } from '../api/bridge.js';

/**
 * Issuing a month and correcting an invoice are the régisseur's (the office refuses them to anyone else, whatever the
 * window shows): the actions are shown to the régisseur only, so nobody is offered a button that can only fail.
 */
export function canIssueInvoices(role: Role | null | undefined): boolean {
  return role === 'regisseur';
}

/** The session's role, for sections that are not handed the user (the family file's). */
export function useSessionRole(): Role | null {
  const [role, setRole] = useState<Role | null>(null);
  useEffect(() => {
    void api.call('auth.me', {}).then((result) => setRole(result.ok && result.value ? result.value.role : null));
  }, []);
  return role;
}
