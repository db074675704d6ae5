/**
 * The sync protocol's versions, in one place: which one this code speaks, which ones a portal accepts, how a call
 * says its own, and the French sentences either side shows when the other speaks one it does not.
 *
 * | protocol | since | what changed |
 * |---|---|---|
 * | 1 | the first portal | Calls carry no protocol header. A family publication names a child's photo inline (`{ mime, base64 }`) or, from the photo store (issue #14, shipped as additive), by reference (`{ sha256, mime, size }`) sent apart by /sync/v1/photos/missing and /sync/v1/photos. Every field added later with a default or as optional (invoices, reminders, portalId, …) belongs to it. |
 * | 2 | issue #15 | Every call says its protocol in the signed header `x-grenette-protocol`. A child's photo is by reference only (the inline form is gone); the bodies and answers say `protocol: 2`. Pulled requests, settings, decisions and the photo calls are unchanged. |
 *
 * A portal accepts the current protocol and the previous one (OLDEST_ACCEPTED_PROTOCOL): communes upgrade their
 * office at their own pace, the portal first. A call without the header is protocol 1 (offices deployed before the
 * header send none). What the portal stores from an office keeps the protocol it came in, and is brought to the
 * current shape when read, one pure step per version (upgrade.ts); steps are kept as long as rows of that protocol
 * may be stored, even after the portal stops accepting it over the wire.
 *
 * Changing the contract: a field added as optional or with a default stays in the same protocol; anything else
 * (a field removed, renamed, retyped, made required, an enum value an older office cannot read) is a new protocol with
 * its upgrade step and its committed description (tests/unit/sync-contract.test.ts fails until both exist).
 */

export const SYNC_PROTOCOL = 2;
/** The oldest protocol a portal of this code accepts over the wire: the current one and the one before. */
export const OLDEST_ACCEPTED_PROTOCOL = 1;
/** Every protocol whose payloads a portal may hold stored (and so must upgrade when it reads them). */
export const STORED_PROTOCOLS = [1, 2] as const;
export type SyncProtocol = (typeof STORED_PROTOCOLS)[number];

/** The header saying a call's protocol, signed with the call (signature.ts); absent: protocol 1. */
export const SYNC_PROTOCOL_HEADER = 'x-grenette-protocol';

export function acceptedProtocol(protocol: number): protocol is SyncProtocol {
  return Number.isInteger(protocol) && protocol >= OLDEST_ACCEPTED_PROTOCOL && protocol <= SYNC_PROTOCOL;
}

/**
 * The protocol a call says in its header: absent is 1; null when it is not a number at all (a refusal says so).
 */
export function protocolOfHeader(value: string | undefined): number | null {
  if (value === undefined || value === '') return 1;
  return /^\d{1,4}$/.test(value.trim()) ? Number(value.trim()) : null;
}

function accepted(): string {
  const oldest: number = OLDEST_ACCEPTED_PROTOCOL;
  return oldest === SYNC_PROTOCOL ? `le protocole ${SYNC_PROTOCOL}` : `le protocole ${OLDEST_ACCEPTED_PROTOCOL} ou ${SYNC_PROTOCOL}`;
}

/** The portal's refusal of a call of a protocol it does not accept, shown as it is by the office. */
export function protocolRefusal(protocol: number | null): string {
  if (protocol !== null && protocol > SYNC_PROTOCOL) {
    return `Le portail famille attend ${accepted()} de synchronisation ; ce logiciel du bureau parle le protocole ${protocol}, plus récent : mettez à jour le portail famille.`;
  }
  const spoken = protocol === null ? 'un protocole illisible' : `le protocole ${protocol}`;
  return `Le portail famille attend ${accepted()} de synchronisation ; ce logiciel du bureau parle ${spoken} : mettez à jour le logiciel du bureau.`;
}

/** The office's message when the portal answers in another protocol than its own (a portal not yet updated). */
export function portalProtocolMismatch(portalProtocol: unknown): string {
  const spoken = typeof portalProtocol === 'number' ? `le protocole ${portalProtocol}` : 'un protocole inconnu';
  return typeof portalProtocol === 'number' && portalProtocol > SYNC_PROTOCOL
    ? `Le portail famille parle ${spoken} de synchronisation, ce logiciel du bureau le protocole ${SYNC_PROTOCOL} : mettez à jour le logiciel du bureau.`
    : `Le portail famille parle ${spoken} de synchronisation, ce logiciel du bureau le protocole ${SYNC_PROTOCOL} : mettez à jour le portail famille (le portail se met à jour avant les bureaux).`;
}

/** Added by the office to a portal's refusal of its signature when the portal does not say its protocols (protocol 1). */
export function outdatedPortalHint(): string {
  return `Si le secret est le bon, mettez à jour le portail famille (ce bureau parle le protocole ${SYNC_PROTOCOL}).`;
}
