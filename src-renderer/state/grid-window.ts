// Which cells of a virtualised thumbnail grid are on screen. Pure arithmetic: the grid component
// renders only cells [first, last) and pads the scroll area to the full height, so 10,000 images cost
// the same as the few dozen that are visible.

export interface GridGeometry {
  /** Number of items in the grid. */
  total: number;
  /** Inner width of the scroll container, px. */
  width: number;
  /** Visible height of the scroll container, px. */
  height: number;
  /** scrollTop of the container, px. */
  scrollTop: number;
  /** Side of one square cell, px, and the gap between cells, px. */
  cell: number;
  gap: number;
  /** Extra rows rendered above and below the visible ones, so fast scrolling shows no holes. */
  overscan: number;
}

export interface GridWindow {
  columns: number;
  rows: number;
  /** Height of one row including the gap below it, px. */
  rowHeight: number;
  /** Full scrollable height, px. */
  totalHeight: number;
  /** First rendered item index (inclusive) and last (exclusive). */
  first: number;
  last: number;
  /** Vertical offset of the first rendered row, px. */
  offsetY: number;
}

export function gridWindow(g: GridGeometry): GridWindow {
  const total = Math.max(0, Math.floor(g.total));
  const cell = Math.max(1, g.cell);
  const gap = Math.max(0, g.gap);
  const rowHeight = cell + gap;
  // A row holds as many cells as fit with a gap between them: c*cell + (c-1)*gap <= width.
  const columns = Math.max(1, Math.floor((Math.max(0, g.width) + gap) / rowHeight));
  const rows = Math.ceil(total / columns);
  const totalHeight = rows === 0 ? 0 : rows * rowHeight - gap;
  const overscan = Math.max(0, Math.floor(g.overscan));
  const maxTop = Math.max(0, totalHeight - Math.max(0, g.height));
  const top = Math.min(Math.max(0, g.scrollTop), maxTop);
  // Clamped to the last row so `first` stays a multiple of `columns` even for a zero-height view.
  const firstRow = Math.min(Math.max(0, rows - 1), Math.max(0, Math.floor(top / rowHeight) - overscan));
  const lastRow = Math.min(rows, Math.ceil((top + Math.max(0, g.height)) / rowHeight) + overscan);
  return {
    columns,
    rows,
    rowHeight,
    totalHeight,
    first: Math.min(total, firstRow * columns),
    last: Math.min(total, Math.max(firstRow, lastRow) * columns),
    offsetY: firstRow * rowHeight,
  };
}

/** Page numbers (of `pageSize` items) that cover items [first, last). */
export function pagesFor(first: number, last: number, pageSize: number): number[] {
  if (last <= first) return [];
  const pages: number[] = [];
  for (let p = Math.floor(first / pageSize); p * pageSize < last; p++) pages.push(p);
  return pages;
}

/** Splits `ids` into batches of at most `size` (the thumbnails API takes at most 500 ids a call). */
export function batches<T>(ids: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  const n = Math.max(1, Math.floor(size));
  for (let i = 0; i < ids.length; i += n) out.push(ids.slice(i, i + n));
  return out;
}
