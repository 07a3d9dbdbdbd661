import type { RequestLogEntry } from './types';

export interface RequestLog {
  add(entry: Omit<RequestLogEntry, 'index'>): RequestLogEntry;
  /** Entries with `index >= since` (all by default), oldest first. */
  entries(since?: number): RequestLogEntry[];
  /** Index the next entry will get. */
  nextIndex(): number;
  /** Drops the entries; indexes keep counting. */
  clear(): void;
  /** Drops the entries and starts indexes again at 0. */
  reset(): void;
}

/** API requests in arrival order; the oldest are dropped past `maxEntries()`, indexes never repeat. */
export function createRequestLog(maxEntries: () => number): RequestLog {
  let entries: RequestLogEntry[] = [];
  let next = 0;
  return {
    add(partial) {
      const entry: RequestLogEntry = { index: next++, ...partial };
      entries.push(entry);
      const excess = entries.length - maxEntries();
      if (excess > 0) entries = entries.slice(excess);
      return entry;
    },
    entries(since = 0) {
      const first = entries.length > 0 ? entries[0].index : next;
      return entries.slice(Math.max(0, since - first));
    },
    nextIndex: () => next,
    clear() {
      entries = [];
    },
    reset() {
      entries = [];
      next = 0;
    },
  };
}
