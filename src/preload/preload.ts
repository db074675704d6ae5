import { contextBridge, ipcRenderer } from 'electron';
import { OFFICE_IPC_CHANNEL, type GrenetteBridge } from '../shared/api/contract.js';

// The renderer gets one function and no Electron object: ipcRenderer itself must never cross the bridge.
const bridge = {
  call: (method, args) => ipcRenderer.invoke(OFFICE_IPC_CHANNEL, method, args),
} satisfies GrenetteBridge;

contextBridge.exposeInMainWorld('grenette', bridge);
