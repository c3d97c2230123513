// Large pixel buffers (a Dataset's SharedArrayBuffer, a gathered training set) with a transparent
// huge page hint. Why: on a virtual machine every first touch of a 4 KiB page can cost tens of us
// (figures in bench/README.md, "Machine figures behind design choices"); asking for 2 MiB pages
// before the buffer is written (madvise MADV_HUGEPAGE, src-core/native/memory.c) makes filling fresh
// memory several times faster and cuts TLB misses of random row gathers. Only a hint: without the native addon
// (not built, CATNET_BACKEND=reference) or on another OS the buffers are the same, just slower.

import { nativeData } from './native-data.js';

/** Smaller buffers are not worth a call (and a huge page would not fit in them anyway). */
const MIN_HINT_BYTES = 4 << 20;

/** Asks for huge pages for `view`'s memory, which must not have been written yet; returns the bytes advised. */
export function adviseHugePages(view: Uint8Array): number {
  const native = view.length >= MIN_HINT_BYTES ? nativeData() : null;
  if (!native) return 0;
  try {
    return native.adviseHugePages(view);
  } catch {
    return 0;
  }
}

/** Zero-filled shared bytes (a Dataset's pixels), huge pages asked for. Throws RangeError when memory is short. */
export function sharedPixels(bytes: number): Uint8Array {
  const view = new Uint8Array(new SharedArrayBuffer(Math.max(1, bytes)), 0, bytes);
  adviseHugePages(view);
  return view;
}

/** Zero-filled bytes owned by this thread (a gathered copy), huge pages asked for. */
export function privatePixels(bytes: number): Uint8Array {
  const view = new Uint8Array(bytes);
  adviseHugePages(view);
  return view;
}
