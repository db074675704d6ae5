import type { GrenetteBridge, OfficeArgs, OfficeMethod, OfficeValue } from '../../shared/api/contract.js';
import { PROGRESS_STREAM_TYPE, readStreamLines, type CallOptions, type ProgressListener } from '../../shared/api/progress.js';
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

const UNREADABLE = 'Réponse du serveur illisible. Réessayez.';

/** Reads the bridge's progress stream: each progress line to the listener as it arrives, then the Result line. */
export async function readProgressStream<T>(response: Response, onProgress: ProgressListener): Promise<Result<T>> {
  if (!response.body) return failure(UNREADABLE);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let pending = '';
  let result: Result<T> | undefined;
  for (;;) {
    const { value, done } = await reader.read();
    const { lines, rest } = readStreamLines<Result<T>>(pending, done ? '\n' : value);
    pending = rest;
    for (const line of lines) {
      if ('progress' in line) onProgress(line.progress);
      else result = line.result;
    }
    if (done) break;
  }
  return result ?? failure(UNREADABLE);
}

export const httpBridge = {
  async call<M extends OfficeMethod>(method: M, args: OfficeArgs<M>, options?: CallOptions): Promise<Result<OfficeValue<M>>> {
    const onProgress = options?.onProgress;
    let response: Response;
    try {
      response = await fetch('/api/call', {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${sessionStorage.getItem(TOKEN_KEY) ?? ''}`,
          'X-Grenette-Session': sessionStorage.getItem(SESSION_KEY) ?? '',
          'Content-Type': 'application/json',
          // Only a caller that shows progress asks for the stream; the others get the one JSON Result.
          ...(onProgress ? { Accept: PROGRESS_STREAM_TYPE } : {}),
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
      if (onProgress) return await readProgressStream<OfficeValue<M>>(response, onProgress);
      return (await response.json()) as Result<OfficeValue<M>>;
    } catch {
      return failure(UNREADABLE);
    }
  },
} satisfies GrenetteBridge;
