// The Electron transport with a stand-in 'electron' module: one handler per API method, calls from
// anything but our window's top frame showing our own page are refused, events reach the window.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Backend as BackendType } from '../../src-main/backend.js';

const handlers = new Map<string, (event: unknown, ...args: unknown[]) => Promise<unknown>>();
vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, fn: (event: unknown, ...args: unknown[]) => Promise<unknown>) =>
      handlers.set(channel, fn),
  },
  app: {},
  session: {},
  BrowserWindow: class {},
}));

const { setupIpc } = await import('../../src-main/ipc.js');
const { rendererUrl } = await import('../../src-main/window.js');
const { Backend } = await import('../../src-main/backend.js');
const { API_METHODS, EVENT_CHANNEL, channelOf } = await import('../../src-main/contract.js');

describe('IPC handlers', () => {
  let userData: string;
  let backend: BackendType;
  const sent: unknown[][] = [];
  const mainFrame = { url: rendererUrl() };
  const webContents = { mainFrame, send: (...args: unknown[]) => sent.push(args) };
  let destroyed = false;
  const win = { webContents, isDestroyed: () => destroyed };

  beforeAll(async () => {
    userData = await mkdtemp(join(tmpdir(), 'catnet-ipc-'));
    backend = await Backend.create({ userData, transport: 'electron' });
    setupIpc(backend, () => win as never);
  });

  afterAll(async () => {
    await backend.dispose();
    await rm(userData, { recursive: true, force: true });
  });

  const call = (method: string, event: unknown, ...args: unknown[]) =>
    handlers.get(channelOf(method as never))!(event, ...args);

  it('registers one handler per API method', () => {
    expect([...handlers.keys()].sort()).toEqual(API_METHODS.map(channelOf).sort());
  });

  it('answers our page in our window', async () => {
    const answer = (await call('engineInfo', { sender: webContents, senderFrame: mainFrame })) as {
      ok: { transport: string };
    };
    expect(answer.ok.transport).toBe('electron');
    const withHash = { url: `${rendererUrl()}#/train` };
    const named = { sender: webContents, senderFrame: withHash };
    webContents.mainFrame = withHash;
    expect(await call('getProject', named)).toHaveProperty('ok');
    webContents.mainFrame = mainFrame;
  });

  it('refuses sub-frames, other pages, other web contents and a closed window', async () => {
    const refused = { error: expect.stringMatching(/refused 'getProject' from an unknown page/) };
    expect(await call('getProject', { sender: webContents, senderFrame: { url: rendererUrl() } })).toEqual(refused);
    const evil = { url: 'https://evil.example/' };
    webContents.mainFrame = evil;
    expect(await call('getProject', { sender: webContents, senderFrame: evil })).toEqual(refused);
    webContents.mainFrame = mainFrame;
    expect(await call('getProject', { sender: {}, senderFrame: mainFrame })).toEqual(refused);
    expect(await call('getProject', { sender: webContents, senderFrame: null })).toEqual(refused);
    destroyed = true;
    expect(await call('getProject', { sender: webContents, senderFrame: mainFrame })).toEqual(refused);
    destroyed = false;
  });

  it('validates arguments like every transport', async () => {
    const answer = await call('listImages', { sender: webContents, senderFrame: mainFrame }, 'nope', 0, 10);
    expect(answer).toEqual({ error: expect.stringMatching(/Invalid arguments to listImages/) });
  });

  it('sends back-end events to the window', async () => {
    await call('setClassNames', { sender: webContents, senderFrame: mainFrame }, ['a', 'b']);
    const last = sent.at(-1) as [string, { type: string; project: { classNames: string[] } }];
    expect(last[0]).toBe(EVENT_CHANNEL);
    expect(last[1].type).toBe('project');
    expect(last[1].project.classNames).toEqual(['a', 'b']);
  });
});
