import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import type { OfficeMethod } from '../../shared/api/contract.js';
import { api } from './bridge.js';

/**
 * What the logged-in role may ask of the office, as the office itself says (`auth.permissions`, read from the table
 * its core enforces): a button whose call the office would refuse is not shown, so nobody meets « Votre profil ne
 * permet pas cette action ». An empty set while loading: nothing is offered before it is known.
 */
const PermissionsContext = createContext<ReadonlySet<OfficeMethod>>(new Set());

/** Loads the session's permissions once per login; renders `fallback` until they are known. */
export function PermissionsProvider({ userId, fallback, children }: { userId: number; fallback: ReactNode; children: ReactNode }) {
  const [allowed, setAllowed] = useState<{ userId: number; methods: ReadonlySet<OfficeMethod> } | null>(null);
  useEffect(() => {
    let live = true;
    void api.call('auth.permissions', {}).then((result) => {
      // On failure nothing is offered: the calls would fail the same way, and the session's end is handled by the bridge.
      if (live) setAllowed({ userId, methods: new Set(result.ok ? result.value : []) });
    });
    return () => {
      live = false;
    };
  }, [userId]);
  if (!allowed || allowed.userId !== userId) return <>{fallback}</>;
  return <PermissionsContext.Provider value={allowed.methods}>{children}</PermissionsContext.Provider>;
}

/** Whether the session may call `method`: the one test every screen uses before offering an action. */
export function useCan(): (method: OfficeMethod) => boolean {
  const allowed = useContext(PermissionsContext);
  return (method) => allowed.has(method);
}
