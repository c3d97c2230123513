// Electron transport: one ipcMain.handle per API method and one event channel to the window.
// Every call is checked to come from our window's top frame showing our own file:// page; arguments
// are validated by the back end (contract.ts schemas). Results cross as { ok } | { error }.

import { type BrowserWindow, type IpcMainInvokeEvent, ipcMain } from 'electron';
import type { Backend } from './backend.js';
import { API_METHODS, type ApiResponse, channelOf, EVENT_CHANNEL } from './contract.js';
import { rendererUrl } from './window.js';

function isOurPage(url: string): boolean {
  const withoutHash = url.split('#')[0]!.split('?')[0]!;
  return withoutHash === rendererUrl();
}

export function isTrustedSender(event: IpcMainInvokeEvent, win: BrowserWindow | null): boolean {
  const frame = event.senderFrame;
  if (!win || win.isDestroyed() || !frame) return false;
  return event.sender === win.webContents && frame === win.webContents.mainFrame && isOurPage(frame.url);
}

export function setupIpc(backend: Backend, getWindow: () => BrowserWindow | null): void {
  for (const method of API_METHODS) {
    ipcMain.handle(channelOf(method), async (event, ...args: unknown[]): Promise<ApiResponse> => {
      if (!isTrustedSender(event, getWindow())) return { error: `catnet refused '${method}' from an unknown page` };
      return backend.call(method, args);
    });
  }
  backend.events.subscribe((appEvent) => {
    const win = getWindow();
    if (win && !win.isDestroyed()) win.webContents.send(EVENT_CHANNEL, appEvent);
  });
}
