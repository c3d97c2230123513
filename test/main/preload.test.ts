// The built preload (dist/main/preload.cjs) in a stand-in for Electron's sandboxed preload context:
// it may require nothing but 'electron', exposes one function per API method plus onEvent and
// pathForFile (never ipcRenderer), calls the right channels, unwraps { ok } / { error }, and hands
// listeners the AppEvent only.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { API_METHODS, channelOf, EVENT_CHANNEL } from '../../src-main/contract.js';

interface Exposed {
  [name: string]: (...args: unknown[]) => unknown;
}

function loadPreload() {
  const invoked: { channel: string; args: unknown[] }[] = [];
  const listeners = new Map<string, (...args: unknown[]) => void>();
  const required: string[] = [];
  let exposed: { key: string; api: Exposed } | null = null;
  const responses = new Map<string, unknown>();
  const electron = {
    contextBridge: {
      exposeInMainWorld: (key: string, api: Exposed) => {
        exposed = { key, api };
      },
    },
    ipcRenderer: {
      invoke: async (channel: string, ...args: unknown[]) => {
        invoked.push({ channel, args });
        return responses.get(channel) ?? { ok: null };
      },
      on: (channel: string, listener: (...args: unknown[]) => void) => listeners.set(channel, listener),
      removeListener: (channel: string) => listeners.delete(channel),
    },
    webUtils: { getPathForFile: (file: { name: string }) => `/dropped/${file.name}` },
  };
  const module = { exports: {} };
  const code = readFileSync(join('dist', 'main', 'preload.cjs'), 'utf8');
  runInNewContext(code, {
    module,
    exports: module.exports,
    require: (name: string) => {
      required.push(name);
      if (name !== 'electron') throw new Error(`a sandboxed preload cannot require '${name}'`);
      return electron;
    },
    console,
  });
  return { exposed: exposed as unknown as { key: string; api: Exposed }, invoked, listeners, required, responses };
}

describe('preload bridge (built bundle)', () => {
  it('is small: only the method names, no schema library (parsed in every window before the page)', () => {
    const code = readFileSync(join('dist', 'main', 'preload.cjs'), 'utf8');
    expect(code.length).toBeLessThan(16 * 1024);
    expect(code).not.toMatch(/zod|ZodError/);
  });

  it("requires only 'electron' and exposes exactly the named API as window.catnet", () => {
    const { exposed, required } = loadPreload();
    expect([...new Set(required)]).toEqual(['electron']);
    expect(exposed.key).toBe('catnet');
    expect(Object.keys(exposed.api).sort()).toEqual([...API_METHODS, 'onEvent', 'pathForFile'].sort());
    for (const value of Object.values(exposed.api)) expect(typeof value).toBe('function');
  });

  it('invokes each method on its channel with its arguments and unwraps the result or the error', async () => {
    const { exposed, invoked, responses } = loadPreload();
    for (const method of API_METHODS) {
      responses.set(channelOf(method), { ok: `result of ${method}` });
      expect(await exposed.api[method]!('a', 1)).toBe(`result of ${method}`);
      expect(invoked.at(-1)).toEqual({ channel: channelOf(method), args: ['a', 1] });
    }
    responses.set(channelOf('listImages'), { error: 'Invalid arguments to listImages: 0: bad role' });
    await expect(exposed.api.listImages!('x', 0, 10)).rejects.toThrow('Invalid arguments to listImages: 0: bad role');
  });

  it('passes listeners the AppEvent only, and unsubscribes', () => {
    const { exposed, listeners } = loadPreload();
    const got: unknown[][] = [];
    const off = exposed.api.onEvent!((...args: unknown[]) => got.push(args)) as () => void;
    const forward = listeners.get(EVENT_CHANNEL)!;
    forward({ sender: 'the ipcRenderer object' }, { type: 'project' });
    expect(got).toEqual([[{ type: 'project' }]]);
    off();
    expect(listeners.has(EVENT_CHANNEL)).toBe(false);
  });

  it('gives the path of a dropped file through webUtils', () => {
    const { exposed } = loadPreload();
    expect(exposed.api.pathForFile!({ name: 'cats' })).toBe('/dropped/cats');
  });
});
