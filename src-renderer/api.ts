// The CatnetApi the UI talks to. In Electron the preload exposes it as `window.catnet` (IPC). In a
// browser (browser mode, `npm run web`) the same methods go over HTTP to the local catnet server:
// POST /api/<method> with the token from the page URL, events over server-sent events; an uploaded
// file's bytes go as the raw request body.

import { API_METHODS, type ApiMethod, type ApiResponse, type AppEvent, type CatnetApi } from '../src-main/contract.js';

declare global {
  interface Window {
    catnet?: CatnetApi;
  }
}

const TOKEN_KEY = 'catnet-token';

/** The token from `?token=` (kept for reloads in sessionStorage, then removed from the address bar). */
function browserToken(): string {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    try {
      sessionStorage.setItem(TOKEN_KEY, fromUrl);
      url.searchParams.delete('token');
      window.history.replaceState(null, '', url.pathname + url.search + url.hash);
    } catch {
      // storage disabled: keep the token in the address bar so a reload still works
    }
    return fromUrl;
  }
  try {
    return sessionStorage.getItem(TOKEN_KEY) ?? '';
  } catch {
    return '';
  }
}

function browserClient(): CatnetApi {
  const token = browserToken();
  const listeners = new Set<(event: AppEvent) => void>();
  let source: EventSource | null = null;

  const call = async (method: ApiMethod, args: unknown[]): Promise<unknown> => {
    // JSON has no `undefined`: drop trailing omitted optional arguments instead of sending null.
    const sent = [...args];
    while (sent.length > 0 && sent[sent.length - 1] === undefined) sent.pop();
    // A trailing Uint8Array (uploadFile's bytes) is sent as the raw body, the rest in a header.
    const bytes = sent[sent.length - 1] instanceof Uint8Array ? (sent.pop() as Uint8Array<ArrayBuffer>) : null;
    const request: RequestInit = bytes
      ? {
          method: 'POST',
          headers: {
            'Content-Type': 'application/octet-stream',
            'X-Catnet-Args': encodeURIComponent(JSON.stringify(sent)),
            Authorization: `Bearer ${token}`,
          },
          body: bytes,
        }
      : {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
          body: JSON.stringify(sent),
        };
    let response: Response;
    try {
      response = await fetch(`/api/${method}`, request);
    } catch {
      throw new Error('Cannot reach the catnet server: is `npm run web` still running?');
    }
    let body: ApiResponse;
    try {
      body = (await response.json()) as ApiResponse;
    } catch {
      throw new Error(`The catnet server answered ${method} with HTTP ${response.status} and no readable body`);
    }
    if ('error' in body) {
      if (response.status === 401) throw new Error(`${body.error} (the page URL needs its ?token=...)`);
      throw new Error(body.error);
    }
    return body.ok;
  };

  const ensureStream = (): void => {
    if (source) return;
    source = new EventSource(`/api/events?token=${encodeURIComponent(token)}`);
    source.onmessage = (message) => {
      let event: AppEvent;
      try {
        event = JSON.parse(message.data) as AppEvent;
      } catch {
        return;
      }
      for (const listener of [...listeners]) listener(event);
    };
  };

  const api: Record<string, unknown> = {};
  for (const method of API_METHODS) api[method] = (...args: unknown[]) => call(method, args);
  api.onEvent = (listener: (event: AppEvent) => void): (() => void) => {
    listeners.add(listener);
    ensureStream();
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0 && source) {
        source.close();
        source = null;
      }
    };
  };
  return api as CatnetApi;
}

/** The API for this page: the preload's bridge in Electron, else the browser-mode client. */
export const api: CatnetApi = window.catnet ?? browserClient();
