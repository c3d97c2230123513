// `node dist/main/web.mjs` as a process: exactly one stdout line (the URL), clean stop on SIGTERM.

import { describe, expect, it } from 'vitest';
import { startWebServer } from '../helpers/web-server.js';

describe('browser mode entry point', () => {
  it('prints exactly one URL line with a token and stops cleanly on SIGTERM', async () => {
    const server = await startWebServer();
    expect(server.stdout()).toBe(`catnet browser mode: ${server.url}\n`);
    expect(server.token).toMatch(/^[0-9a-f]{64}$/);
    const res = await fetch(`${server.origin}/api/engineInfo`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' },
      body: '[]',
    });
    expect(((await res.json()) as { ok: { transport: string } }).ok.transport).toBe('browser');
    // an open event stream must not keep the server from stopping
    const controller = new AbortController();
    const events = await fetch(`${server.origin}/api/events?token=${server.token}`, { signal: controller.signal });
    expect(events.status).toBe(200);
    expect(await server.stop()).toBe(0);
    controller.abort();
    expect(server.stdout().trim().split('\n')).toHaveLength(1);
  });

  it('refuses a CATNET_PORT that is not a port, in one line, with exit code 1', async () => {
    await expect(startWebServer({ env: { CATNET_PORT: 'eighty' } })).rejects.toThrow(
      /CATNET_PORT must be a port number/,
    );
  });
});
