/**
 * Signing of sync calls, the same code at both ends (office client, portal server). WebCrypto only, so it stays free
 * of Node imports: HMAC-SHA256 with the secret shared at pairing over
 * `${timestamp}\n${nonce}\n${method}\n${path}\n${sha256hex(body)}`, followed by `\n${protocol}` when the call says its
 * protocol (the x-grenette-protocol header, protocol 2 on): the header is signed with the rest, so it can be neither
 * changed nor taken away (a call without it is checked as protocol 1 signed it, without the line, and fails).
 */

export const SIGNATURE_HEADERS = {
  timestamp: 'x-grenette-timestamp',
  nonce: 'x-grenette-nonce',
  signature: 'x-grenette-signature',
} as const;

/** How far a call's timestamp may be from the portal's clock, either way. */
export const SIGNATURE_MAX_SKEW_MS = 5 * 60 * 1000;
/** Nonces are kept a little longer than the window, so a replay inside the window is always recognised. */
export const NONCE_RETENTION_MS = 10 * 60 * 1000;

export interface SignedCall {
  method: string;
  /** The path as requested, with its query string if any. */
  path: string;
  body: string;
  /** The protocol the call says in its header; undefined: no header (protocol 1, signed without it). */
  protocol?: number;
}

export interface SignatureHeaders {
  timestamp: string;
  nonce: string;
  signature: string;
}

const encoder = new TextEncoder();

function toHex(bytes: ArrayBuffer): string {
  return Array.from(new Uint8Array(bytes), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

export async function sha256Hex(text: string): Promise<string> {
  return toHex(await globalThis.crypto.subtle.digest('SHA-256', encoder.encode(text)));
}

function canonical(call: SignedCall, timestamp: string, nonce: string, bodyHash: string): string {
  const signed = `${timestamp}\n${nonce}\n${call.method.toUpperCase()}\n${call.path}\n${bodyHash}`;
  return call.protocol === undefined ? signed : `${signed}\n${call.protocol}`;
}

async function hmacKey(secret: string): Promise<CryptoKey> {
  return globalThis.crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
}

function randomNonce(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return toHex(bytes.buffer);
}

/** The three headers of a call made now; nonce and timestamp may be forced (tests of replays and old calls). */
export async function signCall(secret: string, call: SignedCall, now: Date, nonce: string = randomNonce()): Promise<SignatureHeaders> {
  const timestamp = String(now.getTime());
  const key = await hmacKey(secret);
  const mac = await globalThis.crypto.subtle.sign('HMAC', key, encoder.encode(canonical(call, timestamp, nonce, await sha256Hex(call.body))));
  return { timestamp, nonce, signature: toHex(mac) };
}

/** A refusal; `clockSkew` when only the timestamp is out of the window (the caller's clock is off, or the call is old). */
export type VerifyOutcome = { ok: true; nonce: string; timestamp: number } | { ok: false; reason: string; clockSkew?: true };

function fromHex(hex: string): Uint8Array<ArrayBuffer> | null {
  if (!/^(?:[0-9a-f]{2})+$/i.test(hex)) return null;
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i += 1) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

/**
 * Checks the headers of a call against its method, path and body, and its timestamp against the receiver's clock.
 * The nonce is returned for the caller to record: only it can tell a replay. HMAC verify compares in constant time.
 */
export async function verifyCall(
  secret: string,
  call: SignedCall,
  headers: Partial<Record<keyof SignatureHeaders, string | undefined>>,
  now: Date,
): Promise<VerifyOutcome> {
  const { timestamp, nonce, signature } = headers;
  if (!timestamp || !nonce || !signature) return { ok: false, reason: 'Appel non signé : en-têtes de signature manquants.' };
  if (!/^\d{1,16}$/.test(timestamp)) return { ok: false, reason: 'Horodatage de la signature invalide.' };
  if (!/^[A-Za-z0-9_-]{16,128}$/.test(nonce)) return { ok: false, reason: 'Nonce de la signature invalide.' };
  const at = Number(timestamp);
  if (Math.abs(now.getTime() - at) > SIGNATURE_MAX_SKEW_MS) {
    return {
      ok: false,
      reason: 'Horodatage hors délai : les horloges du bureau et du portail diffèrent de plus de 5 minutes, ou l’appel est ancien.',
      clockSkew: true,
    };
  }
  const mac = fromHex(signature);
  if (!mac || mac.length !== 32) return { ok: false, reason: 'Signature invalide.' };
  const key = await hmacKey(secret);
  const valid = await globalThis.crypto.subtle.verify('HMAC', key, mac, encoder.encode(canonical(call, timestamp, nonce, await sha256Hex(call.body))));
  if (!valid) return { ok: false, reason: 'Signature invalide : le secret partagé ne correspond pas ou le contenu a été modifié.' };
  return { ok: true, nonce, timestamp: at };
}
