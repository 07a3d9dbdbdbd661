/**
 * What RapidPro made of each message, kept on its task (`task.rapidpro`), and the task's CHT state
 * derived from it. A task's state sums up its messages: the least advanced one while any is still
 * moving; `delivered` when all are delivered; `failed` when all are final and one failed. The state
 * only ever moves forward (isForward), and it is written the way CHT's setTaskState writes it.
 */
import type { RapidProMessageRecord, RapidProTaskRecord, Task, TaskState } from '../../shared-libs/messages/src';
import { isComplete, isFinal, isForward, setTaskState } from '../../shared-libs/messages/src';
import type { StateMapping } from '../../shared-libs/rapidpro/src';

export interface Origin {
  url: string;
  account: string;
  attempt: string;
  nowIso: string;
}

const RANK: Record<string, number> = { 'received-by-gateway': 1, 'forwarded-by-gateway': 2, sent: 3 };

function upsert(task: Task, origin: Origin, record: RapidProMessageRecord, requeued: boolean): void {
  const current: RapidProTaskRecord | undefined = requeued ? undefined : task.rapidpro;
  const messages = (current?.messages ?? []).filter((m) => m.uuid !== record.uuid);
  task.rapidpro = {
    url: origin.url,
    account: origin.account,
    attempt: origin.attempt,
    sent_at: origin.nowIso,
    messages: [...messages, record],
  };
}

interface Summary {
  state: TaskState;
  details: string;
  gatewayRef?: string | number;
}

/** The task's state from its messages' records; undefined while some message has not been sent. */
export function summarise(task: Task): Summary | undefined {
  const records = task.rapidpro?.messages ?? [];
  const messages = (task.messages ?? []).filter(isComplete);
  const mine = messages.map((m) => records.find((r) => r.uuid === m.uuid));
  if (!mine.length || mine.some((r) => !r)) {
    return undefined;
  }
  const recs = mine as RapidProMessageRecord[];
  const first = recs.find((r) => r.broadcast_id !== undefined || r.broadcast_uuid !== undefined);
  const gatewayRef = first ? first.broadcast_id ?? first.broadcast_uuid : undefined;
  const moving = recs.filter((r) => !isFinal(r.state));
  if (moving.length) {
    const least = moving.reduce((a, b) => ((RANK[b.state] ?? 0) < (RANK[a.state] ?? 0) ? b : a));
    return { state: least.state, details: detailsOf(least), gatewayRef };
  }
  const failed = recs.find((r) => r.state === 'failed');
  return failed ? { state: 'failed', details: detailsOf(failed), gatewayRef } : { state: 'delivered', details: detailsOf(recs[recs.length - 1]), gatewayRef };
}

function detailsOf(record: RapidProMessageRecord): string {
  return record.details ?? record.status ?? record.state;
}

/** Writes the summary as the task's state if it is progress (or the same state with news). */
function settle(task: Task, nowIso: string): boolean {
  const summary = summarise(task);
  if (!summary) {
    return false;
  }
  if (isForward(task.state, summary.state)) {
    return setTaskState(task, summary.state, summary.details, summary.gatewayRef, nowIso);
  }
  if (task.state === summary.state && summary.details !== task.state_details && !isFinal(task.state)) {
    return setTaskState(task, summary.state, summary.details, summary.gatewayRef ?? task.gateway_ref, nowIso);
  }
  return false;
}

export interface Accepted {
  uuid: string;
  /** The URN as RapidPro stored it. */
  urn: string;
  broadcastId?: number;
  broadcastUuid?: string;
  createdOn: string;
  broadcastStatus?: string;
  mapping: StateMapping;
  requeued: boolean;
}

/** RapidPro accepted a broadcast containing this message. */
export function recordAccepted(task: Task, origin: Origin, accepted: Accepted): boolean {
  const record: RapidProMessageRecord = {
    uuid: accepted.uuid,
    urn: accepted.urn,
    created_on: accepted.createdOn,
    state: accepted.mapping.state,
    details: accepted.mapping.details,
  };
  if (accepted.broadcastId !== undefined) {
    record.broadcast_id = accepted.broadcastId;
  }
  if (accepted.broadcastUuid !== undefined) {
    record.broadcast_uuid = accepted.broadcastUuid;
  }
  upsert(task, origin, record, accepted.requeued);
  settle(task, origin.nowIso);
  return true;
}

/** RapidPro refused this message (400) or can never take it: it fails, with the reason in words. */
export function recordRefused(task: Task, origin: Origin, refused: { uuid: string; urn: string; details: string; requeued: boolean }): boolean {
  upsert(task, origin, { uuid: refused.uuid, urn: refused.urn, created_on: origin.nowIso, state: 'failed', details: refused.details }, refused.requeued);
  settle(task, origin.nowIso);
  return true;
}

/** A status report from a sweep. Returns false when it is not news (same or backwards). */
export function recordStatus(task: Task, uuid: string, status: string, mapping: StateMapping, nowIso: string): boolean {
  const record = task.rapidpro?.messages.find((m) => m.uuid === uuid);
  if (!record || isFinal(record.state)) {
    return false;
  }
  const forward = isForward(record.state, mapping.state);
  const newsAtSameState = record.state === mapping.state && record.details !== mapping.details;
  if (!forward && !newsAtSameState) {
    return false;
  }
  record.status = status;
  record.state = mapping.state;
  record.details = mapping.details;
  settle(task, nowIso);
  return true;
}

/** Too old to follow: the state stays, and state_details says why it will not change any more. */
export function recordTrackingStopped(task: Task, reason: string, nowIso: string): boolean {
  if (!task.rapidpro || task.rapidpro.tracking_stopped_at) {
    return false;
  }
  task.rapidpro.tracking_stopped_at = nowIso;
  const state = (task.state ?? 'sent') as TaskState;
  setTaskState(task, state, reason, task.gateway_ref, nowIso);
  return true;
}
