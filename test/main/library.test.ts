// Importing folders through the back end (the data layer underneath): reports, events, stable ids,
// removal, thumbnails that are exactly the model's input, warnings, restore from the cache, the demo.

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Backend } from '../../src-main/backend.js';
import type { AppEvent, FolderImportReport, ProjectState } from '../../src-main/contract.js';
import { ok } from '../helpers/backend.js';

/** 64x64 PNGs of one colour (plus a little per-image variation so none are duplicates). */
async function writeImages(folder: string, rgb: [number, number, number], n: number): Promise<void> {
  await mkdir(folder, { recursive: true });
  for (let k = 0; k < n; k++) {
    const raw = Buffer.alloc(64 * 64 * 3);
    for (let i = 0; i < 64 * 64; i++) raw.set([rgb[0], rgb[1], (rgb[2] + k * 7 + (i % 5)) % 256], i * 3);
    await sharp(raw, { raw: { width: 64, height: 64, channels: 3 } })
      .png()
      .toFile(join(folder, `img-${k}.png`));
  }
}

describe('library through the back end', () => {
  let root: string;
  let userData: string;
  let red: string;
  let blue: string;
  let backend: Backend;
  const events: AppEvent[] = [];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'catnet-library-'));
    userData = join(root, 'user-data');
    red = join(root, 'red');
    blue = join(root, 'blue');
    await writeImages(red, [220, 30, 30], 12);
    await writeImages(blue, [20, 40, 210], 3);
    await writeFile(join(red, 'broken.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]));
    await writeFile(join(red, 'notes.txt'), 'not an image');
    backend = await Backend.create({ userData, transport: 'browser' });
    backend.events.subscribe((e) => events.push(e));
  });

  afterAll(async () => {
    await backend.dispose();
    await rm(root, { recursive: true, force: true });
  });

  it('imports a folder: accepted and skipped files with reasons, progress and done events', async () => {
    const report = ok<FolderImportReport>(await backend.call('addFolder', ['train-positive', red]));
    expect(report.accepted).toBe(12);
    expect(report.skipped.map((s) => s.path).sort()).toEqual([join(red, 'broken.png'), join(red, 'notes.txt')]);
    for (const s of report.skipped) expect(s.reason.length).toBeGreaterThan(5);
    expect(events.some((e) => e.type === 'import-progress' && e.total === 14)).toBe(true);
    expect(events.some((e) => e.type === 'import-done' && e.report.folder === red)).toBe(true);
    const project = ok<ProjectState>(await backend.call('getProject', []));
    expect(project.counts['train-positive']).toBe(12);
    expect(project.folders).toEqual([{ role: 'train-positive', path: red, accepted: 12, skipped: 2 }]);
    expect(project.warnings.join(' ')).toMatch(/No 'non-cat' training images/);
  });

  it('explains bad folder paths', async () => {
    expect(await backend.call('addFolder', ['train-negative', 'relative/path'])).toMatchObject({
      error: expect.stringMatching(/not an absolute folder path/),
    });
    expect(await backend.call('addFolder', ['train-negative', join(root, 'nope')])).toMatchObject({
      error: expect.stringMatching(/does not exist/),
    });
    expect(await backend.call('addFolder', ['train-negative', join(red, 'img-0.png')])).toMatchObject({
      error: expect.stringMatching(/is a file, not a folder/),
    });
    expect(await backend.call('addFolder', ['train-negative'])).toMatchObject({
      error: expect.stringMatching(/give its full path/),
    });
  });

  it('warns about imbalance and about images in both classes', async () => {
    ok(await backend.call('addFolder', ['train-negative', blue]));
    let project = ok<ProjectState>(await backend.call('getProject', []));
    expect(project.warnings.join(' ')).toMatch(/Only 3 'non-cat' training images for 12 'cat'/);
    const both = ok<FolderImportReport>(await backend.call('addFolder', ['test-negative', red]));
    expect(both.inBothClasses).toHaveLength(12);
    project = ok<ProjectState>(await backend.call('getProject', []));
    expect(project.warnings.join(' ')).toMatch(/12 image\(s\) are in both classes/);
    project = ok<ProjectState>(await backend.call('removeFolder', ['test-negative', red]));
    expect(project.counts['test-negative']).toBe(0);
    expect(project.warnings.join(' ')).not.toMatch(/both classes/);
  });

  it('lists images with stable ids, removes one, and keeps ids and removals across a re-import', async () => {
    const page = ok<{ total: number; images: { id: number; path: string }[] }>(
      await backend.call('listImages', ['train-positive', 0, 100]),
    );
    expect(page.total).toBe(12);
    const ids = page.images.map((i) => i.id);
    expect(new Set(ids).size).toBe(12);
    const victim = page.images[3]!;
    const after = ok<ProjectState>(await backend.call('removeImage', [victim.id]));
    expect(after.counts['train-positive']).toBe(11);
    ok(await backend.call('addFolder', ['train-positive', red]));
    const again = ok<{ total: number; images: { id: number; path: string }[] }>(
      await backend.call('listImages', ['train-positive', 0, 100]),
    );
    expect(again.total).toBe(11);
    expect(again.images.map((i) => i.path)).not.toContain(victim.path);
    for (const image of again.images) expect(image.id).toBe(page.images.find((p) => p.path === image.path)!.id);
    const second = ok<{ images: { id: number }[] }>(await backend.call('listImages', ['train-positive', 5, 3]));
    expect(second.images.map((i) => i.id)).toEqual(again.images.slice(5, 8).map((i) => i.id));
    expect(await backend.call('removeImage', [victim.id])).toMatchObject({ error: expect.stringMatching(/no image/) });
  });

  it('thumbnails are PNGs of exactly the 64x64 pixels imported', async () => {
    const page = ok<{ images: { id: number; path: string }[] }>(
      await backend.call('listImages', ['train-positive', 0, 2]),
    );
    const thumbs = ok<Record<number, string>>(await backend.call('thumbnails', [[page.images[0]!.id, 99999]]));
    expect(Object.keys(thumbs)).toEqual([String(page.images[0]!.id)]);
    const url = thumbs[page.images[0]!.id]!;
    expect(url.startsWith('data:image/png;base64,')).toBe(true);
    const decoded = await sharp(Buffer.from(url.split(',')[1]!, 'base64'))
      .raw()
      .toBuffer();
    const original = await sharp(page.images[0]!.path).removeAlpha().raw().toBuffer();
    expect(decoded.equals(original)).toBe(true);
  });

  it('restores the folders at the next start, from the cache, minus removed images', async () => {
    const before = ok<ProjectState>(await backend.call('getProject', []));
    const next = await Backend.create({ userData, transport: 'browser' });
    const restored = ok<ProjectState>(await next.call('getProject', []));
    expect(restored.counts).toEqual(before.counts);
    const reports = ok<FolderImportReport[]>(await next.call('lastImportReports', []));
    // all 12 red files come from the cache (the removed one is then left out), and the 3 blue ones
    expect(reports.map((r) => r.fromCache)).toEqual([12, 3]);
    await next.dispose();
  });

  it('creates the demo: two visually distinct classes of 60 images under user data', async () => {
    const project = ok<ProjectState>(await backend.call('createDemo', []));
    expect(project.classNames).toEqual(['warm blobs', 'cool stripes']);
    expect(project.counts).toEqual({
      'train-positive': 60,
      'train-negative': 60,
      'test-positive': 0,
      'test-negative': 0,
    });
    for (const f of project.folders) expect(f.path.startsWith(join(userData, 'demo'))).toBe(true);
    // Oracle: warm images are redder than blue on average, cool ones bluer than red.
    const meanRedMinusBlue = async (role: 'train-positive' | 'train-negative') => {
      const page = ok<{ images: { path: string }[] }>(await backend.call('listImages', [role, 0, 60]));
      let sum = 0;
      for (const image of page.images) {
        const { channels } = await sharp(image.path).stats();
        sum += channels[0]!.mean - channels[2]!.mean;
      }
      return sum / page.images.length;
    };
    expect(await meanRedMinusBlue('train-positive')).toBeGreaterThan(50);
    expect(await meanRedMinusBlue('train-negative')).toBeLessThan(-50);
  });
});
