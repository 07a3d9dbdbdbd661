/**
 * Follows the main database's `_changes` feed (long-poll, documents included) so new pending
 * messages are seen within moments. Sequences are opaque strings, as CouchDB clusters require.
 * When the store is unreachable it backs off; after an outage it reports a possible gap so the
 * worker sweeps for anything missed.
 */
import type { CouchDb } from '../../shared-libs/couch/src';
import type { Logger } from '../../shared-libs/logger/src';
import type { MessageDoc } from '../../shared-libs/messages/src';
import type { Clock } from './clock';
import { backoffMs } from './retry-policy';

export interface FeedOptions {
  db: CouchDb;
  clock: Clock;
  logger: Logger;
  since: string;
  signal: AbortSignal;
  onChanges(docs: MessageDoc[], deletedIds: string[]): void;
  /** Called when the feed resumes after failures: changes may have been missed. */
  onGap(): void;
  /** How long CouchDB holds a long-poll open, in milliseconds. @defaultValue 25000 */
  longPollMs?: number;
}

export async function followChanges(options: FeedOptions): Promise<void> {
  const { db, clock, logger, signal } = options;
  const longPollMs = options.longPollMs ?? 25000;
  let since = options.since;
  let failures = 0;
  while (!signal.aborted) {
    try {
      const res = await db.changes<MessageDoc>(
        { feed: 'longpoll', since, include_docs: true, timeout: longPollMs, limit: 500 },
        { timeoutMs: longPollMs + 15000, signal },
      );
      if (!Array.isArray(res.results) || res.last_seq === undefined) {
        // A response cut short (the store stopped mid-answer) can parse as something else.
        throw new Error('CouchDB sent an incomplete changes response');
      }
      if (failures) {
        logger.info('The changes feed is back');
        failures = 0;
        options.onGap();
      }
      const docs: MessageDoc[] = [];
      const deleted: string[] = [];
      for (const change of res.results) {
        if (change.deleted) {
          deleted.push(change.id);
        } else if (change.doc) {
          docs.push(change.doc);
        }
      }
      if (docs.length || deleted.length) {
        options.onChanges(docs, deleted);
      }
      since = String(res.last_seq);
    } catch (err) {
      if (signal.aborted) {
        return;
      }
      failures++;
      if (failures === 1 || failures % 20 === 0) {
        logger.warn('Cannot read the changes feed; retrying', { reason: (err as Error).message, failures });
      }
      await clock.sleep(backoffMs(failures - 1, 500, 30000), signal);
    }
  }
}
