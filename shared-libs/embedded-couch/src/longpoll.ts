/**
 * `GET /<db>/_changes?feed=longpoll`, answered here rather than by express-pouchdb, which ignores
 * `timeout` (a long-poll waits for a change forever) and never clears its heartbeat timer when the
 * client gives up, so each abandoned long-poll left a timer firing every 6 s for the life of the
 * process. This answers as CouchDB does: at once when there are changes, otherwise on the first
 * change or after `timeout` (default 60 s) with no results and the same `last_seq`.
 */
import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';

interface ChangesOptions {
  since?: string | number;
  limit?: number;
  include_docs?: boolean;
  live?: boolean;
}

interface Change {
  seq: string | number;
}

interface ChangesResult {
  results: Change[];
  last_seq: string | number;
}

interface ChangesFeed {
  on(event: 'change', listener: (change: Change) => void): ChangesFeed;
  on(event: 'error', listener: (err: Error) => void): ChangesFeed;
  cancel(): void;
}

export interface PouchLike {
  changes(options: ChangesOptions & { live: true }): ChangesFeed;
  changes(options: ChangesOptions): Promise<ChangesResult>;
}

const DEFAULT_TIMEOUT_MS = 60000;
const MAX_TIMEOUT_MS = 300000;

/** The database name when this request is a long-poll on an existing database, else undefined. */
export function longpollTarget(req: IncomingMessage, url: URL, storeDir: string): string | undefined {
  if (req.method !== 'GET' || url.searchParams.get('feed') !== 'longpoll') {
    return undefined;
  }
  const parts = url.pathname.split('/');
  if (parts.length !== 3 || parts[2] !== '_changes') {
    return undefined;
  }
  const name = decodeURIComponent(parts[1]);
  // Plain CouchDB names only; anything else is left to express-pouchdb.
  if (!/^[a-z][a-z0-9_$()+-]*$/.test(name) || !fs.existsSync(path.join(storeDir, name))) {
    return undefined;
  }
  return name;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.writableEnded || res.destroyed) {
    return;
  }
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** PouchDB's sequences are numbers; compared as strings, '12' would come before '9'. */
function sinceOf(raw: string | null): string | number {
  if (raw === null || raw === '') {
    return 0;
  }
  return /^\d+$/.test(raw) ? Number(raw) : raw;
}

export async function answerLongpoll(db: PouchLike, url: URL, res: ServerResponse): Promise<void> {
  const q = url.searchParams;
  const options: ChangesOptions = {
    since: sinceOf(q.get('since')),
    include_docs: q.get('include_docs') === 'true',
    ...(q.get('limit') ? { limit: Math.max(1, Number(q.get('limit')) || 1) } : {}),
  };
  const timeoutMs = Math.min(MAX_TIMEOUT_MS, Math.max(0, Number(q.get('timeout') ?? DEFAULT_TIMEOUT_MS) || DEFAULT_TIMEOUT_MS));
  const first = await db.changes(options);
  if (first.results.length) {
    send(res, 200, first);
    return;
  }
  await new Promise<void>((resolve) => {
    let feed: ChangesFeed | undefined;
    const finish = (body?: unknown) => {
      clearTimeout(timer);
      res.off('close', onClose);
      feed?.cancel();
      feed = undefined;
      if (body) {
        send(res, 200, body);
      }
      resolve();
    };
    const onClose = () => finish();
    const timer = setTimeout(() => finish({ results: [], last_seq: first.last_seq }), timeoutMs);
    res.on('close', onClose);
    feed = db
      .changes({ ...options, since: first.last_seq, live: true })
      .on('change', (change) => finish({ results: [change], last_seq: change.seq }))
      .on('error', () => finish({ results: [], last_seq: first.last_seq }));
  });
}
