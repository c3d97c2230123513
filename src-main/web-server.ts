// Browser mode's HTTP server: the renderer's files and the catnet API on 127.0.0.1 only.
// Security: a random token (Authorization: Bearer, or ?token= for the event stream, which EventSource
// cannot give headers), a Host header that must name this server (DNS rebinding), an Origin that must
// match when present (cross-site pages), the renderer's CSP on every file, a body size cap.
// API: POST /api/<method> with a JSON array of arguments -> { ok } | { error };
//      POST /api/uploadFile with the file's bytes as an application/octet-stream body and the other
//      arguments as a JSON array in the X-Catnet-Args header (URL-encoded): one uploaded file, capped;
//      GET /api/events -> server-sent events, one AppEvent per `data:` line.

import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import type { Backend } from './backend.js';
import { CONTENT_SECURITY_POLICY } from './csp.js';

/** Largest request body: classifyBytes takes up to 70 MB of base64. */
export const MAX_BODY_BYTES = 72 * 1024 * 1024;
const HEARTBEAT_MS = 15_000;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export interface WebServerOptions {
  backend: Backend;
  /** The built renderer (dist/renderer). */
  rendererDir: string;
  /** 0 = any free port. */
  port: number;
  /** Fixed token for tests; random (32 bytes, hex) by default. */
  token?: string;
  /** Request body cap (default MAX_BODY_BYTES). */
  maxBodyBytes?: number;
}

export interface WebServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const token = options.token ?? randomBytes(32).toString('hex');
  const tokenBytes = Buffer.from(token);
  const streams = new Set<ServerResponse>();
  let port = 0;

  const tokenMatches = (given: string | null | undefined): boolean => {
    if (!given) return false;
    const bytes = Buffer.from(given);
    return bytes.length === tokenBytes.length && timingSafeEqual(bytes, tokenBytes);
  };

  const checkHostAndOrigin = (req: IncomingMessage): void => {
    const allowed = [`127.0.0.1:${port}`, `localhost:${port}`];
    if (!allowed.includes(req.headers.host ?? '')) {
      throw new HttpError(403, `Host '${req.headers.host ?? ''}' is not this catnet server; use http://${allowed[0]}/`);
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !allowed.some((h) => origin === `http://${h}`)) {
      throw new HttpError(403, `Requests from origin '${origin}' are not allowed`);
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    checkHostAndOrigin(req);
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (url.pathname === '/api/events') {
      if (req.method !== 'GET') throw new HttpError(405, 'Use GET for /api/events');
      if (!tokenMatches(url.searchParams.get('token') ?? bearer(req)))
        throw new HttpError(401, 'Missing or wrong token: open the URL catnet printed at start');
      openEventStream(req, res);
      return;
    }
    if (url.pathname.startsWith('/api/')) {
      if (req.method !== 'POST') throw new HttpError(405, 'Use POST for catnet API methods');
      if (!tokenMatches(bearer(req)))
        throw new HttpError(401, 'Missing or wrong token: open the URL catnet printed at start');
      const method = decodeURIComponent(url.pathname.slice('/api/'.length));
      const contentType = req.headers['content-type'] ?? '';
      let args: unknown;
      if (method === 'uploadFile' && contentType.startsWith('application/octet-stream')) {
        const cap = Math.min(options.maxBodyBytes ?? MAX_BODY_BYTES, options.backend.uploads.limits.fileBytes);
        args = [...binaryCallArgs(req), new Uint8Array(await readBody(req, cap))];
      } else {
        if (!contentType.startsWith('application/json'))
          throw new HttpError(415, 'API requests must be application/json');
        args = await readJsonBody(req, options.maxBodyBytes ?? MAX_BODY_BYTES);
      }
      const response = await options.backend.call(method, args);
      sendJson(res, 'error' in response ? 400 : 200, response);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'Only GET for files');
    await serveFile(url.pathname, req, res);
  };

  const openEventStream = (req: IncomingMessage, res: ServerResponse): void => {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      Connection: 'keep-alive',
    });
    res.write(': catnet events\n\n');
    streams.add(res);
    const unsubscribe = options.backend.events.subscribe((event) => {
      res.write(`data: ${JSON.stringify(event)}\n\n`);
    });
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    req.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      streams.delete(res);
    });
  };

  const serveFile = async (pathname: string, req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const relative = pathname === '/' ? 'index.html' : decodeURIComponent(pathname).replace(/^\/+/, '');
    const root = normalize(options.rendererDir);
    const file = normalize(join(root, relative));
    if (!file.startsWith(root + sep) || relative.includes('\0')) throw new HttpError(404, 'Not found');
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) {
      // Browsers ask for it on their own; the renderer declares its icon (or none) itself.
      if (relative === 'favicon.ico') {
        res.writeHead(204, securityHeaders()).end();
        return;
      }
      if (relative === 'index.html')
        throw new HttpError(500, `The UI is not built (${file} is missing): run 'npm run build'`);
      throw new HttpError(404, 'Not found');
    }
    const body = await readFile(file);
    res.writeHead(200, {
      ...securityHeaders(),
      'Content-Type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'Content-Length': body.length,
      'Cache-Control': 'no-store',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // A malformed %-escape in the URL (decodeURIComponent's URIError) is the client's error, not ours.
      const status = error instanceof HttpError ? error.status : error instanceof URIError ? 400 : 500;
      const message =
        error instanceof URIError
          ? 'The URL has a malformed %-escape'
          : error instanceof Error
            ? error.message
            : String(error);
      if (res.headersSent) {
        res.end();
        return;
      }
      // The request body may be unread (413): close the connection rather than reuse it.
      if (status === 413) res.setHeader('Connection', 'close');
      sendJson(res, status, { error: message });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close: async () => {
      for (const res of streams) res.end();
      streams.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function bearer(req: IncomingMessage): string | null {
  const header = req.headers.authorization ?? '';
  return header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : null;
}

function securityHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...securityHeaders(),
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBytes) throw new HttpError(413, `Request body over ${maxBytes} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new HttpError(413, `Request body over ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The leading arguments of a call whose last argument is the body's bytes: a JSON array in X-Catnet-Args. */
function binaryCallArgs(req: IncomingMessage): unknown[] {
  const header = req.headers['x-catnet-args'];
  if (typeof header !== 'string' || header.length > 8192)
    throw new HttpError(400, 'Binary API calls need their other arguments in the X-Catnet-Args header');
  let args: unknown;
  try {
    args = JSON.parse(decodeURIComponent(header));
  } catch {
    throw new HttpError(400, 'X-Catnet-Args is not a URL-encoded JSON array');
  }
  if (!Array.isArray(args)) throw new HttpError(400, 'X-Catnet-Args is not a URL-encoded JSON array');
  return args;
}

async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const text = (await readBody(req, maxBytes)).toString('utf8');
  if (text.trim() === '') return [];
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'The request body is not valid JSON (expected an array of arguments)');
  }
}
