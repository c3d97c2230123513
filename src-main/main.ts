// Electron main process: a list of setupX() calls. Everything that computes lives in the back end
// (backend.ts and services/), shared with browser mode; this file only wires Electron to it.

import '../src-core/thread-pool-size.js'; // first: sizes libuv's thread pool before anything uses it
import { existsSync } from 'node:fs';
import { app, type BrowserWindow, dialog } from 'electron';
import { distFile } from '../src-core/paths.js';
import { Backend } from './backend.js';
import { electronDialogs } from './dialogs.js';
import { setupIpc } from './ipc.js';
import { createMainWindow, setupSessionSecurity } from './window.js';

let mainWindow: BrowserWindow | null = null;
const getWindow = (): BrowserWindow | null => mainWindow;

function setupSingleInstance(): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  app.on('second-instance', () => {
    if (mainWindow?.isMinimized()) mainWindow.restore();
    mainWindow?.focus();
  });
  return true;
}

async function setupBackend(): Promise<Backend> {
  const userData = process.env.CATNET_USER_DATA || app.getPath('userData');
  return Backend.create({ userData, transport: 'electron', dialogs: electronDialogs(getWindow) });
}

/** The one window; IPC answers only it (ipc.ts checks the sender against getWindow()). */
function openWindow(): void {
  if (!existsSync(distFile('renderer', 'index.html'))) {
    dialog.showErrorBox(
      'catnet',
      `The UI is not built (${distFile('renderer', 'index.html')} is missing): run \`npm run build\`.`,
    );
    app.exit(1);
    return;
  }
  const win = createMainWindow();
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  mainWindow = win;
}

function setupLifecycle(backend: Backend): void {
  app.on('window-all-closed', () => app.quit());
  app.on('activate', () => {
    if (!mainWindow || mainWindow.isDestroyed()) openWindow();
  });
  let disposed = false;
  app.on('before-quit', (event) => {
    if (disposed) return;
    event.preventDefault();
    disposed = true;
    void backend.dispose().finally(() => app.quit());
  });
}

async function main(): Promise<void> {
  if (process.env.CATNET_USER_DATA) app.setPath('userData', process.env.CATNET_USER_DATA);
  if (!setupSingleInstance()) return;
  await app.whenReady();
  setupSessionSecurity();
  const backend = await setupBackend();
  setupIpc(backend, getWindow);
  setupLifecycle(backend);
  openWindow();
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`catnet could not start: ${message}`);
  // e.g. the user-data folder is locked by browser mode: say so where the user looks
  if (app.isReady()) dialog.showErrorBox('catnet could not start', message);
  app.exit(1);
});
