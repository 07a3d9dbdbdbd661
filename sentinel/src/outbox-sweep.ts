/**
 * A full pass over the pending messages (the `messages_by_state` view, CHT's
 * `pending-or-forwarded` rows, oldest due first), so that nothing written while the sentinel was
 * down, or missed by the changes feed, is left behind. Entries the sweep no longer finds are
 * dropped from the outbox.
 */
import type { CouchDb } from '../../shared-libs/couch/src';
import { CHT_VIEWS_DDOC } from '../../shared-libs/couch/src';
import type { MessageDoc } from '../../shared-libs/messages/src';
import type { Outbox } from './outbox';

const PAGE = 1000;
const FETCH_CHUNK = 200;

type Key = [string, number | null];

const sameKey = (a: Key, b: Key): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * Pages by key and a count of rows already seen at that key (`skip`), not by `startkey_docid`:
 * the embedded store ignores `startkey_docid`, and even CouchDB could not move past one document
 * with more rows under one key than a page holds. This always progresses, on both.
 */
export async function sweepOutbox(db: CouchDb, outbox: Outbox, now: () => number, pageSize = PAGE): Promise<{ docs: number; due: number }> {
  const started = now();
  const docIds = new Set<string>();
  let startkey: Key = ['pending-or-forwarded', null];
  let seenAtKey = 0;
  for (;;) {
    const res = await db.view<Key, unknown>(CHT_VIEWS_DDOC, 'messages_by_state', {
      startkey,
      endkey: ['pending-or-forwarded', {}],
      skip: seenAtKey,
      limit: pageSize,
    });
    res.rows.forEach((r) => docIds.add(r.id));
    if (res.rows.length < pageSize) {
      break;
    }
    const lastKey = res.rows[res.rows.length - 1].key;
    const atLastKey = res.rows.filter((r) => sameKey(r.key, lastKey)).length;
    if (sameKey(lastKey, startkey)) {
      seenAtKey += atLastKey;
    } else {
      startkey = lastKey;
      seenAtKey = atLastKey;
    }
  }
  const ids = [...docIds];
  for (let i = 0; i < ids.length; i += FETCH_CHUNK) {
    const docs = await db.fetch<MessageDoc>(ids.slice(i, i + FETCH_CHUNK));
    for (const doc of docs.values()) {
      outbox.offer(doc, now());
    }
  }
  // Whatever the sweep did not find, and nothing offered since the sweep began, is no longer due.
  const stale = outbox.entries().filter((e) => !docIds.has(e.docId) && e.seenAt < started);
  outbox.remove(stale.map((e) => e.uuid));
  return { docs: ids.length, due: outbox.size() };
}
