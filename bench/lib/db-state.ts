/** Reading message states back from the database, through the project's own CHT-compatible view. */
import { CHT_VIEWS_DDOC } from '../../shared-libs/couch/src';
import type { MessageDoc, Task } from '../../shared-libs/messages/src';
import type { BenchDb } from './store';
import { waitFor } from './wait';

/** Messages whose task is in `state` (the messages_by_state view, keyed [state, due]). */
export async function countInState(db: BenchDb, state: string): Promise<number> {
  const res = await db.bench.db(db.name).view<unknown, unknown>(CHT_VIEWS_DDOC, 'messages_by_state', {
    startkey: [state],
    endkey: [state, {}],
  });
  return res.rows.length;
}

export async function waitForState(db: BenchDb, state: string, count: number, timeoutMs: number): Promise<void> {
  await waitFor(async () => ((await countInState(db, state)) >= count ? true : undefined), {
    timeoutMs,
    intervalMs: 1000,
    what: `${count} messages to be ${state} in the database`,
  });
}

/** Writes documents in batches (the store takes _bulk_docs best in moderate sizes). */
export async function writeDocs(db: BenchDb, docs: MessageDoc[], batch = 250): Promise<void> {
  const main = db.bench.db(db.name);
  for (let i = 0; i < docs.length; i += batch) {
    const res = await main.bulkDocs(docs.slice(i, i + batch));
    const bad = res.find((r) => r.error);
    if (bad) {
      throw new Error(`could not write ${bad.id}: ${bad.error} ${bad.reason ?? ''}`);
    }
  }
}

/** Every task of every message document, page by page (for the end of a scenario). */
export async function eachTask(db: BenchDb, visit: (task: Task) => void): Promise<void> {
  const main = db.bench.db(db.name);
  let startkey: string | undefined;
  for (;;) {
    const page = await main.allDocs<MessageDoc>({ include_docs: true, limit: 200, ...(startkey ? { startkey, skip: 1 } : {}) });
    for (const row of page.rows) {
      [...(row.doc?.tasks ?? []), ...(row.doc?.scheduled_tasks ?? [])].forEach(visit);
    }
    if (page.rows.length < 200) {
      return;
    }
    startkey = page.rows[page.rows.length - 1].id;
  }
}

export interface HourCount {
  /** Messages handed to RapidPro by the time (their task's rapidpro.sent_at). */
  sent: number;
  /** Messages whose task reached delivered or failed by the time (state_history timestamp). */
  final: number;
  delivered: number;
  failed: number;
  /** Task states now, by message. */
  states: Record<string, number>;
}

/** What had happened by `untilIso`, read from the task records the sentinel wrote with its own clock. */
export async function countBy(db: BenchDb, untilIso: string): Promise<HourCount> {
  const out: HourCount = { sent: 0, final: 0, delivered: 0, failed: 0, states: {} };
  const until = Date.parse(untilIso);
  await eachTask(db, (task) => {
    const messages = task.messages?.length ?? 1;
    out.states[String(task.state)] = (out.states[String(task.state)] ?? 0) + messages;
    if (task.rapidpro && Date.parse(task.rapidpro.sent_at) <= until) {
      out.sent += messages;
    }
    const final = (task.state_history ?? []).find((h) => (h.state === 'delivered' || h.state === 'failed') && Date.parse(h.timestamp) <= until);
    if (final) {
      out.final += messages;
      out[final.state === 'delivered' ? 'delivered' : 'failed'] += messages;
    }
  });
  return out;
}
