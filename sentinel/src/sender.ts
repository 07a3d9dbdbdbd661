/**
 * Sends one batch (one text, up to 100 recipients) as one RapidPro broadcast, crash-safely:
 *
 *   1. re-read the documents: only messages still due go;
 *   2. take a slot in the request budget, and check this sentinel still holds the sender lease;
 *   3. write the attempt record (attempts.ts);
 *   4. POST broadcasts.json;
 *   5. write the outcome to the messages, then remove the attempt record.
 *
 * If the process dies anywhere after 3, or the answer is lost, late or unreadable, the record stays
 * and the reconciler settles it against RapidPro before any of these messages can go again. A
 * failure that means "not created" (400, 401/403, 404, 429, a refused connection) settles at once.
 */
import type { CouchDb } from '../../shared-libs/couch/src';
import type { Logger } from '../../shared-libs/logger/src';
import type { MessageDoc } from '../../shared-libs/messages/src';
import { dueMessages } from '../../shared-libs/messages/src';
import type { BroadcastInfo, RapidProClient, RapidProFailure } from '../../shared-libs/rapidpro/src';
import { describeFailure, mapBroadcastStatus } from '../../shared-libs/rapidpro/src';
import type { AttemptDoc, AttemptLog } from './attempts';
import type { Budget } from './budget';
import type { Clock } from './clock';
import type { SendContext } from './context';
import type { Lease } from './lease';
import type { Outbox, OutboxEntry } from './outbox';
import { nextStep, NextStep } from './retry-policy';
import type { TaskChange } from './state-writer';
import { Origin, recordAccepted, recordRefused } from './task-records';
import { telUrn } from './urns';

/** Added to the request timeout: how long a RapidPro still working on a dropped request may take. */
export const SETTLE_MARGIN_MS = 5000;

export type SendResult =
  | { kind: 'sent'; broadcast: BroadcastInfo; messages: number }
  | { kind: 'nothing' }
  /** The budget has no slot: wait this long. */
  | { kind: 'wait'; waitMs: number; why: 'paused' | 'limit' | 'sends-first' }
  | { kind: 'not-leader' }
  | { kind: 'failed'; failure: RapidProFailure; step: NextStep };

export interface SenderDeps {
  db: CouchDb;
  attempts: AttemptLog;
  writer: { write(changes: TaskChange[]): Promise<unknown> };
  rapidpro: RapidProClient;
  budget: Budget;
  lease: Lease;
  outbox: Outbox;
  clock: Clock;
  logger: Logger;
  random?: () => number;
}

export interface Sender {
  send(batch: OutboxEntry[], context: SendContext): Promise<SendResult>;
  /** Failures in a row (reset by a success), for the global rest between calls. */
  consecutiveFailures(): number;
}

interface Prepared {
  entry: OutboxEntry;
  urn: string;
}

export function createSender(deps: SenderDeps): Sender {
  const { clock, logger, outbox } = deps;
  let failuresInARow = 0;

  /** Keeps the messages that are still due, with their URN; one message per URN per broadcast. */
  async function prepare(batch: OutboxEntry[], context: SendContext): Promise<Prepared[]> {
    const docs = await deps.db.fetch<MessageDoc>([...new Set(batch.map((e) => e.docId))]);
    const stillDue = new Map<string, boolean>();
    for (const entry of batch) {
      const doc = docs.get(entry.docId);
      if (!doc) {
        outbox.forgetDoc(entry.docId);
        continue;
      }
      outbox.offer(doc, clock.now());
      stillDue.set(entry.uuid, dueMessages(doc).some((d) => d.uuid === entry.uuid && d.text === entry.text && d.to === entry.to));
    }
    const seen = new Set<string>();
    const prepared: Prepared[] = [];
    for (const entry of batch) {
      if (!stillDue.get(entry.uuid)) {
        continue;
      }
      const urn = telUrn(context.settings, entry.to);
      if (!seen.has(urn)) {
        seen.add(urn);
        prepared.push({ entry, urn });
      }
    }
    return prepared;
  }

  async function writeWithPatience(changes: TaskChange[], what: string, attempt: AttemptDoc): Promise<void> {
    for (let tries = 0; ; tries++) {
      try {
        await deps.writer.write(changes);
        return;
      } catch (err) {
        if (tries === 0) {
          logger.warn(`Could not write ${what} yet; retrying (the send is recorded, so nothing is lost)`, { reason: (err as Error).message });
        }
        if (tries >= 8) {
          // Hand the attempt to the reconciler, which settles it against RapidPro once CouchDB is
          // back; without this its messages would stay busy until the next restart.
          await deps.attempts.markUnknown(attempt, `the outcome could not be written to CouchDB (${(err as Error).message})`).catch(() => undefined);
          throw err;
        }
        await clock.sleep(Math.min(30000, 500 * 2 ** tries));
      }
    }
  }

  function origin(context: SendContext, attempt: AttemptDoc): Origin {
    return { url: context.endpoint.url, account: context.account, attempt: attempt._id, nowIso: new Date(clock.now()).toISOString() };
  }

  async function accepted(prepared: Prepared[], broadcast: BroadcastInfo, context: SendContext, attempt: AttemptDoc): Promise<void> {
    const mapping = mapBroadcastStatus(broadcast.status);
    const rpUrns = broadcast.urns && broadcast.urns.length === prepared.length ? broadcast.urns : undefined;
    const from = origin(context, attempt);
    const changes: TaskChange[] = prepared.map((p, i) => ({
      docId: p.entry.docId,
      messageUuid: p.entry.uuid,
      apply: (task) =>
        recordAccepted(task, from, {
          uuid: p.entry.uuid,
          urn: rpUrns?.[i] ?? p.urn,
          broadcastId: broadcast.id,
          broadcastUuid: broadcast.uuid,
          createdOn: broadcast.created_on,
          broadcastStatus: broadcast.status,
          mapping,
          requeued: p.entry.requeued,
        }),
    }));
    await writeWithPatience(changes, 'the accepted messages', attempt);
    await deps.attempts.close(attempt);
    outbox.remove(prepared.map((p) => p.entry.uuid));
  }

  async function refused(prepared: Prepared[], failure: RapidProFailure & { kind: 'rejected' }, context: SendContext, attempt: AttemptDoc): Promise<void> {
    // With several recipients, RapidPro names the bad URNs; the others were not sent and go again.
    const perUrn = prepared.length > 1 && Object.keys(failure.urnErrors).length > 0;
    const failing = perUrn ? prepared.filter((_, i) => failure.urnErrors[i] !== undefined) : prepared;
    const from = origin(context, attempt);
    const changes: TaskChange[] = failing.map((p) => {
      const index = prepared.indexOf(p);
      const reason = perUrn ? failure.urnErrors[index] : failure.detail;
      return {
        docId: p.entry.docId,
        messageUuid: p.entry.uuid,
        apply: (task) => recordRefused(task, from, { uuid: p.entry.uuid, urn: p.urn, details: `Failed: RapidPro refused it: ${reason}`, requeued: p.entry.requeued }),
      };
    });
    await writeWithPatience(changes, 'the refused messages', attempt);
    await deps.attempts.close(attempt);
    outbox.remove(failing.map((p) => p.entry.uuid));
    logger.warn(`RapidPro refused ${failing.length} message(s): ${failure.detail}`);
  }

  return {
    consecutiveFailures: () => failuresInARow,
    async send(batch, context) {
      const prepared = await prepare(batch, context);
      if (!prepared.length) {
        return { kind: 'nothing' };
      }
      const slot = await deps.budget.take('send', context.rapidpro.requestsPerHour, true);
      if (!slot.ok) {
        return { kind: 'wait', waitMs: slot.waitMs, why: slot.why };
      }
      if (!deps.lease.held()) {
        return { kind: 'not-leader' };
      }
      const text = prepared[0].entry.text;
      const attempt = await deps.attempts.open({
        url: context.endpoint.url,
        account: context.account,
        text,
        messages: prepared.map((p) => ({ uuid: p.entry.uuid, doc_id: p.entry.docId, urn: p.urn })),
        settle_after_ms: context.rapidpro.requestTimeoutMs + SETTLE_MARGIN_MS,
      });
      const result = await deps.rapidpro.sendBroadcast(context.endpoint, { urns: prepared.map((p) => p.urn), text });
      if (result.ok) {
        failuresInARow = 0;
        await accepted(prepared, result.value, context, attempt);
        logger.debug(`Sent broadcast ${result.value.id ?? result.value.uuid} to ${prepared.length} recipient(s)`);
        return { kind: 'sent', broadcast: result.value, messages: prepared.length };
      }

      const failure = result.failure;
      failuresInARow++;
      const tries = Math.max(...prepared.map((p) => p.entry.tries));
      const step = nextStep(failure, { tries, consecutiveFailures: failuresInARow, now: clock.now(), random: deps.random });
      const uuids = prepared.map((p) => p.entry.uuid);
      if (failure.kind === 'rejected') {
        failuresInARow = 0;
        await refused(prepared, failure, context, attempt);
      } else if (failure.kind === 'unavailable' && failure.ambiguous) {
        // RapidPro may have created it: these messages wait for the reconciler, never a blind resend.
        await deps.attempts.markUnknown(attempt, describeFailure(failure));
        if (step.kind === 'retry') {
          outbox.defer(uuids, step.retryAt, step.reason);
        }
        logger.warn(`No clear answer from RapidPro for a broadcast to ${uuids.length} recipient(s) (${failure.cause}); it will be checked before anything is sent again`);
      } else {
        await deps.attempts.close(attempt);
        if (step.kind === 'retry') {
          outbox.defer(uuids, step.retryAt, step.reason);
        }
      }
      return { kind: 'failed', failure, step };
    },
  };
}
