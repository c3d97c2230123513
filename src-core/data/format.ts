// Which image format a file holds, decided from its first bytes (never from its name), and whether
// catnet decodes it. The allow-list here and the decoder block list in decoders.ts must agree.

/** Bytes of the file start that `sniffFormat` needs. */
export const SNIFF_BYTES = 64;

export type SniffedFormat =
  | { kind: 'allowed'; format: 'jpeg' | 'png' | 'webp' | 'gif' | 'tiff' | 'avif' }
  | { kind: 'unsupported'; format: string; why: string }
  | { kind: 'not-an-image' };

function ascii(b: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < Math.min(end, b.length); i++) s += String.fromCharCode(b[i]);
  return s;
}

function startsWith(b: Uint8Array, sig: number[], at = 0): boolean {
  if (b.length < at + sig.length) return false;
  for (let i = 0; i < sig.length; i++) if (b[at + i] !== sig[i]) return false;
  return true;
}

/** Looks at the first bytes (`SNIFF_BYTES` suffice) of a file. */
export function sniffFormat(head: Uint8Array): SniffedFormat {
  if (startsWith(head, [0xff, 0xd8, 0xff])) return { kind: 'allowed', format: 'jpeg' };
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { kind: 'allowed', format: 'png' };
  if (ascii(head, 0, 6) === 'GIF87a' || ascii(head, 0, 6) === 'GIF89a') return { kind: 'allowed', format: 'gif' };
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WEBP') return { kind: 'allowed', format: 'webp' };
  if (startsWith(head, [0x49, 0x49, 0x2a, 0x00]) || startsWith(head, [0x4d, 0x4d, 0x00, 0x2a]))
    return { kind: 'allowed', format: 'tiff' };
  if (ascii(head, 4, 8) === 'ftyp') {
    const brands = ascii(head, 8, 12) + ascii(head, 16, 40);
    if (/avi[fs]/.test(brands)) return { kind: 'allowed', format: 'avif' };
    if (/hei[cxms]|hev[cx]|mif1|msf1/.test(brands))
      return { kind: 'unsupported', format: 'heic', why: 'HEIC/HEIF photos are not supported: export them as JPEG' };
    return { kind: 'not-an-image' }; // MP4, MOV, 3GP ...
  }
  if (startsWith(head, [0x49, 0x49, 0xbc]))
    return { kind: 'unsupported', format: 'jxr', why: 'JPEG XR is not supported: convert it to JPEG or PNG' };
  if (ascii(head, 0, 2) === 'BM' && head.length >= 14)
    return { kind: 'unsupported', format: 'bmp', why: 'BMP is not supported by this build: convert it to PNG' };
  if (startsWith(head, [0xff, 0x0a]) || ascii(head, 4, 12) === 'JXL \r\n\x87\n')
    return { kind: 'unsupported', format: 'jxl', why: 'JPEG XL is not supported: convert it to JPEG or PNG' };
  if (ascii(head, 4, 12) === 'jP  \r\n\x87\n')
    return { kind: 'unsupported', format: 'jp2', why: 'JPEG 2000 is not supported: convert it to JPEG or PNG' };
  if (startsWith(head, [0x00, 0x00, 0x01, 0x00]) && head.length >= 6 && head[4] > 0)
    return { kind: 'unsupported', format: 'ico', why: 'icons (.ico) are not supported' };
  if (ascii(head, 0, 5) === '%PDF-')
    return {
      kind: 'unsupported',
      format: 'pdf',
      why: 'PDF documents are not imported (they can reference other files)',
    };
  if (ascii(head, 0, 4) === '8BPS')
    return { kind: 'unsupported', format: 'psd', why: 'Photoshop files are not supported: export them as PNG' };
  const text = ascii(head, 0, SNIFF_BYTES)
    .replace(/^\uFEFF|^\xEF\xBB\xBF/, '')
    .trimStart();
  if (/^<(\?xml|svg|!DOCTYPE svg)/i.test(text))
    return {
      kind: 'unsupported',
      format: 'svg',
      why: 'SVG is not accepted (vector images can read other files): export it as PNG',
    };
  return { kind: 'not-an-image' };
}
