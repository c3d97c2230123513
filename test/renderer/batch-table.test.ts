// The classified-folder table's filter and sort, and how picked files become upload groups, against
// hand-counted expectations (the renderer's pure modules, no DOM).

import { describe, expect, it } from 'vitest';
import type { BatchRow } from '../../src-main/contract.js';
import { visibleRows } from '../../src-renderer/state/batch-table.js';
import { isSingleImage, LOOSE_FILES, readInput } from '../../src-renderer/state/dropped-files.js';

const row = (id: number, probability: number, truth?: 0 | 1): BatchRow => ({
  id,
  file: `f${id}.png`,
  probability,
  label: probability >= 0.5 ? 1 : 0,
  className: probability >= 0.5 ? 'cat' : 'dog',
  ...(truth !== undefined ? { truth } : {}),
});

describe('the classified-folder table', () => {
  const rows = [row(0, 0.9, 1), row(1, 0.2, 1), row(2, 0.5), row(3, 0.1, 0), row(4, 0.5, 0)];

  it('filters by label and to the rows their folder contradicts', () => {
    expect(visibleRows(rows, 'all', 'file').map((r) => r.id)).toEqual([0, 1, 2, 3, 4]);
    expect(visibleRows(rows, 'positive', 'file').map((r) => r.id)).toEqual([0, 2, 4]);
    expect(visibleRows(rows, 'negative', 'file').map((r) => r.id)).toEqual([1, 3]);
    expect(visibleRows(rows, 'wrong', 'file').map((r) => r.id)).toEqual([1, 4]);
  });

  it('sorts by probability either way, ties in file order, without changing the input', () => {
    expect(visibleRows(rows, 'all', 'probability-desc').map((r) => r.id)).toEqual([0, 2, 4, 1, 3]);
    expect(visibleRows(rows, 'all', 'probability-asc').map((r) => r.id)).toEqual([3, 1, 2, 4, 0]);
    expect(rows.map((r) => r.id)).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('picked files as upload groups', () => {
  const file = (name: string, relative = '', type = 'image/png') => {
    const f = new File([new Uint8Array(3)], name, { type });
    if (relative) Object.defineProperty(f, 'webkitRelativePath', { value: relative });
    return f;
  };
  const list = (files: File[]) => files as unknown as FileList;

  it('groups a chosen folder by its top folder, with paths relative to it', () => {
    const groups = readInput(
      list([file('a.png', 'cats/a.png'), file('b.png', 'cats/sub/b.png'), file('c.png', 'dogs/c.png')]),
    );
    expect(groups.map((g) => [g.name, g.folder, g.files.map((f) => f.path)])).toEqual([
      ['cats', true, ['a.png', 'sub/b.png']],
      ['dogs', true, ['c.png']],
    ]);
  });

  it('puts loose files in one group, renaming files with the same name', () => {
    const groups = readInput(list([file('a.png'), file('a.png'), file('notes')]));
    expect(groups).toHaveLength(1);
    expect(groups[0]!.name).toBe(LOOSE_FILES);
    expect(groups[0]!.files.map((f) => f.path)).toEqual(['a.png', 'a (2).png', 'notes']);
  });

  it('tells one image apart from anything else', () => {
    expect(isSingleImage([file('a.png')])).toBe(true);
    expect(isSingleImage([file('a.png'), file('b.png')])).toBe(false);
    expect(isSingleImage([file('a.txt', '', 'text/plain')])).toBe(false);
  });
});
