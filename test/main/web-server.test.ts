// Browser mode's server, in process, against a temporary user-data folder and a stand-in renderer:
// token, Host and Origin checks, argument validation, static files with the CSP, server-sent events.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jpegDecoderInfo } from '../../src-core/data/jpeg-fast.js';
import { Backend } from '../../src-main/backend.js';
import type { AppEvent } from '../../src-main/contract.js';
import { CONTENT_SECURITY_POLICY } from '../../src-main/csp.js';
import { startWebServer, type WebServer } from '../../src-main/web-server.js';
import { raw } from '../helpers/raw-http.js';

describe('browser-mode web server', () => {
  let userData: string;
  let rendererDir: string;
  let backend: Backend;
  let server: WebServer;
  const token = 'a'.repeat(64);

  const api = (method: string, args: unknown, headers: Record<string, string> = {}) =>
    raw(server.port, `/api/${method}`, {
      method: 'POST',
      headers: {
        Host: `127.0.0.1:${server.port}`,
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/json',
        ...headers,
      },
      body: JSON.stringify(args),
    });

  beforeAll(async () => {
    userData = await mkdtemp(join(tmpdir(), 'catnet-web-test-'));
    rendererDir = await mkdtemp(join(tmpdir(), 'catnet-renderer-'));
    await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>stand-in</title>');
    backend = await Backend.create({ userData, transport: 'browser' });
    server = await startWebServer({ backend, rendererDir, port: 0, token });
  });

  afterAll(async () => {
    await server.close();
    await backend.dispose();
    await rm(userData, { recursive: true, force: true });
    await rm(rendererDir, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 and prints a URL carrying the token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${token}`);
  });

  it('a random token is 64 hex characters and differs between servers', async () => {
    const a = await startWebServer({ backend, rendererDir, port: 0 });
    const b = await startWebServer({ backend, rendererDir, port: 0 });
    expect(a.token).toMatch(/^[0-9a-f]{64}$/);
    expect(a.token).not.toBe(b.token);
    await a.close();
    await b.close();
  });

  it('answers an API call with the token', async () => {
    const res = await api('engineInfo', []);
    expect(res.status).toBe(200);
    const body = JSON.parse(res.body);
    expect(body.ok.transport).toBe('browser');
    expect(['native', 'reference']).toContain(body.ok.backend);
    // the JPEG decoder in use, and why when it is sharp
    expect(body.ok.jpegDecoder).toBe(jpegDecoderInfo().decoder);
    expect(body.ok.jpegDecoder === 'sharp').toBe(typeof body.ok.jpegReason === 'string');
  });

  it('refuses API calls without the token or with a wrong one (401)', async () => {
    const none = await raw(server.port, '/api/engineInfo', {
      method: 'POST',
      headers: { Host: `127.0.0.1:${server.port}`, 'Content-Type': 'application/json' },
      body: '[]',
    });
    expect(none.status).toBe(401);
    expect(JSON.parse(none.body).error).toMatch(/token/);
    const wrong = await api('engineInfo', [], { Authorization: `Bearer ${'b'.repeat(64)}` });
    expect(wrong.status).toBe(401);
    const short = await api('engineInfo', [], { Authorization: 'Bearer a' });
    expect(short.status).toBe(401);
    const queryOnly = await raw(server.port, `/api/engineInfo?token=${token}`, {
      method: 'POST',
      headers: { Host: `127.0.0.1:${server.port}`, 'Content-Type': 'application/json' },
      body: '[]',
    });
    expect(queryOnly.status).toBe(401);
  });

  it('refuses a Host that is not this server (403), even with the token', async () => {
    const res = await api('engineInfo', [], { Host: `evil.example:${server.port}` });
    expect(res.status).toBe(403);
    const file = await raw(server.port, '/', { headers: { Host: 'attacker.test' } });
    expect(file.status).toBe(403);
    const localhost = await api('engineInfo', [], { Host: `localhost:${server.port}` });
    expect(localhost.status).toBe(200);
  });

  it('refuses a foreign Origin (403) and accepts its own', async () => {
    expect((await api('engineInfo', [], { Origin: 'http://evil.example' })).status).toBe(403);
    expect((await api('engineInfo', [], { Origin: `http://127.0.0.1:${server.port + 1}` })).status).toBe(403);
    expect((await api('engineInfo', [], { Origin: `http://127.0.0.1:${server.port}` })).status).toBe(200);
  });

  it('rejects bad arguments with a message naming the method, and keeps serving', async () => {
    const bad = await api('listImages', ['not-a-role', 0, 10]);
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error).toMatch(/Invalid arguments to listImages/);
    const notArray = await api('setClassNames', { names: 1 });
    expect(JSON.parse(notArray.body).error).toMatch(/setClassNames/);
    const unknown = await api('deleteEverything', []);
    expect(JSON.parse(unknown.body).error).toMatch(/Unknown catnet API method/);
    const proto = await api('__proto__', []);
    expect(JSON.parse(proto.body).error).toMatch(/Unknown catnet API method/);
    const notJson = await raw(server.port, '/api/getProject', {
      method: 'POST',
      headers: {
        Host: `127.0.0.1:${server.port}`,
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/json',
      },
      body: '{oops',
    });
    expect(notJson.status).toBe(400);
    const form = await api('getProject', [], { 'Content-Type': 'text/plain' });
    expect(form.status).toBe(415);
    const alive = await api('getProject', []);
    expect(alive.status).toBe(200);
    expect(JSON.parse(alive.body).ok.classNames).toHaveLength(2);
  });

  it('refuses a body over the size cap (413) and keeps serving', async () => {
    const small = await startWebServer({ backend, rendererDir, port: 0, token, maxBodyBytes: 1000 });
    const body = JSON.stringify(['x'.repeat(5000), 'a.png']);
    for (const declared of [true, false]) {
      const res = await raw(small.port, '/api/classifyBytes', {
        method: 'POST',
        headers: {
          Host: `127.0.0.1:${small.port}`,
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/json',
          ...(declared ? {} : { 'Transfer-Encoding': 'chunked' }),
        },
        body,
      });
      expect(res.status).toBe(413);
      expect(JSON.parse(res.body).error).toMatch(/over 1000 bytes/);
    }
    await small.close();
    expect((await api('engineInfo', [])).status).toBe(200);
  });

  it('serves the renderer with the CSP and nosniff headers, and nothing outside it', async () => {
    const res = await raw(server.port, `/?token=${token}`, { headers: { Host: `127.0.0.1:${server.port}` } });
    expect(res.status).toBe(200);
    expect(res.body).toContain('stand-in');
    expect(res.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-type']).toMatch(/text\/html/);
    for (const path of ['/../package.json', '/..%2f..%2fpackage.json', '/%2e%2e/%2e%2e/etc/passwd', '/missing.js']) {
      const outside = await raw(server.port, path, { headers: { Host: `127.0.0.1:${server.port}` } });
      expect(outside.status, path).toBe(404);
    }
  });

  it('streams AppEvents over server-sent events (token in the query)', async () => {
    const refused = await fetch(`http://127.0.0.1:${server.port}/api/events`);
    expect(refused.status).toBe(401);
    const controller = new AbortController();
    const res = await fetch(`http://127.0.0.1:${server.port}/api/events?token=${token}`, { signal: controller.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    const seen: AppEvent[] = [];
    const done = (async () => {
      let buffer = '';
      while (seen.length === 0) {
        const chunk = await reader.read();
        if (chunk.done) break;
        buffer += decoder.decode(chunk.value);
        for (const line of buffer.split('\n')) if (line.startsWith('data: ')) seen.push(JSON.parse(line.slice(6)));
      }
    })();
    // wait until the server has subscribed this stream before causing an event
    await expect.poll(() => backend.events.size).toBeGreaterThan(0);
    expect((await api('setClassNames', [['dog', 'not dog']])).status).toBe(200);
    await done;
    controller.abort();
    expect(seen[0]?.type).toBe('project');
    if (seen[0]?.type === 'project') expect(seen[0].project.classNames).toEqual(['dog', 'not dog']);
  });
});
