import type { GrenetteBridge, OfficeArgs, OfficeMethod, OfficeValue } from '../../shared/api/contract.js';
import type { Result } from '../../shared/result.js';

/** The dev bridge transport (tests and development in a normal browser), see the dev bridge protocol. */

const TOKEN_KEY = 'grenette.token';
const SESSION_KEY = 'grenette.session';

/** Moves `#token=...` from the address into sessionStorage, so it neither stays visible nor ends up in history. */
export function captureBridgeToken(): void {
  const match = /(?:^#|&)token=([^&]+)/.exec(window.location.hash);
  if (match?.[1]) {
    sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]));
    window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}#/`);
  }
  if (!sessionStorage.getItem(SESSION_KEY)) sessionStorage.setItem(SESSION_KEY, crypto.randomUUID());
}

function failure(message: string): Result<never> {
  return { ok: false, error: { code: 'internal', message } };
}

export const httpBridge = {
  async call<M extends OfficeMethod>(method: M, args: OfficeArgs<M>): Promise<Result<OfficeValue<M>>> {
    let response: Response;
    try {
      response = await fetch('/api/call', {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${sessionStorage.getItem(TOKEN_KEY) ?? ''}`,
          'X-Grenette-Session': sessionStorage.getItem(SESSION_KEY) ?? '',
          'Content-Type': 'application/json',
        },
        body: JSON.stringify({ method, args }),
      });
    } catch {
      return failure('Le serveur Grenette ne répond pas. Vérifiez qu’il est lancé, puis réessayez.');
    }
    if (response.status === 401) {
      return { ok: false, error: { code: 'unauthenticated', message: 'Accès refusé : rouvrez Grenette avec le lien fourni au démarrage.' } };
    }
    if (response.status === 413) return failure('Le fichier envoyé est trop volumineux.');
    if (!response.ok) return failure(`Le serveur a répondu par une erreur (${response.status}). Réessayez.`);
    try {
      return (await response.json()) as Result<OfficeValue<M>>;
    } catch {
      return failure('Réponse du serveur illisible. Réessayez.');
    }
  },
} satisfies GrenetteBridge;
