/**
 * One active sender per database: a lease document in `<db>-rapidpro` that the holder renews.
 * CouchDB's revision check makes taking it atomic, so two sentinels never both send; no other
 * infrastructure is needed.
 *
 * A contender takes a lease over only after watching its revision stay unchanged for a full TTL by
 * its own clock, so clock differences between machines do not matter. The holder stops acting a
 * margin before its own TTL runs out. A holder on the same host whose process no longer exists (a
 * kill -9, a crash) is replaced at once rather than after the TTL.
 */
import type { CouchClient } from '../../shared-libs/couch/src';
import { CouchError, metaDbName } from '../../shared-libs/couch/src';
import type { Logger } from '../../shared-libs/logger/src';
import type { Clock } from './clock';

export const LEASE_ID = '_local/sender-lease';

export interface Identity {
  /** Unique per process: host, pid and a random part. */
  id: string;
  host: string;
  pid: number;
}

interface LeaseDoc {
  _id: typeof LEASE_ID;
  _rev?: string;
  holder: string;
  host: string;
  pid: number;
  renewed_at: string;
  released?: boolean;
}

export interface LeaseOptions {
  couch: CouchClient;
  clock: Clock;
  logger: Logger;
  identity: Identity;
  /** A lease not renewed for this long may be taken over. @defaultValue 15000 */
  ttlMs?: number;
  /** The holder stops acting this long before its TTL ends. @defaultValue a third of the TTL */
  safetyMarginMs?: number;
  /** Whether a process of this host is alive; injectable for tests. */
  isProcessAlive?: (pid: number) => boolean;
}

export interface Lease {
  /** True while this process may call RapidPro as the sender. */
  held(): boolean;
  /** One acquire-or-renew round. */
  refresh(): Promise<boolean>;
  /** Gives the lease up so another sentinel can take over at once. */
  release(): Promise<void>;
  /** Who holds it, as last seen. */
  holder(): string | undefined;
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function createLease(options: LeaseOptions): Lease {
  const { couch, clock, logger, identity } = options;
  const ttlMs = options.ttlMs ?? 15000;
  const marginMs = options.safetyMarginMs ?? ttlMs / 3;
  const alive = options.isProcessAlive ?? processAlive;
  const db = couch.db(metaDbName(couch.target.dbName));
  let heldUntil = 0;
  let lastHolder: string | undefined;
  let observed: { rev: string; since: number } | undefined;

  const body = (rev?: string): LeaseDoc => ({
    _id: LEASE_ID,
    _rev: rev,
    holder: identity.id,
    host: identity.host,
    pid: identity.pid,
    renewed_at: new Date(clock.now()).toISOString(),
  });

  async function write(rev: string | undefined, startedAt: number): Promise<boolean> {
    try {
      await db.put(body(rev));
      heldUntil = startedAt + ttlMs;
      lastHolder = identity.id;
      return true;
    } catch (err) {
      if (err instanceof CouchError && err.kind === 'conflict') {
        heldUntil = 0;
        return false;
      }
      throw err;
    }
  }

  function takeoverReason(doc: LeaseDoc, now: number): string | undefined {
    if (doc.released) {
      return `${doc.holder} released it`;
    }
    if (doc.host === identity.host && (doc.pid === identity.pid || !alive(doc.pid))) {
      return `its holder (pid ${doc.pid} on this host) is no longer running`;
    }
    if (!observed || observed.rev !== doc._rev) {
      observed = { rev: doc._rev ?? '', since: now };
      return undefined;
    }
    return now - observed.since >= ttlMs ? `${doc.holder} has not renewed it for ${Math.round((now - observed.since) / 1000)} s` : undefined;
  }

  return {
    held: () => clock.now() < heldUntil - marginMs,
    holder: () => lastHolder,
    async refresh() {
      const startedAt = clock.now();
      const wasHeld = clock.now() < heldUntil - marginMs;
      let doc: LeaseDoc | undefined;
      try {
        doc = await db.get<LeaseDoc>(LEASE_ID);
      } catch (err) {
        if (wasHeld) {
          logger.warn('Could not renew the sender lease; will stop sending if this lasts', { reason: (err as Error).message });
        }
        return clock.now() < heldUntil - marginMs;
      }
      if (!doc) {
        if (await write(undefined, startedAt)) {
          logger.info('Holding the sender lease: this sentinel sends');
        }
      } else if (doc.holder === identity.id && !doc.released) {
        if (!(await write(doc._rev, startedAt))) {
          logger.warn('Lost the sender lease to another sentinel; not sending');
        }
      } else {
        lastHolder = doc.holder;
        heldUntil = 0;
        const reason = takeoverReason(doc, startedAt);
        if (reason && (await write(doc._rev, startedAt))) {
          logger.info(`Took over the sender lease: ${reason}`);
          observed = undefined;
        }
      }
      return clock.now() < heldUntil - marginMs;
    },
    async release() {
      if (clock.now() >= heldUntil) {
        return;
      }
      heldUntil = 0;
      try {
        const doc = await db.get<LeaseDoc>(LEASE_ID);
        if (doc && doc.holder === identity.id) {
          await db.put({ ...doc, released: true });
        }
      } catch {
        // It expires by itself.
      }
    },
  };
}
