// The virtual grid's windowing math against a brute-force oracle: lay out every cell, and check that
// every cell intersecting the viewport is rendered, and that no more than the overscan rows are added.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batches, gridWindow, pagesFor } from '../../src-renderer/state/grid-window.js';

describe('gridWindow', () => {
  it('renders exactly the cells that intersect the viewport, plus the overscan rows', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 20_000 }),
        fc.integer({ min: 0, max: 2000 }),
        fc.integer({ min: 0, max: 900 }),
        fc.integer({ min: 0, max: 2_000_000 }),
        fc.integer({ min: 8, max: 128 }),
        fc.integer({ min: 0, max: 12 }),
        fc.integer({ min: 0, max: 4 }),
        (total, width, height, scrollTop, cell, gap, overscan) => {
          const w = gridWindow({ total, width, height, scrollTop, cell, gap, overscan });
          // Oracle: columns by trying every count.
          let columns = 1;
          while ((columns + 1) * cell + columns * gap <= width) columns++;
          expect(w.columns).toBe(columns);
          const rows = Math.ceil(total / columns);
          const totalHeight = rows === 0 ? 0 : rows * (cell + gap) - gap;
          expect(w.totalHeight).toBe(totalHeight);
          const top = Math.min(scrollTop, Math.max(0, totalHeight - height));
          const visibleRows = new Set<number>();
          for (let r = 0; r < rows; r++) {
            const y0 = r * (cell + gap);
            const y1 = y0 + cell;
            if (y1 > top && y0 < top + height) visibleRows.add(r);
          }
          for (const r of visibleRows) {
            expect(r * columns).toBeGreaterThanOrEqual(w.first);
            expect(Math.min(total, (r + 1) * columns)).toBeLessThanOrEqual(w.last);
          }
          expect(w.first % columns).toBe(0);
          expect(w.offsetY).toBe((w.first / columns) * (cell + gap));
          const renderedRows = Math.ceil((w.last - w.first) / columns);
          expect(renderedRows).toBeLessThanOrEqual(visibleRows.size + 2 * overscan + 1);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('keeps 10,000 images to a few dozen cells', () => {
    const w = gridWindow({ total: 10_000, width: 420, height: 232, scrollTop: 300_000, cell: 64, gap: 6, overscan: 2 });
    expect(w.columns).toBe(6);
    expect(w.last).toBe(10_000); // scrolled past the end: clamped to the last rows
    expect(w.last - w.first).toBeLessThanOrEqual(6 * 8);
    expect(w.totalHeight).toBe(1667 * 70 - 6);
  });

  it('handles an empty grid and a zero-width container', () => {
    expect(
      gridWindow({ total: 0, width: 500, height: 200, scrollTop: 0, cell: 64, gap: 6, overscan: 2 }),
    ).toMatchObject({
      first: 0,
      last: 0,
      totalHeight: 0,
    });
    const narrow = gridWindow({ total: 5, width: 0, height: 200, scrollTop: 0, cell: 64, gap: 6, overscan: 0 });
    expect(narrow.columns).toBe(1);
    expect(narrow.last).toBe(3);
  });
});

describe('pagesFor and batches', () => {
  it('lists the pages covering a range', () => {
    expect(pagesFor(0, 0, 500)).toEqual([]);
    expect(pagesFor(0, 1, 500)).toEqual([0]);
    expect(pagesFor(499, 501, 500)).toEqual([0, 1]);
    expect(pagesFor(1000, 1500, 500)).toEqual([2]);
  });

  it('splits ids into batches that keep order and cover everything', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 1200 }), fc.integer({ min: 1, max: 500 }), (ids, size) => {
        const b = batches(ids, size);
        expect(b.flat()).toEqual(ids);
        for (const batch of b) expect(batch.length).toBeGreaterThan(0);
        for (const batch of b) expect(batch.length).toBeLessThanOrEqual(size);
      }),
    );
  });
});
