/**
 * Rows kept in ascending (key, id) order, so a page is a binary search plus a short walk instead of
 * a sort of the whole workspace per request.
 *
 * A row's key must not change while it is in the index: remove it, change it, insert it again.
 */
export interface SortedIndex<T extends { id: number }> {
  readonly rows: readonly T[];
  readonly keyOf: (row: T) => number;
  insert(row: T): void;
  remove(row: T): void;
  /** Adds many rows at once: appended when already in order, otherwise one sort. */
  insertMany(rows: T[]): void;
  /** Position of the first row whose (key, id) is greater than or equal to (key, id). */
  lowerBound(key: number, id: number): number;
  clear(): void;
}

/** Position of the first of `rows` (ascending by key, id) whose (key, id) is at least (key, id). */
export function lowerBound<T extends { id: number }>(
  rows: readonly T[],
  keyOf: (row: T) => number,
  key: number,
  id: number,
): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const r = rows[mid];
    const k = keyOf(r);
    if (k < key || (k === key && r.id < id)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function createSortedIndex<T extends { id: number }>(keyOf: (row: T) => number): SortedIndex<T> {
  let rows: T[] = [];

  const compare = (a: T, b: T): number => keyOf(a) - keyOf(b) || a.id - b.id;
  const boundOf = (key: number, id: number): number => lowerBound(rows, keyOf, key, id);

  return {
    get rows() {
      return rows;
    },
    keyOf,
    insert(row) {
      const last = rows[rows.length - 1];
      if (!last || compare(last, row) < 0) rows.push(row);
      else rows.splice(boundOf(keyOf(row), row.id), 0, row);
    },
    remove(row) {
      const i = boundOf(keyOf(row), row.id);
      if (rows[i] === row) rows.splice(i, 1);
    },
    insertMany(added) {
      if (added.length === 0) return;
      let ordered = rows.length === 0 || compare(rows[rows.length - 1], added[0]) < 0;
      for (let i = 1; ordered && i < added.length; i++) ordered = compare(added[i - 1], added[i]) < 0;
      rows = rows.concat(added);
      if (!ordered) rows.sort(compare);
    },
    lowerBound: boundOf,
    clear() {
      rows = [];
    },
  };
}
