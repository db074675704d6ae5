import { ipcMain } from 'electron';
import type { OfficeCore } from '../office/api/core.js';
import type { Logger } from '../office/log.js';
import { OFFICE_IPC_CHANNEL } from '../shared/api/contract.js';
import { fail } from '../shared/result.js';
import { OfficeSessions } from './office-sessions.js';
import { isTrustedSender } from './security/url-policy.js';

/**
 * The one IPC channel: the preload's window.grenette.call lands here. The sender frame is checked on every call
 * (checklist: validate the sender of all IPC messages); each renderer gets its own OfficeSession.
 */
export function handleOfficeCalls(core: OfficeCore, log: Logger): void {
  const sessions = new OfficeSessions(() => core.openSession());
  const watched = new Set<number>();
  ipcMain.handle(OFFICE_IPC_CHANNEL, async (event, method: unknown, args: unknown) => {
    const frame = event.senderFrame;
    const trusted = isTrustedSender({ url: frame?.url, isMainFrame: frame !== null && frame === event.sender.mainFrame });
    if (!trusted) {
      log.error('IPC call refused: untrusted sender', { url: frame?.url, method: String(method) });
      return fail({ code: 'forbidden', message: 'Appel refusé.' });
    }
    if (typeof method !== 'string') return fail({ code: 'not_found', message: 'Action inconnue.' });
    const contents = event.sender;
    const ownerId = contents.id;
    if (!watched.has(ownerId)) {
      watched.add(ownerId);
      contents.once('destroyed', () => {
        sessions.drop(ownerId);
        watched.delete(ownerId);
      });
    }
    return core.call(sessions.for(ownerId), method, args);
  });
}
