// The classified-folder table's filter and sort against hand-counted expectations. (How picked files
// become upload groups needs the DOM's File types: test/e2e/upload-folder and classify-folder.)

import { describe, expect, it } from 'vitest';
import type { BatchRow } from '../../src-main/contract.js';
import { visibleRows } from '../../src-renderer/state/batch-table.js';

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
