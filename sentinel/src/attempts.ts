/**
 * The send attempt log, the heart of crash safety. Before a broadcast is POSTed, a record of it (the
 * text, the URNs, the messages) is written to `<db>-rapidpro`; it is removed only once the outcome
 * is written to the messages. A record still present after a crash, a timeout or a garbled answer
 * means "RapidPro may or may not have this broadcast": those messages are not sent again until the
 * reconciler has looked for the broadcast in RapidPro (GET broadcasts.json) and either found it
 * (the messages are marked sent with it) or established that it was never created.
 */
import crypto from 'node:crypto';
import type { CouchClient } from '../../shared-libs/couch/src';
import { CouchError, metaDbName } from '../../shared-libs/couch/src';
import type { Clock } from './clock';

export interface AttemptMessage {
  uuid: string;
  doc_id: string;
  /** The URN as sent. */
  urn: string;
}

export interface AttemptDoc {
  _id: string;
  _rev?: string;
  type: 'rapidpro-send-attempt';
  created_at: string;
  /** RapidPro base URL and account the broadcast went to. */
  url: string;
  account: string;
  text: string;
  messages: AttemptMessage[];
  /**
   * How long after created_at a request still in flight must have ended (the call's timeout plus a
   * margin): only then does "RapidPro has no such broadcast" mean it was never created.
   */
  settle_after_ms: number;
  /** Set when the outcome is not known (crash, timeout, 5xx, garbage): why, and when to look. */
  unknown?: { since: string; reason: string; resolve_after_ms: number; checks: number };
}

const PREFIX = 'attempt:';

/** When a request made for this attempt must have ended, whatever happened to this process. */
export function settleTime(attempt: AttemptDoc): number {
  return Date.parse(attempt.created_at) + (attempt.settle_after_ms ?? 60000);
}

export interface AttemptLog {
  /** Reads the records left by a previous run: all of them have an unknown outcome. */
  load(): Promise<AttemptDoc[]>;
  open(input: { url: string; account: string; text: string; messages: AttemptMessage[]; settle_after_ms: number }): Promise<AttemptDoc>;
  /** The outcome is not known; `resolveAfterMs` (a time) defaults to when a request in flight must have ended. */
  markUnknown(attempt: AttemptDoc, reason: string, resolveAfterMs?: number): Promise<void>;
  close(attempt: AttemptDoc): Promise<void>;
  /** True while a message belongs to an attempt whose outcome is not settled. */
  isBusy(messageUuid: string): boolean;
  /** Attempts whose outcome is unknown. */
  unknown(): AttemptDoc[];
}

export function createAttemptLog(options: { couch: CouchClient; clock: Clock }): AttemptLog {
  const { clock } = options;
  const db = options.couch.db(metaDbName(options.couch.target.dbName));
  const open = new Map<string, AttemptDoc>();
  const busy = new Map<string, string>();

  const track = (attempt: AttemptDoc) => {
    open.set(attempt._id, attempt);
    for (const m of attempt.messages) {
      busy.set(m.uuid, attempt._id);
    }
  };

  const untrack = (attempt: AttemptDoc) => {
    open.delete(attempt._id);
    for (const m of attempt.messages) {
      if (busy.get(m.uuid) === attempt._id) {
        busy.delete(m.uuid);
      }
    }
  };

  return {
    async load() {
      const res = await db.allDocs<AttemptDoc>({ startkey: PREFIX, endkey: `${PREFIX}\ufff0`, include_docs: true });
      const found: AttemptDoc[] = [];
      for (const row of res.rows) {
        const doc = row.doc;
        if (doc && doc.type === 'rapidpro-send-attempt') {
          doc.unknown = doc.unknown ?? { since: doc.created_at, reason: 'the sentinel stopped while sending', resolve_after_ms: settleTime(doc), checks: 0 };
          track(doc);
          found.push(doc);
        }
      }
      return found;
    },
    async open(input) {
      const now = clock.now();
      const attempt: AttemptDoc = {
        _id: `${PREFIX}${new Date(now).toISOString()}:${crypto.randomBytes(4).toString('hex')}`,
        type: 'rapidpro-send-attempt',
        created_at: new Date(now).toISOString(),
        ...input,
      };
      const res = await db.put(attempt);
      attempt._rev = res.rev;
      track(attempt);
      return attempt;
    },
    async markUnknown(attempt, reason, resolveAfterMs) {
      attempt.unknown = {
        since: attempt.unknown?.since ?? new Date(clock.now()).toISOString(),
        reason,
        resolve_after_ms: resolveAfterMs ?? settleTime(attempt),
        checks: (attempt.unknown?.checks ?? -1) + 1,
      };
      track(attempt);
      try {
        const res = await db.put(attempt);
        attempt._rev = res.rev;
      } catch (err) {
        // The record exists either way, which is what matters after a crash.
        if (!(err instanceof CouchError && err.kind === 'conflict')) {
          throw err;
        }
        const current = await db.get<AttemptDoc>(attempt._id);
        attempt._rev = current?._rev;
      }
    },
    async close(attempt) {
      if (attempt._rev) {
        try {
          await db.put({ ...attempt, _deleted: true });
        } catch (err) {
          if (!(err instanceof CouchError && (err.kind === 'conflict' || err.kind === 'not_found'))) {
            throw err;
          }
          const current = await db.get<AttemptDoc>(attempt._id);
          if (current) {
            await db.put({ ...current, _deleted: true });
          }
        }
      }
      untrack(attempt);
    },
    isBusy: (uuid) => busy.has(uuid),
    unknown: () => [...open.values()].filter((a) => a.unknown),
  };
}
