import { contextBridge, ipcRenderer } from 'electron';
import { OFFICE_IPC_CHANNEL, type GrenetteBridge } from '../shared/api/contract.js';
import { OFFICE_PROGRESS_CHANNEL, type ProgressListener, type ProgressMessage } from '../shared/api/progress.js';

/*
 * The renderer gets one function and no Electron object: ipcRenderer itself must never cross the bridge. A call that
 * follows its progress carries an id; the main process tags the progress it sends back with it.
 */
const progressListeners = new Map<number, ProgressListener>();
let nextCallId = 1;
let listening = false;

function listenForProgress(): void {
  if (listening) return;
  listening = true;
  ipcRenderer.on(OFFICE_PROGRESS_CHANNEL, (_event, message: ProgressMessage) => {
    progressListeners.get(message.callId)?.({ done: message.done, total: message.total, label: message.label });
  });
}

const bridge = {
  call: (method, args, options) => {
    const onProgress = options?.onProgress;
    if (!onProgress) return ipcRenderer.invoke(OFFICE_IPC_CHANNEL, method, args);
    listenForProgress();
    const callId = nextCallId++;
    progressListeners.set(callId, onProgress);
    return ipcRenderer.invoke(OFFICE_IPC_CHANNEL, method, args, callId).finally(() => progressListeners.delete(callId));
  },
} satisfies GrenetteBridge;

contextBridge.exposeInMainWorld('grenette', bridge);
