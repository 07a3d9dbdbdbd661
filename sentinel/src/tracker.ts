/**
 * Status tracking that costs little. Instead of one request per message per cycle (CHT), one sweep
 * of `messages.json?after=T0` (cursor pages of up to 250, every status at once) covers every message
 * followed, matched locally by broadcast id and URN; T0 is the oldest followed broadcast minus a
 * clock margin, so the window shrinks as messages reach a final state. When a few old broadcasts
 * would make the window expensive, it asks per broadcast instead, whichever the last sweep says is
 * cheaper.
 *
 * Only messages sent through the RapidPro host and account in use are polled; the others are
 * counted as stranded for /health. Messages with no final status after the age limit are no longer
 * followed, and their state_details say so.
 */
import type { CouchDb } from '../../shared-libs/couch/src';
import { SENTINEL_DDOC } from '../../shared-libs/couch/src';
import type { Logger } from '../../shared-libs/logger/src';
import { isFinal } from '../../shared-libs/messages/src';
import type { MessageInfo, PageRequest, RapidProClient, RapidProFailure } from '../../shared-libs/rapidpro/src';
import { mapMessageStatus } from '../../shared-libs/rapidpro/src';
import type { Budget } from './budget';
import type { Clock } from './clock';
import type { SendContext } from './context';
import type { TaskChange } from './state-writer';
import { recordStatus, recordTrackingStopped } from './task-records';
import { urnKey } from './urns';

export const PAGE_SIZE = 250;
/** Messages are created by RapidPro after their broadcast, maybe on a host with another clock. */
export const WINDOW_MARGIN_MS = 2 * 60 * 1000;

interface TrackedValue {
  uuid: string;
  broadcast_id?: number;
  broadcast_uuid?: string;
  created_on: string;
  urn: string;
  state: string;
}

interface Tracked extends TrackedValue {
  docId: string;
}

export interface PollReport {
  /** RapidPro calls made in this cycle. */
  calls: number;
  followed: number;
  updated: number;
  agedOut: number;
  strategy: 'none' | 'sweep' | 'per-broadcast';
  stranded: Array<{ url: string | null; account: string | null; messages: number }>;
}

export type PollResult = { kind: 'done'; report: PollReport } | { kind: 'failed'; failure: RapidProFailure; report: PollReport } | { kind: 'stopped' };

export interface TrackerDeps {
  db: CouchDb;
  writer: { write(changes: TaskChange[]): Promise<unknown> };
  rapidpro: RapidProClient;
  budget: Budget;
  clock: Clock;
  logger: Logger;
  /** Whether messages are waiting to be sent (then polls yield the budget to sends). */
  sendsWaiting: () => boolean;
}

export interface Tracker {
  poll(context: SendContext, signal: AbortSignal): Promise<PollResult>;
}

export function createTracker(deps: TrackerDeps): Tracker {
  const { clock, logger } = deps;
  /** Messages per millisecond of window seen by the last sweep, to price the next one. */
  let density: number | undefined;
  const unknownStatuses = new Set<string>();

  async function followed(context: SendContext): Promise<Tracked[]> {
    const res = await deps.db.view<unknown, TrackedValue>(SENTINEL_DDOC, 'tracked', { reduce: false, key: [context.endpoint.url, context.account] });
    return res.rows.map((r) => ({ ...r.value, docId: r.id }));
  }

  async function stranded(context: SendContext): Promise<PollReport['stranded']> {
    const res = await deps.db.view<[string | null, string | null], number>(SENTINEL_DDOC, 'tracked', { reduce: true, group_level: 2 });
    return res.rows
      .filter((r) => !(r.key[0] === context.endpoint.url && r.key[1] === context.account))
      .map((r) => ({ url: r.key[0], account: r.key[1], messages: r.value }));
  }

  /** Waits for a poll slot; false when stopped first. */
  async function slot(context: SendContext, signal: AbortSignal): Promise<boolean> {
    for (;;) {
      if (signal.aborted) {
        return false;
      }
      const taken = await deps.budget.take('poll', context.rapidpro.requestsPerHour, deps.sendsWaiting());
      if (taken.ok) {
        return true;
      }
      await clock.sleep(Math.min(taken.waitMs, 60000), signal);
    }
  }

  /** Pages through one listing; calls `onPage` for each page. */
  async function list(context: SendContext, query: Record<string, string | number>, signal: AbortSignal, report: PollReport, onPage: (messages: MessageInfo[]) => void): Promise<RapidProFailure | 'stopped' | undefined> {
    let page: PageRequest = { query };
    for (;;) {
      if (!(await slot(context, signal))) {
        return 'stopped';
      }
      report.calls++;
      const res = await deps.rapidpro.listMessages(context.endpoint, page);
      if (!res.ok) {
        return res.failure;
      }
      onPage(res.value.results);
      if (!res.value.next) {
        return undefined;
      }
      page = { next: res.value.next };
    }
  }

  return {
    async poll(context, signal) {
      const report: PollReport = { calls: 0, followed: 0, updated: 0, agedOut: 0, strategy: 'none', stranded: await stranded(context) };
      const now = clock.now();
      const nowIso = new Date(now).toISOString();
      const all = await followed(context);
      const maxAge = context.rapidpro.trackingMaxAgeMs;
      const tooOld = all.filter((t) => now - Date.parse(t.created_on) > maxAge);
      if (tooOld.length) {
        const hours = Math.round((maxAge / 3600000) * 10) / 10;
        const reason = `No final status from RapidPro within ${hours} hours; no longer followed`;
        await deps.writer.write(tooOld.map((t) => ({ docId: t.docId, messageUuid: t.uuid, apply: (task) => recordTrackingStopped(task, reason, nowIso) })));
        report.agedOut = tooOld.length;
        logger.info(`Stopped following ${tooOld.length} message(s) with no final status after ${hours} hours`);
      }
      const live = all.filter((t) => now - Date.parse(t.created_on) <= maxAge && t.broadcast_id !== undefined);
      report.followed = live.length;
      if (!live.length) {
        return { kind: 'done', report };
      }

      const byBroadcast = new Map<number, Tracked[]>();
      for (const t of live) {
        byBroadcast.set(t.broadcast_id as number, [...(byBroadcast.get(t.broadcast_id as number) ?? []), t]);
      }
      const updates = new Map<string, { tracked: Tracked; status: string }>();
      const match = (messages: MessageInfo[]) => {
        for (const m of messages) {
          const candidates = m.broadcast === null ? undefined : byBroadcast.get(m.broadcast);
          if (!candidates) {
            continue;
          }
          const key = m.urn ? urnKey(m.urn) : undefined;
          const hit = candidates.find((c) => key !== undefined && urnKey(c.urn) === key) ?? (candidates.length === 1 && !m.urn ? candidates[0] : undefined);
          if (hit) {
            updates.set(hit.uuid, { tracked: hit, status: m.status });
          }
        }
      };

      const t0 = Math.min(...live.map((t) => Date.parse(t.created_on))) - WINDOW_MARGIN_MS;
      const sweepPages = density === undefined ? Infinity : Math.max(1, Math.ceil((density * (now - t0)) / PAGE_SIZE));
      let failure: RapidProFailure | 'stopped' | undefined;
      if (byBroadcast.size < sweepPages && density !== undefined) {
        report.strategy = 'per-broadcast';
        for (const id of byBroadcast.keys()) {
          failure = await list(context, { broadcast: id }, signal, report, match);
          if (failure) {
            break;
          }
        }
      } else {
        report.strategy = 'sweep';
        let seen = 0;
        failure = await list(context, { after: new Date(t0).toISOString() }, signal, report, (page) => {
          seen += page.length;
          match(page);
        });
        if (!failure) {
          density = seen / Math.max(1, clock.now() - t0);
        }
      }

      const changes: TaskChange[] = [];
      let finished = 0;
      for (const { tracked, status } of updates.values()) {
        const mapping = mapMessageStatus(status);
        if (!mapping) {
          if (!unknownStatuses.has(status)) {
            unknownStatuses.add(status);
            logger.warn(`RapidPro reported a message status this service does not know ("${status}"); the message keeps its state`);
          }
          continue;
        }
        if (isFinal(mapping.state)) {
          finished++;
        }
        changes.push({
          docId: tracked.docId,
          messageUuid: tracked.uuid,
          apply: (task) => {
            const changed = recordStatus(task, tracked.uuid, status, mapping, nowIso);
            if (changed) {
              report.updated++;
            }
            return changed;
          },
        });
      }
      if (changes.length) {
        await deps.writer.write(changes);
      }
      // What is still followed after this cycle (for /health): not the ones that just finished.
      report.followed = live.length - finished;
      if (failure === 'stopped') {
        return { kind: 'stopped' };
      }
      return failure ? { kind: 'failed', failure, report } : { kind: 'done', report };
    },
  };
}
