// The Electron security settings, checked without an Electron binary through a stand-in 'electron'
// module that records what window.ts asks for: the window's web preferences (isolation, sandbox, no
// Node, web security), the CSP header on every response, permission requests and checks denied,
// navigation, redirects, webviews and window.open refused for every web contents, and the renderer's
// meta CSP equal to the header. (The real-binary version is test/security/electron.test.ts.)

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { refusingTrainer } from '../helpers/backend.js';
import '../helpers/fuzz-seed.js';

type Listener = (...args: unknown[]) => void;

const recorded = {
  windows: [] as { options: Record<string, unknown>; contents: FakeContents }[],
  headersHook: null as null | ((details: unknown, cb: (r: unknown) => void) => void),
  permissionRequest: null as
    | null
    | ((wc: unknown, permission: string, cb: (allow: boolean) => void, d?: unknown) => void),
  permissionCheck: null as null | ((wc: unknown, permission: string) => boolean),
  appListeners: new Map<string, Listener>(),
};

class FakeContents {
  listeners = new Map<string, Listener[]>();
  openHandler: ((d: { url: string }) => { action: string }) | null = null;
  on(name: string, fn: Listener) {
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), fn]);
    return this;
  }
  setWindowOpenHandler(fn: (d: { url: string }) => { action: string }) {
    this.openHandler = fn;
  }
  /** Emits `name` with a fresh event; true when some listener called preventDefault. */
  emitPreventable(name: string, ...args: unknown[]): boolean {
    let prevented = false;
    const event = { preventDefault: () => (prevented = true) };
    for (const fn of this.listeners.get(name) ?? []) fn(event, ...args);
    return prevented;
  }
}

const ipcHandlers = new Map<string, (event: unknown, ...args: unknown[]) => Promise<unknown>>();

vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, fn: (event: unknown, ...args: unknown[]) => Promise<unknown>) =>
      ipcHandlers.set(channel, fn),
  },
  app: { on: (name: string, fn: Listener) => recorded.appListeners.set(name, fn) },
  session: {
    defaultSession: {
      webRequest: { onHeadersReceived: (fn: typeof recorded.headersHook) => (recorded.headersHook = fn) },
      setPermissionRequestHandler: (fn: typeof recorded.permissionRequest) => (recorded.permissionRequest = fn),
      setPermissionCheckHandler: (fn: typeof recorded.permissionCheck) => (recorded.permissionCheck = fn),
    },
  },
  BrowserWindow: class {
    webContents = new FakeContents();
    constructor(options: Record<string, unknown>) {
      recorded.windows.push({ options, contents: this.webContents });
    }
    once() {}
    show() {}
    loadURL() {
      return Promise.resolve();
    }
  },
}));

const { createMainWindow, setupSessionSecurity, rendererUrl } = await import('../../src-main/window.js');
const { CONTENT_SECURITY_POLICY } = await import('../../src-main/csp.js');
const { setupIpc } = await import('../../src-main/ipc.js');
const { Backend } = await import('../../src-main/backend.js');
const { API_METHODS, channelOf } = await import('../../src-main/contract.js');

const PERMISSIONS = [
  'clipboard-read',
  'clipboard-sanitized-write',
  'display-capture',
  'fullscreen',
  'geolocation',
  'idle-detection',
  'media',
  'mediaKeySystem',
  'midi',
  'midiSysex',
  'notifications',
  'pointerLock',
  'keyboardLock',
  'openExternal',
  'speaker-selection',
  'storage-access',
  'top-level-storage-access',
  'window-management',
  'unknown',
  'fileSystem',
  'hid',
  'serial',
  'usb',
];

const urls = fc.oneof(
  fc.webUrl(),
  fc.constantFrom('file:///etc/passwd', 'javascript:alert(1)', 'data:text/html,<script>1</script>', 'about:blank'),
);

describe('Electron security policy (stand-in electron module)', () => {
  it('the window: isolated, sandboxed, no Node, web security on, no webviews, our preload', () => {
    createMainWindow();
    const prefs = recorded.windows.at(-1)!.options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(prefs.nodeIntegrationInSubFrames).not.toBe(true);
    expect(prefs.experimentalFeatures).not.toBe(true);
    expect(String(prefs.preload)).toMatch(/dist[\\/]main[\\/]preload\.cjs$/);
    expect(rendererUrl()).toMatch(/^file:\/\/.*dist\/renderer\/index\.html$/);
  });

  it('the window refuses every navigation and every window.open', () => {
    const contents = recorded.windows.at(-1)!.contents;
    fc.assert(
      fc.property(urls, (url) => {
        expect(contents.emitPreventable('will-navigate', url)).toBe(true);
        expect(contents.openHandler!({ url })).toEqual({ action: 'deny' });
      }),
    );
  });

  it('the session: CSP and nosniff on every response, even over a CSP the response brought', () => {
    setupSessionSecurity();
    let out: { responseHeaders: Record<string, string[]> } | undefined;
    recorded.headersHook!(
      { responseHeaders: { 'Content-Security-Policy': ["script-src * 'unsafe-inline'"], Other: ['x'] } },
      (r) => {
        out = r as typeof out;
      },
    );
    expect(out!.responseHeaders['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY]);
    expect(out!.responseHeaders['X-Content-Type-Options']).toEqual(['nosniff']);
    expect(out!.responseHeaders.Other).toEqual(['x']);
  });

  it('the session: every permission request and check is denied', () => {
    for (const permission of PERMISSIONS) {
      let answer: boolean | undefined;
      recorded.permissionRequest!({}, permission, (allow) => {
        answer = allow;
      });
      expect(answer, permission).toBe(false);
      expect(recorded.permissionCheck!({}, permission), permission).toBe(false);
    }
  });

  it('any web contents created later: navigation, redirects, webviews and popups refused', () => {
    const created = recorded.appListeners.get('web-contents-created')!;
    const contents = new FakeContents();
    created({}, contents);
    fc.assert(
      fc.property(urls, (url) => {
        expect(contents.emitPreventable('will-navigate', url)).toBe(true);
        expect(contents.emitPreventable('will-redirect', url)).toBe(true);
        expect(contents.emitPreventable('will-attach-webview', {}, { src: url })).toBe(true);
        expect(contents.openHandler!({ url })).toEqual({ action: 'deny' });
      }),
      { numRuns: 50 },
    );
  });

  it("the CSP allows no inline script, eval, plugins or foreign origins, and index.html's meta tag repeats it", () => {
    const directives = new Map(
      CONTENT_SECURITY_POLICY.split(';').map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name!, values];
      }),
    );
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    for (const [name, values] of directives) {
      expect(values, name).not.toContain('*');
      expect(values, name).not.toContain("'unsafe-eval'");
      if (name !== 'style-src') expect(values, name).not.toContain("'unsafe-inline'");
    }
    const html = readFileSync('src-renderer/index.html', 'utf8');
    const meta = html.match(/http-equiv="Content-Security-Policy"\s+content="([^"]+)"/)?.[1];
    expect(meta).toBe(CONTENT_SECURITY_POLICY);
  });
});

describe('IPC handlers against random senders and payloads (stand-in electron module)', () => {
  it('only our top frame on our page is served; every answer is { ok } or { error }; random args never throw', async () => {
    const userData = mkdtempSync(join(tmpdir(), 'catnet-ipcfuzz-'));
    const backend = await Backend.create({
      userData,
      transport: 'electron',
      startTrainer: refusingTrainer,
    });
    const mainFrame = { url: rendererUrl() };
    const webContents = { mainFrame, send: () => undefined };
    const win = { webContents, isDestroyed: () => false };
    setupIpc(backend, () => win as never);
    const served = { trusted: 0, refused: 0 };
    try {
      const sender = fc.constantFrom<unknown>(webContents, {}, null, undefined, { mainFrame });
      const frame = fc.oneof(
        fc.constant<unknown>(mainFrame),
        fc.constantFrom<unknown>(null, undefined, {}),
        urls.map((url) => ({ url })),
        fc.constant({ url: `${rendererUrl()}/../../../etc/passwd` }),
        fc.constant({ url: rendererUrl().replace('index.html', 'other.html') }),
      );
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...API_METHODS),
          sender,
          frame,
          fc.array(fc.anything({ maxDepth: 3 }), { maxLength: 3 }),
          async (method, s, f, args) => {
            const trusted = s === webContents && f === mainFrame;
            const answer = (await ipcHandlers.get(channelOf(method))!(
              { sender: s, senderFrame: f },
              ...args,
            )) as Record<string, unknown>;
            expect(Object.keys(answer)).toHaveLength(1);
            if (!trusted) {
              expect(answer).toEqual({ error: `catnet refused '${method}' from an unknown page` });
              served.refused++;
            } else {
              expect('ok' in answer || typeof answer.error === 'string').toBe(true);
              served.trusted++;
            }
          },
        ),
        { numRuns: Number(process.env.CATNET_FUZZ_RUNS ?? 150) * 2 },
      );
      expect(served.trusted).toBeGreaterThan(0);
      expect(served.refused).toBeGreaterThan(0);
    } finally {
      await backend.dispose();
      rmSync(userData, { recursive: true, force: true });
    }
  });
});
