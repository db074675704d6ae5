import { createHmac, randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { portalCookieName, type PortalConfig } from '../config.js';
import { sameToken } from './tokens.js';
import { secureCookies } from './sessions.js';

/**
 * A device cookie: the proof that this browser logged into an account before. It is set after each successful login
 * or activation, signed with the portal's secret (HMAC-SHA256 over the account id and a random device id), and only
 * counts for the account it names. With it, a login is judged by the device's own failure counter instead of the
 * address's and the account's (throttle.ts): a family keeps logging in from its phone while someone guesses its
 * password elsewhere, or from behind a NAT shared with a guesser. One browser can hold the proofs of a few accounts
 * (two parents on one computer). It proves nothing alone: the password is still checked.
 *
 * GRENETTE_PORTAL_COOKIE_SECRET must be set for the proofs to outlive a restart (random per process otherwise).
 */
const MAX_ACCOUNTS = 4;
const MAX_AGE_SECONDS = 400 * 24 * 60 * 60;
const VERSION = 'd1';

export function deviceCookieName(config: PortalConfig): string {
  return portalCookieName(config, 'device');
}

interface DeviceProof {
  accountId: number;
  deviceId: string;
}

function signature(config: PortalConfig, accountId: number, deviceId: string): string {
  return createHmac('sha256', config.cookieSecret).update(`grenette-device:${VERSION}:${accountId}:${deviceId}`).digest('base64url');
}

function readProofs(request: FastifyRequest, config: PortalConfig): DeviceProof[] {
  const value = request.cookies[deviceCookieName(config)];
  if (!value || value.length > 1000) return [];
  const proofs: DeviceProof[] = [];
  for (const entry of value.split('~').slice(0, MAX_ACCOUNTS)) {
    const [version, account, deviceId, mac, ...rest] = entry.split('.');
    if (version !== VERSION || rest.length > 0 || !account || !/^\d{1,12}$/.test(account) || !deviceId || !/^[A-Za-z0-9_-]{16,64}$/.test(deviceId) || !mac) continue;
    const accountId = Number(account);
    if (sameToken(mac, signature(config, accountId, deviceId))) proofs.push({ accountId, deviceId });
  }
  return proofs;
}

/** The device id this browser proves for the account, or null (no cookie, a forged one, another account's). */
export function knownDevice(request: FastifyRequest, config: PortalConfig, accountId: number | undefined): string | null {
  if (accountId === undefined) return null;
  return readProofs(request, config).find((proof) => proof.accountId === accountId)?.deviceId ?? null;
}

/** Adds (or renews) this account's proof to the browser's device cookie, keeping the most recent few accounts. */
export function rememberDevice(request: FastifyRequest, reply: FastifyReply, config: PortalConfig, accountId: number): void {
  const proofs = readProofs(request, config);
  const deviceId = proofs.find((proof) => proof.accountId === accountId)?.deviceId ?? randomBytes(18).toString('base64url');
  const kept = [{ accountId, deviceId }, ...proofs.filter((proof) => proof.accountId !== accountId)].slice(0, MAX_ACCOUNTS);
  const value = kept.map((proof) => [VERSION, proof.accountId, proof.deviceId, signature(config, proof.accountId, proof.deviceId)].join('.')).join('~');
  reply.setCookie(deviceCookieName(config), value, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: secureCookies(config),
    maxAge: MAX_AGE_SECONDS,
  });
}
