import type { DataChange } from '../../shared/api/contract.js';
import { maskIban } from '../../shared/validation/bank.js';
import { isSealed, type IbanVault } from '../sepa/iban-vault.js';

/**
 * A family's request to change its IBAN carries the new IBAN: kept in the request's payload sealed like the family's
 * own (src/office/sepa/iban-vault.ts), opened only to check and apply it, and shown masked in the queue and the
 * family's requests. Payloads written before issue #12 (plain IBAN) are read as they are.
 */

const isIban = (change: DataChange) => change.field === 'bank.iban';

/** The payload as stored: the IBAN of a 'bank.iban' change sealed. */
export function sealedPayload(vault: IbanVault, changes: DataChange[]): string {
  return JSON.stringify(changes.map((change) => (isIban(change) && !isSealed(change.newValue) ? { ...change, newValue: vault.seal(change.newValue) } : change)));
}

/** The changes with the new IBAN in clear, for the office's checks and their application. */
export function openedChanges(vault: IbanVault, payload: string | null): DataChange[] {
  const changes = JSON.parse(payload ?? '[]') as DataChange[];
  return changes.map((change) => (isIban(change) && isSealed(change.newValue) ? { ...change, newValue: vault.open(change.newValue) } : change));
}

/** The changes as screens show them: the new IBAN masked (the old one already is: the family saw it masked). */
export function maskedChanges(vault: IbanVault, payload: string | null): DataChange[] {
  return openedChanges(vault, payload).map((change) => (isIban(change) ? { ...change, newValue: maskIban(change.newValue) } : change));
}
