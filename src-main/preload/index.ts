/**
 * The only contextBridge script (DESIGN.md): exposes one frozen API object generated from the
 * contract, under `window.softphone`. Nothing else of Electron or Node reaches the page.
 * Built as CommonJS (out/preload/index.cjs): a sandboxed preload cannot load ESM.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { contract } from '../../src-shared/ipc/contract.js';
import { API_GLOBAL_NAME, createClientApi } from '../../src-shared/ipc/client.js';
import type { IpcEnvelope } from '../../src-shared/ipc/errors.js';

const api = createClientApi(contract, {
  invoke: (channel, payload) => ipcRenderer.invoke(channel, payload) as Promise<IpcEnvelope<unknown>>,
  subscribe: (channel, listener) => {
    const handler = (_event: IpcRendererEvent, payload: unknown): void => listener(payload);
    ipcRenderer.on(channel, handler);
    return () => {
      ipcRenderer.removeListener(channel, handler);
    };
  },
});

contextBridge.exposeInMainWorld(API_GLOBAL_NAME, api);
