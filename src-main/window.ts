// The main window and the session's security policy: isolated, sandboxed renderer without Node; the
// CSP as a response header; no navigation, no new windows, no webviews, no permissions.

import { pathToFileURL } from 'node:url';
import { app, BrowserWindow, session } from 'electron';
import { distFile } from '../src-core/paths.js';
import { CONTENT_SECURITY_POLICY } from './csp.js';

/** The only page catnet's window may show; IPC senders are checked against it. */
export function rendererUrl(): string {
  return pathToFileURL(distFile('renderer', 'index.html')).href;
}

/** Session-wide rules, before any window exists. */
export function setupSessionSecurity(): void {
  const ses = session.defaultSession;
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
        'X-Content-Type-Options': ['nosniff'],
      },
    });
  });
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  // Any web contents (including ones we never meant to create): no navigation, popups or webviews.
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event) => event.preventDefault());
    contents.on('will-redirect', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
}

export function createMainWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 840,
    minWidth: 800,
    minHeight: 560,
    title: 'catnet',
    show: false,
    backgroundColor: '#1b1d22',
    icon: distFile('..', 'assets', 'icon.png'),
    webPreferences: {
      preload: distFile('main', 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  win.webContents.on('will-navigate', (event) => event.preventDefault());
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.once('ready-to-show', () => win.show());
  void win.loadURL(rendererUrl());
  return win;
}
