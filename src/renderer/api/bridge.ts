import type { GrenetteBridge, OfficeArgs, OfficeMethod, OfficeValue } from '../../shared/api/contract.js';
import type { CallOptions } from '../../shared/api/progress.js';
import type { Result } from '../../shared/result.js';
import { httpBridge } from './http.js';

declare global {
  interface Window {
    /** Exposed by the Electron preload; absent in a normal browser, where the dev bridge is used. */
    grenette?: GrenetteBridge;
  }
}

const transport: GrenetteBridge = window.grenette ?? httpBridge;

/** Listeners told when the office says the session is gone, so the app can show the login screen again. */
const signedOutListeners = new Set<() => void>();
export function onSignedOut(listener: () => void): () => void {
  signedOutListeners.add(listener);
  return () => signedOutListeners.delete(listener);
}

/** Listeners told after every successful call, with its method: what a change elsewhere in the window must follow. */
const doneListeners = new Set<(method: OfficeMethod) => void>();
export function onCallDone(listener: (method: OfficeMethod) => void): () => void {
  doneListeners.add(listener);
  return () => doneListeners.delete(listener);
}

export const api = {
  async call<M extends OfficeMethod>(method: M, args: OfficeArgs<M>, options?: CallOptions): Promise<Result<OfficeValue<M>>> {
    let result: Result<OfficeValue<M>>;
    try {
      result = await transport.call(method, args, options);
    } catch {
      // Never show a stack trace: the user gets a plain French sentence.
      result = { ok: false, error: { code: 'internal', message: 'Une erreur inattendue est survenue. Réessayez.' } };
    }
    if (!result.ok && result.error.code === 'unauthenticated' && method !== 'auth.login') {
      for (const listener of signedOutListeners) listener();
    }
    if (result.ok) for (const listener of doneListeners) listener(method);
    return result;
  },
} satisfies GrenetteBridge;
