/**
 * Settles send attempts whose outcome is unknown (the sentinel died mid-send, the answer timed out,
 * was a 5xx or garbage). It lists RapidPro's broadcasts created since the attempt and looks for
 * one with the same text and recipients that no other message claims:
 *
 * - found: the messages are marked sent with it — nothing is sent twice;
 * - not found, once any request still in flight must have ended: it was never created, and the
 *   messages go back to the outbox — nothing is lost;
 * - RapidPro cannot be asked: try again later, with a growing pause.
 *
 * An attempt made through another RapidPro host or account cannot be checked with today's
 * settings; its messages fail with the reason in words, and can be set back to pending to send
 * them through the new account (CHT's documented remedy), rather than risk a duplicate.
 */
import type { CouchDb } from '../../shared-libs/couch/src';
import { CHT_VIEWS_DDOC } from '../../shared-libs/couch/src';
import type { Logger } from '../../shared-libs/logger/src';
import type { MessageDoc } from '../../shared-libs/messages/src';
import { findTask } from '../../shared-libs/messages/src';
import type { BroadcastInfo, RapidProClient, RapidProFailure } from '../../shared-libs/rapidpro/src';
import { describeFailure, mapBroadcastStatus } from '../../shared-libs/rapidpro/src';
import type { AttemptDoc, AttemptLog } from './attempts';
import type { Budget } from './budget';
import type { Clock } from './clock';
import type { SendContext } from './context';
import { backoffMs, BACKOFF } from './retry-policy';
import type { TaskChange } from './state-writer';
import { recordAccepted, recordRefused } from './task-records';
import { urnKey } from './urns';

/** RapidPro's clock may differ from ours: look this much earlier than the attempt. */
export const CLOCK_MARGIN_MS = 5 * 60 * 1000;
const MAX_PAGES = 40;

export interface ReconcilerDeps {
  db: CouchDb;
  attempts: AttemptLog;
  writer: { write(changes: TaskChange[]): Promise<unknown> };
  rapidpro: RapidProClient;
  budget: Budget;
  clock: Clock;
  logger: Logger;
}

export type ReconcileResult = { kind: 'idle' } | { kind: 'settled'; found: number; notFound: number } | { kind: 'wait'; waitMs: number } | { kind: 'failed'; failure: RapidProFailure };

function sameText(broadcast: BroadcastInfo, text: string): boolean {
  const wanted = text.trim();
  return Object.values(broadcast.text).some((t) => t.trim() === wanted);
}

function sameRecipients(broadcast: BroadcastInfo, attempt: AttemptDoc): boolean {
  if (broadcast.urns === null) {
    return true; // anonymous workspaces hide URNs: text and time must do
  }
  const theirs = new Set(broadcast.urns.map(urnKey));
  return theirs.size === attempt.messages.length && attempt.messages.every((m) => theirs.has(urnKey(m.urn)));
}

export function createReconciler(deps: ReconcilerDeps): { settle(context: SendContext): Promise<ReconcileResult>; due(): AttemptDoc[] } {
  const { clock, logger } = deps;

  const due = () => deps.attempts.unknown().filter((a) => clock.now() >= (a.unknown?.resolve_after_ms ?? 0));

  async function alreadyApplied(attempt: AttemptDoc): Promise<boolean> {
    const docs = await deps.db.fetch<MessageDoc>([...new Set(attempt.messages.map((m) => m.doc_id))]);
    return attempt.messages.every((m) => {
      const doc = docs.get(m.doc_id);
      const task = doc && findTask(doc, m.uuid);
      return !task || task.rapidpro?.attempt === attempt._id;
    });
  }

  async function claimedElsewhere(broadcast: BroadcastInfo, attempt: AttemptDoc): Promise<boolean> {
    const ref = broadcast.id ?? broadcast.uuid;
    const rows = await deps.db.view<unknown, string | null>(CHT_VIEWS_DDOC, 'messages_by_gateway_ref', { key: ref });
    const mine = new Set(attempt.messages.map((m) => m.uuid));
    return rows.rows.some((r) => !r.value || !mine.has(r.value));
  }

  async function listSince(context: SendContext, sinceMs: number): Promise<{ ok: true; broadcasts: BroadcastInfo[] } | { ok: false; result: ReconcileResult }> {
    const broadcasts: BroadcastInfo[] = [];
    let page: { query: Record<string, string> } | { next: string } = { query: { after: new Date(sinceMs).toISOString() } };
    for (let i = 0; i < MAX_PAGES; i++) {
      const slot = await deps.budget.take('send', context.rapidpro.requestsPerHour, true);
      if (!slot.ok) {
        return { ok: false, result: { kind: 'wait', waitMs: slot.waitMs } };
      }
      const res = await deps.rapidpro.listBroadcasts(context.endpoint, page);
      if (!res.ok) {
        return { ok: false, result: { kind: 'failed', failure: res.failure } };
      }
      broadcasts.push(...res.value.results);
      if (!res.value.next) {
        break;
      }
      page = { next: res.value.next };
    }
    return { ok: true, broadcasts };
  }

  async function fail(attempt: AttemptDoc, details: string): Promise<void> {
    const nowIso = new Date(clock.now()).toISOString();
    const from = { url: attempt.url, account: attempt.account, attempt: attempt._id, nowIso };
    await deps.writer.write(
      attempt.messages.map((m) => ({
        docId: m.doc_id,
        messageUuid: m.uuid,
        apply: (task) => recordRefused(task, from, { uuid: m.uuid, urn: m.urn, details, requeued: false }),
      })),
    );
    await deps.attempts.close(attempt);
  }

  return {
    due,
    async settle(context) {
      const ready = due();
      if (!ready.length) {
        return { kind: 'idle' };
      }
      const here: AttemptDoc[] = [];
      for (const attempt of ready) {
        if (await alreadyApplied(attempt)) {
          await deps.attempts.close(attempt);
        } else if (attempt.url !== context.endpoint.url || attempt.account !== context.account) {
          logger.warn(`A broadcast sent through ${attempt.url} (another RapidPro host or account) had no clear answer and cannot be checked any more; its ${attempt.messages.length} message(s) are marked failed`);
          await fail(
            attempt,
            `Failed: outcome unknown. It was handed to RapidPro at ${attempt.url} (${attempt.unknown?.reason ?? 'no answer'}), and the service has since been switched to another RapidPro host or account, so it cannot be checked. Set it back to pending to send it through the new account.`,
          );
        } else {
          here.push(attempt);
        }
      }
      if (!here.length) {
        return { kind: 'settled', found: 0, notFound: 0 };
      }
      const since = Math.min(...here.map((a) => Date.parse(a.created_at))) - CLOCK_MARGIN_MS;
      const listed = await listSince(context, since);
      if (!listed.ok) {
        if (listed.result.kind === 'failed') {
          for (const attempt of here) {
            const checks = attempt.unknown?.checks ?? 0;
            await deps.attempts.markUnknown(attempt, attempt.unknown?.reason ?? 'unknown', clock.now() + backoffMs(checks, 5000, BACKOFF.messageMaxMs));
          }
          logger.warn(`Could not check RapidPro for ${here.length} unanswered broadcast(s): ${describeFailure(listed.result.failure)}; will try again`);
        }
        return listed.result;
      }
      const claimed = new Set<string | number>();
      let found = 0;
      let notFound = 0;
      for (const attempt of here.sort((a, b) => a.created_at.localeCompare(b.created_at))) {
        const earliest = Date.parse(attempt.created_at) - CLOCK_MARGIN_MS;
        let match: BroadcastInfo | undefined;
        for (const b of listed.broadcasts.sort((x, y) => x.created_on.localeCompare(y.created_on))) {
          const ref = b.id ?? b.uuid;
          if (ref === undefined || claimed.has(ref) || Date.parse(b.created_on) < earliest || !sameText(b, attempt.text) || !sameRecipients(b, attempt)) {
            continue;
          }
          if (!(await claimedElsewhere(b, attempt))) {
            match = b;
            break;
          }
        }
        if (match) {
          claimed.add((match.id ?? match.uuid) as string | number);
          const mapping = mapBroadcastStatus(match.status);
          const nowIso = new Date(clock.now()).toISOString();
          const from = { url: attempt.url, account: attempt.account, attempt: attempt._id, nowIso };
          const urns = match.urns;
          await deps.writer.write(
            attempt.messages.map((m) => ({
              docId: m.doc_id,
              messageUuid: m.uuid,
              apply: (task) =>
                recordAccepted(task, from, {
                  uuid: m.uuid,
                  urn: urns?.find((u) => urnKey(u) === urnKey(m.urn)) ?? m.urn,
                  broadcastId: match.id,
                  broadcastUuid: match.uuid,
                  createdOn: match.created_on,
                  broadcastStatus: match.status,
                  mapping,
                  requeued: false,
                }),
            })),
          );
          await deps.attempts.close(attempt);
          found++;
          logger.info(`Found the unanswered broadcast in RapidPro (${match.id ?? match.uuid}): its ${attempt.messages.length} message(s) are marked sent, not sent again`);
        } else {
          await deps.attempts.close(attempt);
          notFound++;
          logger.info(`RapidPro has no broadcast for an unanswered attempt: its ${attempt.messages.length} message(s) will be sent again`);
        }
      }
      return { kind: 'settled', found, notFound };
    },
  };
}
