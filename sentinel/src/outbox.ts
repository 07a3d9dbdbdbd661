/**
 * The messages waiting to be sent, fed by the changes feed (new ones, within moments) and by
 * periodic sweeps of the `messages_by_state` view (anything missed while the sentinel was down).
 * Oldest due first; a message that failed for a passing reason waits its own back-off, so newer
 * messages are never stuck behind it. Messages with identical text may go together in one
 * broadcast (up to 100 recipients).
 */
import type { DueMessage, MessageDoc } from '../../shared-libs/messages/src';
import { dueMessages } from '../../shared-libs/messages/src';

export const MAX_BROADCAST_URNS = 100;

export interface OutboxEntry extends DueMessage {
  /** Failed tries so far (passing failures only). */
  tries: number;
  /** Not before this time (ms). */
  notBefore: number;
  lastError?: string;
  /** When this sentinel first saw it (ms). */
  seenAt: number;
}

export interface Outbox {
  /** Brings the outbox in line with this version of the document (adds, updates, removes). */
  offer(doc: MessageDoc, now: number): void;
  /** The document is gone. */
  forgetDoc(docId: string): void;
  remove(uuids: string[]): void;
  /** Puts messages back after a passing failure, to be tried again after `untilMs`. */
  defer(uuids: string[], untilMs: number, error: string): void;
  /** The next message due and others with the same text, at most `max`, skipping busy ones. */
  next(now: number, isBusy: (uuid: string) => boolean, max?: number): OutboxEntry[];
  size(): number;
  /** The earliest time a deferred message becomes due again, if any. */
  nextRetryAt(now: number): number | undefined;
  oldestSeenAt(): number | undefined;
  entries(): OutboxEntry[];
}

function earlier(a: OutboxEntry, b: OutboxEntry): boolean {
  return a.due !== b.due ? a.due < b.due : a.seenAt !== b.seenAt ? a.seenAt < b.seenAt : a.uuid < b.uuid;
}

export function createOutbox(): Outbox {
  const byUuid = new Map<string, OutboxEntry>();
  const byDoc = new Map<string, Set<string>>();

  const drop = (uuid: string) => {
    const entry = byUuid.get(uuid);
    if (entry) {
      byUuid.delete(uuid);
      byDoc.get(entry.docId)?.delete(uuid);
      if (byDoc.get(entry.docId)?.size === 0) {
        byDoc.delete(entry.docId);
      }
    }
  };

  return {
    offer(doc, now) {
      const due = dueMessages(doc);
      const keep = new Set(due.map((d) => d.uuid));
      for (const uuid of [...(byDoc.get(doc._id) ?? [])]) {
        if (!keep.has(uuid)) {
          drop(uuid);
        }
      }
      for (const message of due) {
        const existing = byUuid.get(message.uuid);
        if (existing && existing.docId === message.docId) {
          Object.assign(existing, message);
          continue;
        }
        if (existing) {
          drop(message.uuid);
        }
        byUuid.set(message.uuid, { ...message, tries: 0, notBefore: 0, seenAt: now });
        const set = byDoc.get(doc._id) ?? new Set<string>();
        set.add(message.uuid);
        byDoc.set(doc._id, set);
      }
    },
    forgetDoc(docId) {
      for (const uuid of [...(byDoc.get(docId) ?? [])]) {
        drop(uuid);
      }
    },
    remove(uuids) {
      uuids.forEach(drop);
    },
    defer(uuids, untilMs, error) {
      for (const uuid of uuids) {
        const entry = byUuid.get(uuid);
        if (entry) {
          entry.tries++;
          entry.notBefore = untilMs;
          entry.lastError = error;
        }
      }
    },
    next(now, isBusy, max = MAX_BROADCAST_URNS) {
      let first: OutboxEntry | undefined;
      for (const entry of byUuid.values()) {
        if (entry.notBefore <= now && !isBusy(entry.uuid) && (!first || earlier(entry, first))) {
          first = entry;
        }
      }
      if (!first) {
        return [];
      }
      const batch = [first];
      const recipients = new Set([first.to]);
      if (max > 1) {
        const same = [...byUuid.values()]
          .filter((e) => e !== first && e.text === first.text && e.notBefore <= now && !isBusy(e.uuid) && !recipients.has(e.to))
          .sort((a, b) => (earlier(a, b) ? -1 : 1));
        for (const entry of same) {
          if (batch.length >= max) {
            break;
          }
          if (!recipients.has(entry.to)) {
            recipients.add(entry.to);
            batch.push(entry);
          }
        }
      }
      return batch;
    },
    size: () => byUuid.size,
    nextRetryAt(now) {
      let at: number | undefined;
      for (const entry of byUuid.values()) {
        if (entry.notBefore > now && (at === undefined || entry.notBefore < at)) {
          at = entry.notBefore;
        }
      }
      return at;
    },
    oldestSeenAt() {
      let at: number | undefined;
      for (const entry of byUuid.values()) {
        if (at === undefined || entry.seenAt < at) {
          at = entry.seenAt;
        }
      }
      return at;
    },
    entries: () => [...byUuid.values()],
  };
}
