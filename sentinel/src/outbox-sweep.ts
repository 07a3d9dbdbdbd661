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

export async function sweepOutbox(db: CouchDb, outbox: Outbox, now: () => number): Promise<{ docs: number; due: number }> {
  const started = now();
  const docIds = new Set<string>();
  let startkey: Key = ['pending-or-forwarded', null];
  let startkeyDocid: string | undefined;
  for (;;) {
    const res = await db.view<Key, unknown>(CHT_VIEWS_DDOC, 'messages_by_state', {
      startkey,
      endkey: ['pending-or-forwarded', {}],
      startkey_docid: startkeyDocid,
      limit: PAGE + 1,
    });
    const rows = res.rows.slice(0, PAGE);
    rows.forEach((r) => docIds.add(r.id));
    if (res.rows.length <= PAGE) {
      break;
    }
    const last = res.rows[PAGE];
    startkey = last.key;
    startkeyDocid = last.id;
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
