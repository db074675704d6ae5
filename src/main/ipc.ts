import { ipcMain } from 'electron';
import type { OfficeCore } from '../office/api/core.js';
import type { Logger } from '../office/log.js';
import { OFFICE_IPC_CHANNEL } from '../shared/api/contract.js';
import { OFFICE_PROGRESS_CHANNEL, type ProgressListener, type ProgressMessage } from '../shared/api/progress.js';
import { fail } from '../shared/result.js';
import { OfficeSessions } from './office-sessions.js';
import { isTrustedSender } from './security/url-policy.js';

/**
 * The one IPC channel: the preload's window.grenette.call lands here. The sender frame is checked on every call
 * (checklist: validate the sender of all IPC messages); each renderer gets its own OfficeSession. A call that carries
 * the preload's call id gets its progress sent back to that renderer only, tagged with the id.
 */
export function handleOfficeCalls(core: OfficeCore, log: Logger): void {
  const sessions = new OfficeSessions(() => core.openSession());
  const watched = new Set<number>();
  ipcMain.handle(OFFICE_IPC_CHANNEL, async (event, method: unknown, args: unknown, callId: unknown) => {
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
    const onProgress: ProgressListener | undefined = Number.isSafeInteger(callId)
      ? (progress) => {
          // The window may close while a long call runs: the call ends, nobody is told.
          if (contents.isDestroyed()) return;
          contents.send(OFFICE_PROGRESS_CHANNEL, { callId: callId as number, ...progress } satisfies ProgressMessage);
        }
      : undefined;
    return core.call(sessions.for(ownerId), method, args, onProgress);
  });
}
