// The memory budget of image decodes in flight, shared by every decoder in the process: the fast JPEG
// path reserves inside the addon (src-core/native/jpeg/budget.c), the general path (sharp) through
// reserveDecodeMemory below, against the same counter. A decode that needs more than the whole budget
// is refused with a message saying how much it needs; one that needs more than is left waits (it
// never blocks a thread: it polls). So peak decode memory is bounded by the budget, not by the
// number of threads or of files decoded at once.

import { totalmem } from 'node:os';
import { type JpegAddon, jpegAddon } from './jpeg-addon.js';
import { ImageRejected } from './reasons.js';

/** Decodes needing at most this much do not reserve (CN_JPEG64_SMALL_DECODE in jpeg64.h). */
export const SMALL_DECODE_BYTES = 8 << 20;

/** How long a decode waiting for budget sleeps between tries. */
const POLL_MS = 10;

/**
 * 768 MB (one 100 MP progressive 4:4:4 JPEG decodes), a quarter of the machine's memory when that is
 * less, or CATNET_DECODE_BUDGET_MB.
 */
function defaultBudget(): number {
  const fromEnv = Number(process.env.CATNET_DECODE_BUDGET_MB);
  if (Number.isFinite(fromEnv) && fromEnv > 0) return Math.round(fromEnv * 2 ** 20);
  return Math.min(768 * 2 ** 20, Math.floor(totalmem() / 4));
}

/** Used when the addon is not built: the same counter, in JavaScript. */
const local = { total: 0, used: 0, peak: 0 };

let configured: JpegAddon | null | undefined;
/** The shared counter (the addon's, or `local`), its bound set on first use. */
export function counter(): JpegAddon | null {
  if (configured !== undefined) return configured;
  configured = jpegAddon() ?? null;
  const total = defaultBudget();
  if (configured) configured.setDecodeBudget(total);
  else local.total = total;
  return configured;
}

export function decodeBudget(): { total: number; used: number; peak: number } {
  const a = counter();
  return a ? a.decodeBudget() : { ...local };
}

/** Test and bench hook: a new bound (reservations already made stay), and the peak reset. */
export function setDecodeBudget(bytes: number): void {
  const a = counter();
  if (a) {
    a.setDecodeBudget(bytes);
    a.resetDecodePeak();
  } else {
    local.total = bytes;
    local.peak = local.used;
  }
}

function tryReserve(bytes: number): boolean {
  const a = counter();
  if (a) return a.reserveDecode(bytes);
  if (local.used + bytes > local.total) return false;
  local.used += bytes;
  local.peak = Math.max(local.peak, local.used);
  return true;
}

function release(bytes: number): void {
  const a = counter();
  if (a) a.releaseDecode(bytes);
  else local.used -= bytes;
}

const MB = (bytes: number) => `${Math.ceil(bytes / 2 ** 20).toLocaleString('en')} MB`;

/** The rejection of an image whose decode needs more memory than the whole budget. */
export function tooBigToDecode(need: number, what: string): ImageRejected {
  const rejected = new ImageRejected(
    'too-many-pixels',
    `${what} needs ${MB(need)} of memory to decode, more than the ${MB(decodeBudget().total)} catnet allows: ` +
      'resize it, or save it as a baseline (not progressive) JPEG',
  );
  rejected.uncacheable = true; // a larger budget (another machine, CATNET_DECODE_BUDGET_MB) may decode it
  return rejected;
}

/** Sleeps until the budget has room for `bytes`; the caller then decodes. */
export function waitForBudget(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, POLL_MS));
}

/**
 * Reserves `bytes` for one decode, waiting while others use the budget; resolves to the release
 * function (call it once, when the decode's memory is freed). Small decodes reserve nothing. Throws
 * tooBigToDecode(bytes, what) when the whole budget is too small.
 */
export async function reserveDecodeMemory(bytes: number, what: string): Promise<() => void> {
  if (bytes <= SMALL_DECODE_BYTES) return () => {};
  if (bytes > decodeBudget().total) throw tooBigToDecode(bytes, what);
  while (!tryReserve(bytes)) await waitForBudget();
  let released = false;
  return () => {
    if (released) return;
    released = true;
    release(bytes);
  };
}
