// The decode memory budget on both decoders (the fast JPEG path and sharp): large decodes reserve
// their estimate first, so the most reserved at once never exceeds the budget however many files
// are decoded at once; a decode needing more than the whole budget is rejected with its need. The
// estimate is checked against libjpeg's own coefficient-buffer size (jdcoefct.c's formula).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBudget, setDecodeBudget } from '../../../src-core/data/decode-budget.js';
import { decodeEstimate, jpegFrame } from '../../../src-core/data/decode-estimate.js';
import { importFolders } from '../../../src-core/data/import.js';
import { jpegDecoderInfo, setJpegDecoder } from '../../../src-core/data/jpeg-fast.js';
import { flatProgressiveJpeg } from '../../helpers/big-jpeg.js';
import { makeJpeg } from '../../helpers/make-images.js';

const MB = 2 ** 20;
const BIG = 4;
const PHOTOS = 6;
let folder: string;
const before = decodeBudget().total;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'catnet-budget-'));
  // 4000x4000 4:4:4 progressive: 500 x 500 blocks x 3 components x 128 bytes = 96,000,000 bytes
  for (let i = 0; i < BIG; i++)
    writeFileSync(join(folder, `big-${i}.jpg`), flatProgressiveJpeg(4000, 4000, [30 * i, 90, 160]));
  for (let i = 0; i < PHOTOS; i++) writeFileSync(join(folder, `photo-${i}.jpg`), await makeJpeg(400, 300, i));
});
afterAll(() => {
  setDecodeBudget(before);
  setJpegDecoder('auto');
  rmSync(folder, { recursive: true, force: true });
});

describe('the decode estimate', () => {
  it("reads a progressive JPEG's frame and sizes libjpeg's coefficient buffer", async () => {
    const bytes = flatProgressiveJpeg(4000, 4000, [1, 2, 3]);
    expect(jpegFrame(bytes)).toMatchObject({ width: 4000, height: 4000, multiScan: true });
    const estimate = decodeEstimate(bytes, 'jpeg')!;
    expect(estimate.pixels).toBe(16e6);
    expect(estimate.bytes).toBeGreaterThanOrEqual(96_000_000);
    expect(estimate.bytes).toBeLessThan(96_000_000 + 8 * MB);
    // a baseline (single-scan) JPEG keeps no coefficient buffer: only the image shrunk on load
    const baseline = await sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#468' } })
      .jpeg()
      .toBuffer();
    expect(jpegFrame(baseline)?.multiScan).toBe(false);
    expect(decodeEstimate(baseline, 'jpeg')!.bytes).toBeLessThan(4 * MB);
  });
});

const decoders = jpegDecoderInfo().decoder === 'libjpeg-turbo' ? (['auto', 'sharp'] as const) : (['sharp'] as const);

describe.each(decoders)('the budget with the %s decoder', (decoder) => {
  it('decodes the big ones one at a time under a 100 MB budget, all imported', async () => {
    setJpegDecoder(decoder);
    setDecodeBudget(100 * MB);
    const { report } = await importFolders({ folders: [{ path: folder, label: 1 }], concurrency: 16 });
    expect(report.skipped).toEqual([]);
    expect(report.accepted).toBe(BIG + PHOTOS);
    const { peak, used, total } = decodeBudget();
    expect(total).toBe(100 * MB);
    expect(used).toBe(0); // every reservation released
    expect(peak).toBeGreaterThanOrEqual(96_000_000); // the big ones did reserve
    expect(peak).toBeLessThanOrEqual(total);
  }, 60_000);

  it('rejects them with their need under a 64 MB budget (not cached: a larger budget imports them)', async () => {
    setJpegDecoder(decoder);
    setDecodeBudget(64 * MB);
    const cacheDir = mkdtempSync(join(tmpdir(), 'catnet-budget-cache-'));
    const { report } = await importFolders({ folders: [{ path: folder, label: 1 }], concurrency: 16, cacheDir });
    expect(report.accepted).toBe(PHOTOS);
    expect(report.skipped.map((s) => s.reason)).toEqual(new Array(BIG).fill('too-many-pixels'));
    for (const s of report.skipped) expect(s.message).toMatch(/needs 9\d MB of memory to decode, more than the 64 MB/);
    expect(decodeBudget().used).toBe(0);
    setDecodeBudget(100 * MB);
    const again = await importFolders({ folders: [{ path: folder, label: 1 }], concurrency: 16, cacheDir });
    expect(again.report.accepted).toBe(BIG + PHOTOS);
    rmSync(cacheDir, { recursive: true, force: true });
  }, 60_000);
});
