import { useEffect, useSyncExternalStore } from 'react';
import type { SyncStatus } from '../../shared/api/contract.js';
import { formatInstantLongFr } from '../../shared/calendar/format.js';
import { api, onCallDone } from '../api/bridge.js';
import { officeNow } from '../lib/today.js';

/**
 * One copy of the portal sync status for the whole window: the top bar and the Paramètres tab show the same thing,
 * and a run started from one refreshes the other.
 */

export const REFRESH_MS = 30_000;

interface SyncState {
  status: SyncStatus | null;
  /** Why the status itself could not be read (the office, not the portal). */
  loadError: string | null;
  running: boolean;
  /** The outcome of the last run started here, for the live region next to the button. */
  outcome: string | null;
}

let state: SyncState = { status: null, loadError: null, running: false, outcome: null };
const listeners = new Set<() => void>();

function update(patch: Partial<SyncState>): void {
  state = { ...state, ...patch };
  for (const listener of listeners) listener();
}

/**
 * Any call may mark families for publication (a closure saved in Paramètres may queue hundreds, an issued invoice run
 * thousands): the top bar's « en attente » is read again shortly after every call rather than at the next 30-second
 * refresh, once for a burst of calls. No list of « publishing » methods to keep in step with the office.
 */
const REFRESH_AFTER_CALLS_MS = 400;
let refreshTimer: ReturnType<typeof setTimeout> | null = null;

onCallDone((method) => {
  if (method === 'sync.status' || method === 'sync.now' || !state.status?.configured) return;
  if (refreshTimer !== null) clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => {
    refreshTimer = null;
    void refreshSyncStatus();
  }, REFRESH_AFTER_CALLS_MS);
});

export function publishSyncStatus(status: SyncStatus): void {
  update({ status, loadError: null });
}

export async function refreshSyncStatus(): Promise<void> {
  const result = await api.call('sync.status', {});
  if (result.ok) update({ status: result.value, loadError: null });
  else update({ loadError: result.error.message });
}

export async function syncNow(): Promise<void> {
  if (state.running) return;
  update({ running: true, outcome: null });
  const result = await api.call('sync.now', {});
  if (result.ok) {
    update({
      running: false,
      status: result.value,
      outcome: result.value.lastError ? 'La synchronisation a échoué.' : 'Synchronisation terminée.',
    });
  } else {
    update({ running: false, outcome: result.error.message });
    void refreshSyncStatus();
  }
}

/** Subscribes to the shared status; `poll` makes this component the one that refreshes it every 30 s. */
export function useSyncStatus(poll = false): SyncState {
  const current = useSyncExternalStore(subscribe, snapshot);
  useEffect(() => {
    void refreshSyncStatus();
    const timer = poll ? window.setInterval(() => void refreshSyncStatus(), REFRESH_MS) : undefined;
    return () => {
      if (timer !== undefined) window.clearInterval(timer);
    };
  }, [poll]);
  return current;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function snapshot(): SyncState {
  return state;
}

/** "à l'instant", "il y a 2 min", "il y a 3 h", then the date. */
export function sinceText(iso: string, now: number = officeNow().getTime()): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return iso;
  const minutes = Math.floor((now - at) / 60_000);
  if (minutes < 1) return 'à l’instant';
  if (minutes < 60) return `il y a ${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `il y a ${hours} h`;
  return `le ${instantFr(iso)}`;
}

/** "samedi 28 novembre 2026 à 15h13", in the office's time. */
export const instantFr = formatInstantLongFr;

/** The one-line state shown in the top bar. */
export function headline(status: SyncStatus, now: number = officeNow().getTime()): { text: string; tone: 'ok' | 'idle' | 'error' } {
  if (!status.configured) return { text: 'Portail : non configuré', tone: 'idle' };
  if (status.lastError) return { text: `Portail : erreur — ${status.lastError}`, tone: 'error' };
  if (status.lastSuccessAt) return { text: `Portail : synchronisé ${sinceText(status.lastSuccessAt, now)}`, tone: 'ok' };
  return { text: 'Portail : non synchronisé', tone: 'idle' };
}

export function waitingText(status: SyncStatus): string {
  const count = status.pendingPublications;
  if (count === 0) return 'aucune publication en attente';
  return count === 1 ? '1 publication en attente d’envoi' : `${count} publications en attente d’envoi`;
}
