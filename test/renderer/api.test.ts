// The renderer's API client in browser mode (src-renderer/api.ts) against the real browser-mode server
// in this process, with the few browser globals it uses stood in: token from the URL (then hidden),
// calls with the Bearer token, omitted optional arguments, errors as thrown messages, events.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { Backend } from '../../src-main/backend.js';
import type { CatnetApi } from '../../src-main/contract.js';
import { startWebServer, type WebServer } from '../../src-main/web-server.js';

// Imported by a computed path so the Node-typed test project does not type-check DOM code.
const API_MODULE = '../../src-renderer/api.js';

class FakeEventSource {
  static last: FakeEventSource | null = null;
  onmessage: ((message: { data: string }) => void) | null = null;
  closed = false;
  constructor(readonly url: string) {
    FakeEventSource.last = this;
  }
  close(): void {
    this.closed = true;
  }
}

describe('browser-mode API client', () => {
  let userData: string;
  let rendererDir: string;
  let backend: Backend;
  let server: WebServer;
  const storage = new Map<string, string>();
  const replaced: string[] = [];

  const load = async (href: string, catnet?: unknown): Promise<CatnetApi> => {
    vi.resetModules();
    replaced.length = 0;
    vi.stubGlobal('window', {
      location: { href },
      history: { replaceState: (_s: unknown, _t: string, url: string) => replaced.push(url) },
      ...(catnet ? { catnet } : {}),
    });
    return ((await import(API_MODULE)) as { api: CatnetApi }).api;
  };

  beforeAll(async () => {
    userData = await mkdtemp(join(tmpdir(), 'catnet-api-client-'));
    rendererDir = await mkdtemp(join(tmpdir(), 'catnet-api-renderer-'));
    await writeFile(join(rendererDir, 'index.html'), '<!doctype html>');
    backend = await Backend.create({ userData, transport: 'browser' });
    server = await startWebServer({ backend, rendererDir, port: 0 });
    const realFetch = globalThis.fetch;
    vi.stubGlobal('fetch', (url: string, init?: RequestInit) =>
      realFetch(`http://127.0.0.1:${server.port}${url}`, init),
    );
    vi.stubGlobal('EventSource', FakeEventSource);
    vi.stubGlobal('sessionStorage', {
      getItem: (k: string) => storage.get(k) ?? null,
      setItem: (k: string, v: string) => storage.set(k, v),
    });
  });

  beforeEach(() => storage.clear());

  afterAll(async () => {
    vi.unstubAllGlobals();
    await server.close();
    await backend.dispose();
    await rm(userData, { recursive: true, force: true });
    await rm(rendererDir, { recursive: true, force: true });
  });

  it('takes the token from the URL, hides it from the address bar, and calls the server with it', async () => {
    const api = await load(`http://127.0.0.1:${server.port}/?token=${server.token}#train`);
    expect(replaced).toEqual(['/#train']);
    expect((await api.engineInfo()).transport).toBe('browser');
    // a reload without the token in the URL still works (the tab kept it)
    const again = await load(`http://127.0.0.1:${server.port}/`);
    expect((await again.getProject()).classNames).toHaveLength(2);
  });

  it('drops omitted trailing arguments instead of sending null, and throws the server message', async () => {
    const api = await load(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    await expect(api.addFolder('train-positive', undefined)).rejects.toThrow(/give its full path/);
    await expect(api.listImages('nope' as never, 0, 1)).rejects.toThrow(/Invalid arguments to listImages/);
  });

  it('says the URL needs its token when the server refuses it', async () => {
    const api = await load(`http://127.0.0.1:${server.port}/?token=wrong`);
    await expect(api.getProject()).rejects.toThrow(/\?token=/);
  });

  it('delivers server-sent events to listeners and closes the stream after the last one leaves', async () => {
    const api = await load(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    const got: unknown[] = [];
    const off = api.onEvent((e) => got.push(e));
    const source = FakeEventSource.last!;
    expect(source.url).toBe(`/api/events?token=${server.token}`);
    source.onmessage!({
      data: JSON.stringify({ type: 'train-error', code: 'diverged', message: 'x', keptModel: false }),
    });
    source.onmessage!({ data: 'not json' });
    expect(got).toEqual([{ type: 'train-error', code: 'diverged', message: 'x', keptModel: false }]);
    off();
    expect(source.closed).toBe(true);
  });

  it("uses the preload's window.catnet when Electron exposed it", async () => {
    const bridge = { engineInfo: async () => ({ transport: 'electron' }) };
    const api = await load('file:///app/dist/renderer/index.html', bridge);
    expect(api).toBe(bridge);
  });
});
