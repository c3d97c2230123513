// The bridge the sandboxed renderer sees as `window.catnet`: one named function per API method
// (contract.ts), an event subscription, and the path of a dropped file. ipcRenderer itself is never
// exposed, and event listeners get the AppEvent only (not the IPC event, which holds the sender).
// Bundled to CommonJS with its dependencies: a sandboxed preload can require only 'electron'. It
// imports values from channels.ts only (contract.ts for types), so zod stays out of the bundle.

import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { API_METHOD_NAMES, channelOf, EVENT_CHANNEL } from './channels.js';
import type { ApiResponse, AppEvent } from './contract.js';

function unwrap(response: ApiResponse): unknown {
  if (response && typeof response === 'object' && 'error' in response) throw new Error(response.error);
  return response.ok;
}

const api: Record<string, unknown> = {};
for (const method of API_METHOD_NAMES) {
  api[method] = async (...args: unknown[]) => unwrap(await ipcRenderer.invoke(channelOf(method), ...args));
}
api.onEvent = (listener: (event: AppEvent) => void): (() => void) => {
  const forward = (_event: unknown, appEvent: AppEvent) => listener(appEvent);
  ipcRenderer.on(EVENT_CHANNEL, forward);
  return () => {
    ipcRenderer.removeListener(EVENT_CHANNEL, forward);
  };
};
api.pathForFile = (file: File): string => webUtils.getPathForFile(file);

contextBridge.exposeInMainWorld('catnet', api);
