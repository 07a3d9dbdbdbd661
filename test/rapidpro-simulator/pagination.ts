/**
 * Cursor pagination in the manner of DRF's CursorPagination (reference §4.2): `{next, previous, results}`,
 * absolute `next`/`previous` URLs built from the request URL with `cursor=` replaced and the parameters
 * sorted, an opaque base64 cursor, 404 "Invalid cursor" for a bad one.
 *
 * The cursor holds the (ordering key, id) of the row at the page edge, so pages stay stable while rows
 * are inserted, and finding a page is a binary search on a sorted index.
 */
import { lowerBound } from './sorted-index';

export interface Cursor {
  key: number;
  id: number;
  reverse: boolean;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(`p=${cursor.key}&i=${cursor.id}&r=${cursor.reverse ? 1 : 0}`).toString('base64');
}

/** `null` for an absent or empty cursor (first page), `'invalid'` when it cannot be decoded. */
export function decodeCursor(encoded: string | null): Cursor | null | 'invalid' {
  if (encoded === null || encoded === '') return null;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) return 'invalid';
  const m = /^p=(-?\d+)&i=(\d+)&r=([01])$/.exec(Buffer.from(encoded, 'base64').toString('latin1'));
  if (!m) return 'invalid';
  return { key: Number(m[1]), id: Number(m[2]), reverse: m[3] === '1' };
}

export interface PageQuery<T extends { id: number }> {
  /** Candidate rows, ascending by (keyOf, id); pages are served in descending order. */
  rows: readonly T[];
  keyOf: (row: T) => number;
  matches: (row: T) => boolean;
  /** Inclusive bounds on the ordering key, used to skip straight to the window. */
  minKey?: number;
  maxKey?: number;
  cursor: Cursor | null;
  pageSize: number;
}

export interface Page<T> {
  items: T[];
  next: Cursor | null;
  previous: Cursor | null;
}

export function paginate<T extends { id: number }>(q: PageQuery<T>): Page<T> {
  const { rows, keyOf, matches, pageSize, cursor } = q;
  const minKey = q.minKey ?? -Infinity;
  const maxKey = q.maxKey ?? Infinity;
  const edge = (row: T, reverse: boolean): Cursor => ({ key: keyOf(row), id: row.id, reverse });
  const collected: T[] = [];

  if (!cursor?.reverse) {
    let start = lowerBound(rows, keyOf, maxKey, Infinity) - 1;
    if (cursor) start = Math.min(start, lowerBound(rows, keyOf, cursor.key, cursor.id) - 1);
    for (let i = start; i >= 0 && collected.length <= pageSize; i--) {
      const row = rows[i];
      if (keyOf(row) < minKey) break;
      if (matches(row)) collected.push(row);
    }
    const items = collected.slice(0, pageSize);
    const next = collected.length > pageSize ? edge(items[items.length - 1], false) : null;
    let previous: Cursor | null = null;
    if (cursor) previous = items.length > 0 ? edge(items[0], true) : { ...cursor, reverse: true };
    return { items, next, previous };
  }

  const start = Math.max(
    lowerBound(rows, keyOf, cursor.key, cursor.id + 1),
    lowerBound(rows, keyOf, minKey, -Infinity),
  );
  for (let i = start; i < rows.length && collected.length <= pageSize; i++) {
    const row = rows[i];
    if (keyOf(row) > maxKey) break;
    if (matches(row)) collected.push(row);
  }
  const items = collected.slice(0, pageSize).reverse();
  const next = items.length > 0 ? edge(items[items.length - 1], false) : { ...cursor, reverse: false };
  const previous = collected.length > pageSize ? edge(items[0], true) : null;
  return { items, next, previous };
}

/** Python's `quote_plus`: only letters, digits and `_.-~` stay as they are; spaces become `+`. */
function quotePlus(s: string): string {
  return encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/**
 * DRF's `replace_query_param`: the request's absolute URL with `cursor` set, parameters sorted by name
 * (repeated values kept in order), encoded like Python's `urlencode`.
 */
export function pageUrl(base: string, params: URLSearchParams, cursor: Cursor): string {
  const byName = new Map<string, string[]>();
  for (const [name, value] of params) {
    if (name === 'cursor') continue;
    const values = byName.get(name) ?? [];
    values.push(value);
    byName.set(name, values);
  }
  byName.set('cursor', [encodeCursor(cursor)]);
  const names = [...byName.keys()].sort();
  const query = names.flatMap((n) => (byName.get(n) ?? []).map((v) => `${quotePlus(n)}=${quotePlus(v)}`));
  return `${base}?${query.join('&')}`;
}
