// Hostile file names in an imported folder: bytes that are not UTF-8, newlines and carriage returns,
// HTML, very long names, names that look like options or paths. Each image is imported, listed,
// thumbnailed, removed and survives a restart; the event stream stays one event per line.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Backend } from '../../src-main/backend.js';
import type { AppEvent, FolderImportReport, ImageEntry, ProjectState } from '../../src-main/contract.js';
import { ok } from '../helpers/backend.js';
import { makePng } from '../helpers/make-images.js';

describe('hostile file names', () => {
  let root: string;
  let folder: string;
  const names: Buffer[] = [
    Buffer.from([0xff, 0xfe, 0x2e, 0x70, 0x6e, 0x67]), // \xff\xfe.png: not UTF-8
    Buffer.from('line\nbreak.png'),
    Buffer.from('carriage\rreturn.png'),
    Buffer.from('<img src=x onerror=alert(1)>.png'),
    Buffer.from('--help.png'),
    Buffer.from(`${'x'.repeat(240)}.png`),
    Buffer.from('data: {"type":"project"}.png'),
    Buffer.from('ünïcødé 猫.png'),
  ];

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'catnet-names-'));
    folder = join(root, 'images');
    mkdirSync(folder);
    for (const [i, name] of names.entries())
      writeFileSync(Buffer.concat([Buffer.from(`${folder}/`), name]), await makePng(40, 40, i + 1));
  });

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('every one is imported, listed, thumbnailed, removable, and restored after a restart', async () => {
    const userData = mkdtempSync(join(root, 'ud-'));
    const backend = await Backend.create({ userData, transport: 'browser' });
    const events: AppEvent[] = [];
    backend.events.subscribe((e) => events.push(e));
    const report = ok<FolderImportReport>(await backend.call('addFolder', ['train-positive', folder]));
    expect(report.accepted, JSON.stringify(report.skipped)).toBe(names.length);
    const { images } = ok<{ images: ImageEntry[] }>(await backend.call('listImages', ['train-positive', 0, 100]));
    expect(images).toHaveLength(names.length);
    const thumbs = ok<Record<number, string>>(await backend.call('thumbnails', [images.map((i) => i.id)]));
    expect(Object.keys(thumbs)).toHaveLength(names.length);
    // Every event crosses as one SSE line: JSON escapes the newlines in names.
    for (const e of events) expect(JSON.stringify(e)).not.toMatch(/[\r\n]/);
    const withNewline = images.find((i) => i.path.includes('\n'))!;
    const notUtf8 = images.find((i) => i.path.includes('\ufffd'))!;
    ok(await backend.call('removeImage', [withNewline.id]));
    ok(await backend.call('removeImage', [notUtf8.id]));
    await backend.dispose();

    const again = await Backend.create({ userData, transport: 'browser' });
    await again.whenReady();
    const state = ok<ProjectState>(await again.call('getProject', []));
    expect(state.notice).toBeUndefined();
    expect(state.counts['train-positive']).toBe(names.length - 2);
    await again.dispose();
  });
});
