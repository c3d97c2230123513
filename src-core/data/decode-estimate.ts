// How much memory the general decoder (sharp/libvips) needs for an image, from its header alone, so
// the decode can reserve it from the budget (decode-budget.ts) first. The costly cases: a JPEG with
// several scans (progressive, or components in separate scans), where libjpeg keeps every DCT block
// of the whole image until the last scan (2 bytes per pixel and component at 4:4:4, even when
// libvips shrinks on load), and an interlaced PNG, which is decoded whole. Other images stream
// through libvips' shrink; their estimate is the shrunk image.

/** Bytes of a DCT block (64 coefficients of 2 bytes): JBLOCK in libjpeg. */
const BLOCK_BYTES = 128;

interface JpegFrame {
  width: number;
  height: number;
  components: { h: number; v: number }[];
  multiScan: boolean;
}

/** SOF markers whose frame is progressive (SOF2, SOF6, SOF10, SOF14). */
const PROGRESSIVE = new Set([0xc2, 0xc6, 0xca, 0xce]);
const isSof = (m: number) => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;

/** The frame of a JPEG up to its first scan header, or undefined when the header is not readable. */
export function jpegFrame(b: Uint8Array): JpegFrame | undefined {
  let frame: JpegFrame | undefined;
  let i = 2;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) return undefined;
    const marker = b[i + 1]!;
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      i += 2;
      continue;
    }
    const length = (b[i + 2]! << 8) | b[i + 3]!;
    const body = i + 4;
    if (length < 2 || body + length - 2 > b.length) return undefined;
    if (isSof(marker) && length >= 8) {
      const n = b[body + 5]!;
      if (length < 8 + 3 * n) return undefined;
      const components = Array.from({ length: n }, (_, c) => ({
        h: Math.max(1, b[body + 7 + 3 * c]! >> 4),
        v: Math.max(1, b[body + 7 + 3 * c]! & 15),
      }));
      frame = {
        height: (b[body + 1]! << 8) | b[body + 2]!,
        width: (b[body + 3]! << 8) | b[body + 4]!,
        components,
        multiScan: PROGRESSIVE.has(marker),
      };
    } else if (marker === 0xda) {
      if (frame && b[body]! < frame.components.length) frame.multiScan = true; // not all in the first scan
      return frame;
    }
    i = body + length - 2;
  }
  return frame;
}

/** libjpeg's whole-image coefficient buffer for `f` (jdcoefct.c), 0 for a single-scan file. */
function coefficientBytes(f: JpegFrame): number {
  if (!f.multiScan) return 0;
  const hMax = Math.max(...f.components.map((c) => c.h));
  const vMax = Math.max(...f.components.map((c) => c.v));
  let bytes = 0;
  for (const c of f.components) {
    const w = Math.ceil(Math.ceil((f.width * c.h) / hMax / 8) / c.h) * c.h;
    const h = Math.ceil(Math.ceil((f.height * c.v) / vMax / 8) / c.v) * c.v;
    bytes += w * h * BLOCK_BYTES;
  }
  return bytes;
}

/** Bytes of an image shrunk on load by up to 8 (JPEG, WebP), as RGBA floats at worst. */
const shrunk = (width: number, height: number) => Math.ceil(width / 8) * Math.ceil(height / 8) * 16;

/** An image's declared pixels and the bytes its decode needs. */
export interface DecodeEstimate {
  pixels: number;
  bytes: number;
}

/**
 * The memory the general decoder needs for `bytes` of the sniffed `format`, from the header; undefined
 * when this format's header is not read here (the caller asks sharp's metadata).
 */
export function decodeEstimate(bytes: Uint8Array, format: string): DecodeEstimate | undefined {
  if (format === 'jpeg') {
    const f = jpegFrame(bytes);
    return f ? { pixels: f.width * f.height, bytes: coefficientBytes(f) + shrunk(f.width, f.height) } : undefined;
  }
  if (format === 'png' && bytes.length >= 29) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const width = view.getUint32(16);
    const height = view.getUint32(20);
    const depth = bytes[24]! > 8 ? 2 : 1;
    const channels = [1, 0, 3, 4, 2, 0, 4][bytes[25]!] ?? 4; // palette: expanded to RGBA
    const interlaced = bytes[28] === 1;
    const whole = width * height * channels * depth;
    return { pixels: width * height, bytes: interlaced ? whole : width * channels * depth * 64 };
  }
  return undefined;
}

/** The same from sharp's metadata (width, height, channels, depth): the whole image decoded. */
export function estimateFromMetadata(m: {
  width?: number;
  height?: number;
  channels?: number;
  depth?: string;
}): DecodeEstimate {
  const depth = m.depth === 'ushort' || m.depth === 'short' ? 2 : m.depth === 'float' ? 4 : 1;
  const pixels = (m.width ?? 0) * (m.height ?? 0);
  return { pixels, bytes: pixels * (m.channels ?? 4) * depth };
}
