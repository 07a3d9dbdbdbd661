/**
 * What the sentinel tells the rest of the world about itself, kept in `<db>-rapidpro` as a `_local`
 * document (no revision history piles up from its heartbeats). The active sentinel writes it; the
 * API's /health reads it.
 */
import type { CouchClient } from '../../couch/src';
import { metaDbName } from '../../couch/src';

export const SENTINEL_STATUS_ID = '_local/sentinel-status';

export interface SentinelStatus {
  _id: typeof SENTINEL_STATUS_ID;
  _rev?: string;
  /** Which process: host, pid and a random id. */
  instance: string;
  /** Heartbeat, ISO 8601. */
  updated_at: string;
  /** How often the heartbeat is written, so readers can tell a stopped sentinel. */
  heartbeat_ms: number;
  /** True when this sentinel holds the sender lease and may call RapidPro. */
  active: boolean;
  /** Why it is not sending, in words, when it is not. */
  idle_reason?: string;
  last_send_cycle?: string;
  last_poll_cycle?: string;
  /** Messages waiting to be sent, and the oldest one's age in seconds. */
  outbox?: { waiting: number; oldest_age_seconds?: number };
  /** Messages handed to RapidPro whose final status is not known yet. */
  followed?: number;
  /** Non-final messages sent through another RapidPro host or account (or by another sender): never polled here. */
  stranded?: Array<{ url: string | null; account: string | null; messages: number }>;
  budget?: { requests_per_hour?: number; used_last_hour: number; paused_until?: string };
  problems?: string[];
}

export type SentinelStatusBody = Omit<SentinelStatus, '_id' | '_rev'>;

export async function readSentinelStatus(couch: CouchClient): Promise<SentinelStatus | undefined> {
  return couch.db(metaDbName(couch.target.dbName)).get<SentinelStatus>(SENTINEL_STATUS_ID);
}

/** Writes the status, overwriting whatever was there (only the active sentinel writes it). */
export async function writeSentinelStatus(couch: CouchClient, body: SentinelStatusBody): Promise<void> {
  const db = couch.db(metaDbName(couch.target.dbName));
  for (let attempt = 0; attempt < 3; attempt++) {
    const current = await db.get<SentinelStatus>(SENTINEL_STATUS_ID);
    try {
      await db.put<SentinelStatus>({ ...body, _id: SENTINEL_STATUS_ID, _rev: current?._rev });
      return;
    } catch (err) {
      if ((err as { kind?: string }).kind !== 'conflict') {
        throw err;
      }
    }
  }
}
