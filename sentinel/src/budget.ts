/**
 * The RapidPro request budget that sends and polls share: never more than `requests_per_hour` calls
 * in any sliding hour, across restarts, and nothing at all before a 429's Retry-After has passed.
 *
 * Each call is recorded in `<db>-rapidpro` before it is made (a crash can only over-count), in
 * per-second buckets rounded up, and the window is an hour plus a margin, so the count RapidPro
 * keeps can never be higher than ours.
 *
 * Sends come first: while messages wait to be sent, polls may use only a small share of the hour
 * (enough to keep statuses moving); otherwise polls may use most, but never all, of it.
 */
import type { CouchClient } from '../../shared-libs/couch/src';
import { CouchError, metaDbName } from '../../shared-libs/couch/src';
import type { Clock } from './clock';

export const BUDGET_ID = '_local/rapidpro-budget';

export type CallKind = 'send' | 'poll';

/** [second (rounded up), sends, polls] */
type Bucket = [number, number, number];

interface BudgetDoc {
  _id: typeof BUDGET_ID;
  _rev?: string;
  buckets: Bucket[];
  paused_until?: number;
}

export interface BudgetOptions {
  couch: CouchClient;
  clock: Clock;
  /** The window RapidPro counts in, plus a margin for clock and transit differences. @defaultValue 1 h + 10 s */
  windowMs?: number;
  /** Share of the hour polls may use while sends are waiting. @defaultValue 0.05 */
  pollShareWhileSending?: number;
  /** Share of the hour polls may use at most. @defaultValue 0.8 */
  pollShareMax?: number;
}

export type TakeResult = { ok: true } | { ok: false; waitMs: number; why: 'paused' | 'limit' | 'sends-first' };

export interface Budget {
  load(): Promise<void>;
  /** Takes a slot (recorded durably) if one is free now; otherwise says how long to wait. */
  take(kind: CallKind, limitPerHour: number, sendsWaiting: boolean): Promise<TakeResult>;
  /** After a 429: no call of any kind until then. */
  pauseUntil(untilMs: number): Promise<void>;
  usage(): { used: number; sends: number; polls: number; pausedUntil?: number };
}

export function createBudget(options: BudgetOptions): Budget {
  const { clock } = options;
  const windowMs = options.windowMs ?? 3600000 + 10000;
  const whileSending = options.pollShareWhileSending ?? 0.05;
  const pollMax = options.pollShareMax ?? 0.8;
  const db = options.couch.db(metaDbName(options.couch.target.dbName));
  let doc: BudgetDoc = { _id: BUDGET_ID, buckets: [] };
  let queue: Promise<unknown> = Promise.resolve();

  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  };

  function prune(now: number): void {
    const oldestSecond = Math.floor((now - windowMs) / 1000);
    doc.buckets = doc.buckets.filter(([second]) => second > oldestSecond);
  }

  function counts(): { sends: number; polls: number } {
    let sends = 0;
    let polls = 0;
    for (const [, s, p] of doc.buckets) {
      sends += s;
      polls += p;
    }
    return { sends, polls };
  }

  /** When enough of the oldest calls leave the window to bring `count` under `cap`. */
  function waitUntilBelow(cap: number, kind: 'all' | CallKind, now: number): number {
    let excess = (kind === 'all' ? counts().sends + counts().polls : kind === 'send' ? counts().sends : counts().polls) - cap + 1;
    for (const [second, s, p] of doc.buckets) {
      excess -= kind === 'all' ? s + p : kind === 'send' ? s : p;
      if (excess <= 0) {
        return Math.max(1, second * 1000 + windowMs - now);
      }
    }
    return 1000;
  }

  async function save(): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const res = await db.put(doc);
        doc._rev = res.rev;
        return;
      } catch (err) {
        if (!(err instanceof CouchError && err.kind === 'conflict')) {
          throw err;
        }
        // Another writer (a sentinel that lost its lease mid-call): keep the larger of both records.
        const theirs = await db.get<BudgetDoc>(BUDGET_ID);
        if (theirs) {
          const merged = new Map<number, Bucket>(doc.buckets.map((b) => [b[0], b]));
          for (const b of theirs.buckets) {
            const mine = merged.get(b[0]);
            merged.set(b[0], mine ? [b[0], Math.max(mine[1], b[1]), Math.max(mine[2], b[2])] : b);
          }
          doc = { ...doc, _rev: theirs._rev, buckets: [...merged.values()].sort((a, b) => a[0] - b[0]), paused_until: Math.max(doc.paused_until ?? 0, theirs.paused_until ?? 0) || undefined };
        }
      }
    }
    throw new Error('could not record a RapidPro call in the budget');
  }

  return {
    async load() {
      const stored = await db.get<BudgetDoc>(BUDGET_ID);
      if (stored) {
        doc = { ...stored, buckets: stored.buckets ?? [] };
      }
      prune(clock.now());
    },
    take(kind, limitPerHour, sendsWaiting) {
      return serial(async (): Promise<TakeResult> => {
        const now = clock.now();
        prune(now);
        if (doc.paused_until && now < doc.paused_until) {
          return { ok: false, waitMs: doc.paused_until - now, why: 'paused' };
        }
        const { sends, polls } = counts();
        if (sends + polls >= limitPerHour) {
          return { ok: false, waitMs: waitUntilBelow(limitPerHour, 'all', now), why: 'limit' };
        }
        if (kind === 'poll') {
          const share = sendsWaiting ? whileSending : pollMax;
          const cap = Math.max(1, Math.floor(limitPerHour * share));
          if (polls >= cap) {
            return { ok: false, waitMs: Math.min(waitUntilBelow(cap, 'poll', now), sendsWaiting ? 5000 : Infinity), why: 'sends-first' };
          }
        }
        const second = Math.ceil(now / 1000);
        const last = doc.buckets[doc.buckets.length - 1];
        const bucket: Bucket = last && last[0] === second ? last : [second, 0, 0];
        if (bucket !== last) {
          doc.buckets.push(bucket);
        }
        bucket[kind === 'send' ? 1 : 2]++;
        try {
          await save();
        } catch (err) {
          bucket[kind === 'send' ? 1 : 2]--;
          throw err;
        }
        return { ok: true };
      });
    },
    pauseUntil(untilMs) {
      // Takes effect at once, ahead of any take() already queued; only the write waits its turn.
      if ((doc.paused_until ?? 0) >= untilMs) {
        return Promise.resolve();
      }
      doc.paused_until = untilMs;
      return serial(() => save());
    },
    usage() {
      prune(clock.now());
      const { sends, polls } = counts();
      const pausedUntil = doc.paused_until && doc.paused_until > clock.now() ? doc.paused_until : undefined;
      return { used: sends + polls, sends, polls, pausedUntil };
    },
  };
}
