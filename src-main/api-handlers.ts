// The shape every transport dispatches to: one async function per API method taking the validated
// arguments. `callApi` is the single entry point of both transports: unknown method and invalid
// arguments become `{ error }` with a message for people, exactly like a failing service.

import type { z } from 'zod';
import { type ApiArgs, type ApiMethod, type ApiResponse, type ApiResults, parseArgs } from './contract.js';

export type Handlers = {
  [K in ApiMethod]: (...args: z.output<(typeof ApiArgs)[K]>) => Promise<ApiResults[K]>;
};

export function isApiMethod(handlers: Handlers, name: string): name is ApiMethod {
  return Object.hasOwn(handlers, name);
}

/** Never throws: any failure is returned as `{ error: message }`. */
export async function callApi(handlers: Handlers, method: string, args: unknown): Promise<ApiResponse> {
  try {
    if (!isApiMethod(handlers, method)) return { error: `Unknown catnet API method: ${method.slice(0, 60)}` };
    const parsed = parseArgs(method, args) as unknown[];
    const handler = handlers[method] as (...a: unknown[]) => Promise<unknown>;
    const result = await handler(...parsed);
    return { ok: result ?? null };
  } catch (error) {
    return { error: messageOf(error) };
  }
}

export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
