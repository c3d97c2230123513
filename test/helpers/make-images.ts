// Generates good and bad image files at test time (nothing binary is committed). Used by the data
// tests, the ingest benchmark and any test that needs a folder of images.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import sharp, { type Sharp } from 'sharp';
import { mulberry32 } from '../../src-core/nn/random.js';

/**
 * Raw pixels (h, w, channels) of a smooth "photo-like" pattern: a few colour blobs over a gradient plus
 * mild noise, different for every seed. channels 3 (RGB) or 4 (RGBA, alpha varying across the image).
 */
export function rawPixels(width: number, height: number, seed: number, channels: 3 | 4 = 3): Buffer {
  const r = mulberry32(seed);
  const blobs = Array.from({ length: 4 }, () => ({
    x: r() * width,
    y: r() * height,
    s: (0.1 + 0.4 * r()) * Math.max(width, height),
    c: [r() * 255, r() * 255, r() * 255],
  }));
  const base = [r() * 255, r() * 255, r() * 255];
  const out = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * channels;
      for (let k = 0; k < 3; k++) {
        let v = base[k] * (0.5 + (0.5 * x) / Math.max(1, width));
        for (const b of blobs) {
          const d2 = ((x - b.x) ** 2 + (y - b.y) ** 2) / (b.s * b.s);
          v += (b.c[k] - v) * Math.exp(-d2);
        }
        out[o + k] = Math.max(0, Math.min(255, Math.round(v + (r() - 0.5) * 12)));
      }
      if (channels === 4) out[o + 3] = Math.round((255 * x) / Math.max(1, width - 1));
    }
  return out;
}

export function fromRaw(width: number, height: number, seed: number, channels: 3 | 4 = 3): Sharp {
  return sharp(rawPixels(width, height, seed, channels), { raw: { width, height, channels } });
}

export const makeJpeg = (w: number, h: number, seed: number, quality = 85) =>
  fromRaw(w, h, seed).jpeg({ quality }).toBuffer();
export const makePng = (w: number, h: number, seed: number, channels: 3 | 4 = 3) =>
  fromRaw(w, h, seed, channels).png().toBuffer();

/** One PNG chunk: big-endian data length, type, data, CRC-32 of type + data. */
export function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** An 8-bit RGB PNG whose IHDR says width x height and whose one IDAT chunk holds `idat` as given. */
export function rgbPng(width: number, height: number, idat: Buffer): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', idat),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A PNG whose IHDR claims width x height (CRC correct) with one tiny IDAT: a decompression bomb header. */
export function pngClaiming(width: number, height: number): Buffer {
  return rgbPng(width, height, Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]));
}

/** The bytes of a JPEG up to and including its SOS header: markers and tables, no scan data. */
export function jpegHeaderOnly(jpeg: Buffer): Buffer {
  for (let i = 2; i + 3 < jpeg.length; ) {
    if (jpeg[i] !== 0xff) break;
    const marker = jpeg[i + 1];
    const len = jpeg.readUInt16BE(i + 2);
    if (marker === 0xda) return jpeg.subarray(0, i + 2 + len);
    i += 2 + len;
  }
  throw new Error('jpegHeaderOnly: no SOS marker');
}

/** A 2x2 24-bit BMP (a format sharp's prebuilt libvips does not decode). */
export function tinyBmp(): Buffer {
  const rowBytes = 8; // 2 px * 3 bytes, padded to 4
  const pixels = Buffer.alloc(rowBytes * 2, 0x80);
  const header = Buffer.alloc(54);
  header.write('BM', 0, 'latin1');
  header.writeUInt32LE(54 + pixels.length, 2);
  header.writeUInt32LE(54, 10);
  header.writeUInt32LE(40, 14);
  header.writeInt32LE(2, 18);
  header.writeInt32LE(2, 22);
  header.writeUInt16LE(1, 26);
  header.writeUInt16LE(24, 28);
  header.writeUInt32LE(pixels.length, 34);
  return Buffer.concat([header, pixels]);
}

/** An animated GIF of `frames` frames of w x h, each a different pattern; returns it and frame 0 as PNG. */
export async function animatedGif(w: number, h: number, frames: number): Promise<{ gif: Buffer; first: Buffer }> {
  const pngs = await Promise.all(Array.from({ length: frames }, (_, k) => makePng(w, h, 900 + k)));
  const gif = await sharp(pngs, { join: { animated: true } })
    .gif()
    .toBuffer();
  const first = await sharp(gif, { pages: 1 }).png().toBuffer();
  return { gif, first };
}

/** The same picture stored upright (orientation 1) and rotated with EXIF orientation 6, both lossless WebP. */
export async function exifPair(w: number, h: number, seed: number): Promise<{ upright: Buffer; oriented6: Buffer }> {
  const upright = await fromRaw(w, h, seed).webp({ lossless: true }).withMetadata({ orientation: 1 }).toBuffer();
  // Orientation 6: the stored pixels must be turned 90 degrees clockwise to display, so store them turned 90 anticlockwise.
  const turned = await fromRaw(w, h, seed).rotate(270).raw().toBuffer({ resolveWithObject: true });
  const oriented6 = await sharp(turned.data, {
    raw: { width: turned.info.width, height: turned.info.height, channels: 3 },
  })
    .webp({ lossless: true })
    .withMetadata({ orientation: 6 })
    .toBuffer();
  return { upright, oriented6 };
}

export function writeFiles(dir: string, files: Record<string, Buffer | string>): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, data] of Object.entries(files)) writeFileSync(join(dir, name), data);
}
