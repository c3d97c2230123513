// Property: every API method, called with random payloads (any JSON value, wrong types, huge strings,
// prototype keys, hostile paths), answers { ok } or { error: message } and never throws; the back end
// keeps serving and its state stays sane. Then the same over browser mode's HTTP server: random method
// names, bodies, headers and file paths give a 4xx answer (never 5xx for bad input), and the server
// stays alive. The trainer is a stand-in: these properties are about the door, not the engine.

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Backend } from '../../src-main/backend.js';
import { API_METHODS, type ApiResponse } from '../../src-main/contract.js';
import { startWebServer, type WebServer } from '../../src-main/web-server.js';
import { refusingTrainer } from '../helpers/backend.js';
import { makePng } from '../helpers/make-images.js';
import '../helpers/fuzz-seed.js';
import { raw } from '../helpers/raw-http.js';

const RUNS = Number(process.env.CATNET_FUZZ_RUNS ?? 150);

function isResponse(r: unknown): r is ApiResponse {
  if (typeof r !== 'object' || r === null) return false;
  const keys = Object.keys(r);
  if (keys.length !== 1) return false;
  if (keys[0] === 'error')
    return typeof (r as { error: unknown }).error === 'string' && (r as { error: string }).error.length > 0;
  return keys[0] === 'ok';
}

/** Strings a hostile page would try as paths and names. */
function hostileStrings(sandbox: string) {
  // Random absolute paths are moved into the sandbox: '/' alone would import the whole disk (legitimately).
  // ('..' is defused too: `${sandbox}/..` is /tmp, a real folder that would be imported.)
  const inSandbox = (p: string) => (p.startsWith('/') ? `${sandbox}${p.replaceAll('..', '__')}` : p);
  return fc.oneof(
    fc.string({ maxLength: 40 }).map(inSandbox),
    fc.string({ unit: 'grapheme', maxLength: 20 }).map(inSandbox),
    fc.constantFrom(
      '',
      '.',
      '..',
      '../../../../etc/passwd',
      'relative/folder',
      '/dev/zero',
      '/dev/urandom',
      '/proc/self/mem',
      '/etc/passwd',
      `${sandbox}/missing`,
      `${sandbox}/fifo.png`,
      `${sandbox}/dir.onnx`,
      `${sandbox}/file.png`,
      'C:\\Windows\\win.ini',
      '\\\\server\\share',
      'a\0b',
      '%2e%2e%2f',
      '__proto__',
      'constructor',
      'x'.repeat(4096),
      'x'.repeat(5000),
      'data:image/png;base64,AAAA',
    ),
  );
}

function argsFor(sandbox: string) {
  const s = hostileStrings(sandbox);
  const n = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(-1, 0, 1, 2 ** 53, Number.NaN, 1e308));
  const value = fc.oneof(s, n, fc.boolean(), fc.constant(null), fc.anything({ maxDepth: 3 }));
  return fc.oneof(
    fc.anything({ maxDepth: 4, withNullPrototype: true, withObjectString: true }),
    fc.array(value, { maxLength: 4 }),
    fc.tuple(fc.constantFrom('train-positive', 'test-negative', 'bogus'), s),
    fc.tuple(fc.array(n, { maxLength: 600 })),
    fc.tuple(s, s),
    fc.tuple(fc.tuple(s, s)),
    fc.tuple(fc.record({ hiddenLayers: fc.array(n), learningRate: n, iterations: n, __proto__: value })),
  );
}

describe('API handlers against random payloads', () => {
  let userData: string;
  let sandbox: string;
  let backend: Backend;

  beforeAll(async () => {
    userData = mkdtempSync(join(tmpdir(), 'catnet-apifuzz-'));
    sandbox = mkdtempSync(join(tmpdir(), 'catnet-apifuzz-sandbox-'));
    execFileSync('mkfifo', [join(sandbox, 'fifo.png')]);
    mkdirSync(join(sandbox, 'dir.onnx'));
    writeFileSync(join(sandbox, 'file.png'), await makePng(40, 40, 1));
    backend = await Backend.create({ userData, transport: 'browser', startTrainer: refusingTrainer });
  });

  afterAll(async () => {
    await backend?.dispose();
    rmSync(userData, { recursive: true, force: true });
    rmSync(sandbox, { recursive: true, force: true });
  });

  it('every method answers { ok } or { error } for any arguments, and never throws', async () => {
    const seen = { ok: 0, error: 0 };
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...API_METHODS), argsFor(sandbox), async (method, args) => {
        const r = await backend.call(method, args);
        if (!isResponse(r)) throw new Error(`${method}: not a response: ${JSON.stringify(r)?.slice(0, 200)}`);
        seen['ok' in r ? 'ok' : 'error']++;
      }),
      { numRuns: RUNS * 4 },
    );
    console.info(`API fuzz: ${seen.ok} ok, ${seen.error} errors`);
    expect(seen.error).toBeGreaterThan(0);
    // Still serving, with a sane state, and nothing leaked into Object.prototype.
    const project = await backend.call('getProject', []);
    expect(project).toHaveProperty('ok.classNames');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(Object.prototype)).toEqual([]);
  });

  it('unknown and prototype method names are refused', async () => {
    for (const name of ['constructor', '__proto__', 'hasOwnProperty', 'toString', 'call', '', 'x'.repeat(10_000)]) {
      const r = await backend.call(name, []);
      expect(r, name).toMatchObject({ error: expect.stringContaining('Unknown catnet API method') });
      expect((r as { error: string }).error.length).toBeLessThan(200);
    }
  });

  it('hostile paths for folders, images and models are refused with a message, quickly', async () => {
    const paths = ['relative', '../..', '/dev/zero', join(sandbox, 'fifo.png'), join(sandbox, 'file.png'), 'a\0b'];
    for (const p of paths) {
      for (const method of ['addFolder', 'openModel'] as const) {
        const args = method === 'addFolder' ? ['train-positive', p] : [p];
        const r = await backend.call(method, args);
        expect(r, `${method} ${p}`).toHaveProperty('error');
      }
    }
    // A folder named like a model is not a model.
    expect(await backend.call('openModel', [join(sandbox, 'dir.onnx')])).toHaveProperty('error');
    // Only folders inside the sandbox (its sub-folders are valid folders) or the demo's were ever added.
    const { folders } = ((await backend.call('getProject', [])) as { ok: { folders: { path: string }[] } }).ok;
    for (const f of folders) expect(f.path.startsWith(sandbox) || f.path.startsWith(userData), f.path).toBe(true);
  });

  it('classifyBytes with huge or garbage base64 is refused with a message', async () => {
    const garbage = Buffer.alloc(5 * 1024 * 1024, 0xab).toString('base64');
    expect(await backend.call('classifyBytes', [garbage, 'big.png'])).toHaveProperty('error');
    expect(await backend.call('classifyBytes', ['x'.repeat(70_000_001), 'too-big.png'])).toMatchObject({
      error: expect.stringContaining('Invalid arguments'),
    });
  });
});

describe('browser-mode endpoints against random requests', () => {
  let userData: string;
  let rendererDir: string;
  let backend: Backend;
  let server: WebServer;
  const token = 'f'.repeat(64);

  beforeAll(async () => {
    userData = mkdtempSync(join(tmpdir(), 'catnet-httpfuzz-'));
    rendererDir = mkdtempSync(join(tmpdir(), 'catnet-httpfuzz-renderer-'));
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>stand-in</title>');
    backend = await Backend.create({ userData, transport: 'browser', startTrainer: refusingTrainer });
    server = await startWebServer({ backend, rendererDir, port: 0, token, maxBodyBytes: 1024 * 1024 });
  });

  afterAll(async () => {
    await server?.close();
    await backend?.dispose();
    rmSync(userData, { recursive: true, force: true });
    rmSync(rendererDir, { recursive: true, force: true });
  });

  const host = () => `127.0.0.1:${server.port}`;
  const alive = async () => {
    const r = await raw(server.port, '/api/getProject', {
      method: 'POST',
      headers: { Host: host(), Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: '[]',
    });
    expect(r.status).toBe(200);
  };

  it('random API method names and bodies with the token: 200 or 4xx, never 5xx', async () => {
    const pathPart = fc.oneof(
      fc.constantFrom(...API_METHODS),
      fc.string({ maxLength: 30 }).map(encodeURIComponent),
      fc.constantFrom('%E0%A4%A', '%', '%00', '..%2f..%2fpackage.json', 'constructor', '__proto__', 'a/b/c'),
    );
    const body = fc.oneof(
      fc.json({ maxDepth: 4 }),
      fc.string({ maxLength: 200 }),
      fc.constantFrom(
        '',
        '[',
        '{"__proto__":{"polluted":1}}',
        '[{"__proto__":{"polluted":1}}]',
        `${'['.repeat(20_000)}`,
      ),
      fc.constant(`${'['.repeat(5000)}${']'.repeat(5000)}`),
    );
    await fc.assert(
      fc.asyncProperty(pathPart, body, async (method, text) => {
        const r = await raw(server.port, `/api/${method}`, {
          method: 'POST',
          headers: { Host: host(), Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
          body: text,
        });
        if (r.status >= 500 || r.status === 0)
          throw new Error(`/api/${method} with ${text.slice(0, 80)} -> ${r.status} ${r.body.slice(0, 200)}`);
        expect(() => JSON.parse(r.body)).not.toThrow();
      }),
      { numRuns: RUNS },
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await alive();
  });

  it('random headers (token, Host, Origin, content type, method): refused unless all are right', async () => {
    // (An empty Host cannot be sent from node:http: it substitutes its own. A missing port stands in.)
    const header = fc.record({
      token: fc.constantFrom(token, '', 'f'.repeat(63), `${token}x`, 'F'.repeat(64), null),
      host: fc.constantFrom(
        host(),
        `localhost:${server.port}`,
        'evil.example',
        `127.0.0.1:${server.port + 1}`,
        '127.0.0.1',
      ),
      origin: fc.constantFrom(
        undefined,
        `http://${host()}`,
        `http://localhost:${server.port}`,
        'http://evil.example',
        'null',
        `https://${host()}`,
        `http://127.0.0.1:${server.port + 1}`,
      ),
      type: fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', ''),
      verb: fc.constantFrom('POST', 'GET', 'PUT', 'DELETE', 'OPTIONS'),
    });
    await fc.assert(
      fc.asyncProperty(header, async (h) => {
        const headers: Record<string, string> = { Host: h.host, 'Content-Type': h.type };
        if (h.token !== null) headers.Authorization = `Bearer ${h.token}`;
        if (h.origin) headers.Origin = h.origin;
        const r = await raw(server.port, '/api/getProject', { method: h.verb, headers, body: '[]' });
        // 127.0.0.1:P and localhost:P are both this server: either name is accepted as Host and as
        // Origin, in any pairing (a page on one calling the other still needs the token).
        const thisServer = [host(), `localhost:${server.port}`];
        const allowedOrigin = h.origin === undefined || thisServer.some((name) => h.origin === `http://${name}`);
        const right =
          h.token === token &&
          thisServer.includes(h.host) &&
          allowedOrigin &&
          h.type === 'application/json' &&
          h.verb === 'POST';
        if (right) expect(r.status).toBe(200);
        else expect(r.status, JSON.stringify(h)).toBeGreaterThanOrEqual(400);
        expect(r.status).toBeLessThan(500);
      }),
      { numRuns: RUNS },
    );
    await alive();
  });

  it('file paths outside the renderer folder are never served; malformed ones are 4xx', async () => {
    const paths = fc.oneof(
      fc.constantFrom(
        '/../package.json',
        '/%2e%2e/%2e%2e/etc/passwd',
        '/..%2f..%2f..%2fetc%2fpasswd',
        '/%2e%2e%5c%2e%2e%5cetc%5cpasswd',
        '/index.html%00.png',
        '/%E0%A4%A',
        '/%',
        '//etc/passwd',
        '/./././index.html',
      ),
      fc
        .array(fc.constantFrom('..', '%2e%2e', '.', 'etc', 'passwd', '%2f', 'index.html', '%00'), { maxLength: 8 })
        .map((parts) => `/${parts.join('/')}`),
    );
    await fc.assert(
      fc.asyncProperty(paths, async (path) => {
        const r = await raw(server.port, path, { headers: { Host: host() } });
        if (r.status >= 500 || r.status === 0) throw new Error(`${path} -> ${r.status} ${r.body.slice(0, 200)}`);
        if (r.status === 200) expect(r.body, path).toContain('stand-in');
        expect(r.body).not.toContain('root:');
      }),
      { numRuns: RUNS },
    );
    await alive();
  });
});
