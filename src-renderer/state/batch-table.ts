// The classified-folder table's rows as shown: filtered by label (or to the mistakes, when folders
// name the classes) and sorted by probability or in file order. Pure, tested in test/renderer.

import type { BatchRow } from '../../src-main/contract.js';

export type BatchSort = 'file' | 'probability-desc' | 'probability-asc';
export type BatchFilter = 'all' | 'positive' | 'negative' | 'wrong';

export function visibleRows(rows: readonly BatchRow[], filter: BatchFilter, sort: BatchSort): BatchRow[] {
  const kept =
    filter === 'all'
      ? [...rows]
      : rows.filter((r) =>
          filter === 'positive'
            ? r.label === 1
            : filter === 'negative'
              ? r.label === 0
              : r.truth !== undefined && r.truth !== r.label,
        );
  if (sort === 'probability-desc') kept.sort((a, b) => b.probability - a.probability || a.id - b.id);
  else if (sort === 'probability-asc') kept.sort((a, b) => a.probability - b.probability || a.id - b.id);
  return kept;
}
