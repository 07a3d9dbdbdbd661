/**
 * Steps 7 to 10: an outgoing SMS. CHT leaves a `data_record` with a pending task in CouchDB; the
 * sentinel sends it through RapidPro and writes each status back onto the task. The demo watches
 * both sides: the task in CouchDB and what the simulated RapidPro saw.
 */
import crypto from 'node:crypto';
import type { MessageDoc, Task } from '../../shared-libs/messages/src/types';
import { callApi, DemoContext } from './context';
import { expectStatus } from './http';
import { seconds } from './narrator';
import { watchSimulator } from './simulator';
import { GiveUp, waitFor } from './wait';

const SENDING_TIMEOUT_MS = 60000;
const DELIVERY_TIMEOUT_MS = 60000;
const FOLLOW_INTERVAL_MS = 200;
const HEALTH_TIMEOUT_MS = 30000;

export interface OutgoingSms {
  docId: string;
  uuid: string;
  to: string;
  message: string;
}

interface SentinelHealth {
  running?: boolean;
  state?: string;
  [key: string]: unknown;
}

async function sentinelHealth(ctx: DemoContext): Promise<SentinelHealth> {
  const answer = expectStatus(await callApi(ctx, 'GET', '/health'), 200, 'GET /health');
  return ((answer.json as { sentinel?: SentinelHealth }).sentinel ?? {}) as SentinelHealth;
}

export async function waitForSending(ctx: DemoContext): Promise<void> {
  await ctx.narrator.step('Waiting for the sentinel to say it is sending (GET /health)', async (log) => {
    const startedAt = Date.now();
    let lastState: string | undefined;
    await waitFor(
      async () => {
        const sentinel = await sentinelHealth(ctx);
        if (sentinel.state !== lastState) {
          lastState = sentinel.state;
          log.live(`+${seconds(Date.now() - startedAt)}  sentinel: ${sentinel.state ?? '(no state)'}`);
        }
        return sentinel.running === true && sentinel.state === 'sending' ? true : undefined;
      },
      { what: 'the sentinel to report "sending" in /health', timeoutMs: SENDING_TIMEOUT_MS, intervalMs: 500, guard: ctx.service.assertRunning },
    );
    log.note(`after ${seconds(Date.now() - startedAt)}; its status is written every few seconds`);
  });
}

export async function queueOutgoing(ctx: DemoContext): Promise<OutgoingSms> {
  return ctx.narrator.step('Queueing an outgoing SMS the way CHT does (a pending task, written to CouchDB)', async (log) => {
    const sms: OutgoingSms = {
      docId: `demo-outgoing-${crypto.randomBytes(4).toString('hex')}`,
      uuid: crypto.randomUUID(),
      to: '+254712345678',
      message: 'Hello Sarah, your next clinic visit is on Monday.',
    };
    const now = new Date();
    const task: Task = {
      messages: [{ uuid: sms.uuid, to: sms.to, message: sms.message }],
      state: 'pending',
      state_history: [{ state: 'pending', timestamp: now.toISOString() }],
    };
    const doc: MessageDoc = { _id: sms.docId, type: 'data_record', kujua_message: true, form: null, reported_date: now.getTime(), errors: [], tasks: [task] };
    await ctx.db.create(doc);
    log.detail(`document ${sms.docId}: tasks[0] in state "pending", message ${sms.uuid}`);
    log.detail(`to ${sms.to}: "${sms.message}"`);
    return sms;
  });
}

function taskOf(doc: MessageDoc, uuid: string): Task | undefined {
  return (doc.tasks ?? []).find((task) => (task.messages ?? []).some((m) => m.uuid === uuid));
}

function detailsOf(task: Task): string {
  return typeof task.state_details === 'string' && task.state_details ? ` (${task.state_details})` : '';
}

export async function followOutgoing(ctx: DemoContext, sms: OutgoingSms): Promise<Task> {
  return ctx.narrator.step('Following the outgoing message until RapidPro reports it delivered', async (log) => {
    const startedAt = Date.now();
    const stamp = () => `+${seconds(Date.now() - startedAt)}`;
    log.live(`(times from now; "CHT task" is the task in CouchDB, "RapidPro" what the simulator did)`);
    const stopWatching = watchSimulator(ctx.sim, (line) => log.live(`${stamp()}  ${line}`));
    let lastState: string | undefined;
    try {
      const task = await waitFor(
        async () => {
          const current = taskOf(await ctx.db.get<MessageDoc>(sms.docId), sms.uuid);
          if (!current) {
            throw new GiveUp(`the task of message ${sms.uuid} is gone from ${sms.docId}`);
          }
          if (current.state !== lastState) {
            lastState = current.state;
            log.live(`${stamp()}  CHT task: ${current.state}${detailsOf(current)}`);
          }
          if (current.state === 'failed') {
            throw new GiveUp(`the message ended in state failed${detailsOf(current)}`);
          }
          return current.state === 'delivered' ? current : undefined;
        },
        { what: 'the message to reach "delivered"', timeoutMs: DELIVERY_TIMEOUT_MS, intervalMs: FOLLOW_INTERVAL_MS, guard: ctx.service.assertRunning },
      );
      log.note(`delivered after ${seconds(Date.now() - startedAt)}`);
      log.detail('state_history on the task, as CHT shows it:');
      for (const entry of task.state_history ?? []) {
        const extra = typeof entry.state_details === 'string' ? ` (${entry.state_details})` : '';
        log.detail(`   ${entry.timestamp}  ${entry.state}${extra}`);
      }
      log.detail(`gateway_ref: ${JSON.stringify(task.gateway_ref)} (the RapidPro broadcast id, as CHT records it)`);
      return task;
    } finally {
      stopWatching();
    }
  });
}

/**
 * The sentinel's part of /health, once its status has been written after `since` (it is written
 * every few seconds, so an earlier one would not count the delivery just seen).
 */
export async function showHealth(ctx: DemoContext, since: string): Promise<void> {
  await ctx.narrator.step('Asking GET /health what the sentinel has been doing', async (log) => {
    const sinceMs = Date.parse(since);
    const sentinel = await waitFor(
      async () => {
        const current = await sentinelHealth(ctx);
        const updatedAt = typeof current.updated_at === 'string' ? Date.parse(current.updated_at) : NaN;
        return updatedAt >= sinceMs ? current : undefined;
      },
      { what: 'the sentinel to write its status after the delivery', timeoutMs: HEALTH_TIMEOUT_MS, intervalMs: 500, guard: ctx.service.assertRunning },
    );
    log.note('its first status written after the delivery');
    log.detail('"sentinel" in the answer:');
    JSON.stringify(sentinel, null, 2)
      .split('\n')
      .forEach((line) => log.detail(`   ${line}`));
  });
}
