/**
 * Which messages of a document are due for sending: CHT's rules (a task in `pending` or
 * `forwarded-to-gateway`, a message with `uuid`, `to` and `message`), minus those this service has
 * already handed to RapidPro in this round. A task set back to pending by someone after it was sent
 * (CHT's documented way to send again) is due again as a whole.
 */
import { isSendable, SENDABLE_STATES } from './states';
import type { MessageDoc, OutgoingMessage, Task } from './types';

export interface DueMessage {
  docId: string;
  uuid: string;
  to: string;
  text: string;
  /** CHT's due time: task.due, else task.timestamp, else the doc's reported_date (ms; 0 if unknown). */
  due: number;
  /** True when the task was re-queued after an earlier send: its old RapidPro records are stale. */
  requeued: boolean;
}

export function taskLists(doc: MessageDoc): Task[][] {
  return [doc.tasks, doc.scheduled_tasks].filter((list): list is Task[] => Array.isArray(list));
}

export function isComplete(msg: OutgoingMessage | undefined): msg is OutgoingMessage & { uuid: string; to: string; message: string } {
  return !!msg && typeof msg.uuid === 'string' && !!msg.uuid && typeof msg.to === 'string' && !!msg.to && typeof msg.message === 'string' && !!msg.message;
}

export function dueTime(task: Task, doc: MessageDoc): number {
  const raw = task.due || task.timestamp || doc.reported_date;
  const value = typeof raw === 'string' ? Date.parse(raw) : typeof raw === 'number' ? raw : NaN;
  return Number.isFinite(value) ? value : 0;
}

/** True when someone put the task back in a sendable state after this service last recorded a send. */
export function wasRequeued(task: Task): boolean {
  const records = task.rapidpro?.messages ?? [];
  if (!records.length) {
    return false;
  }
  const messages = (task.messages ?? []).filter(isComplete);
  if (messages.every((m) => records.some((r) => r.uuid === m.uuid))) {
    // Every message was handled, yet the task is sendable: it was set back by hand.
    return true;
  }
  const sentAt = Date.parse(task.rapidpro?.sent_at ?? '') || 0;
  const history = task.state_history ?? [];
  return history.some((h) => (SENDABLE_STATES as readonly string[]).includes(h.state) && Date.parse(h.timestamp) > sentAt);
}

export function findTask(doc: MessageDoc, messageUuid: string): Task | undefined {
  for (const list of taskLists(doc)) {
    for (const task of list) {
      if (task && Array.isArray(task.messages) && task.messages.some((m) => m && m.uuid === messageUuid)) {
        return task;
      }
    }
  }
  return undefined;
}

export function dueMessages(doc: MessageDoc): DueMessage[] {
  const due: DueMessage[] = [];
  if ((doc as { _deleted?: boolean })._deleted) {
    return due;
  }
  for (const list of taskLists(doc)) {
    for (const task of list) {
      if (!task || !isSendable(task.state) || !Array.isArray(task.messages)) {
        continue;
      }
      const requeued = wasRequeued(task);
      const records = requeued ? [] : task.rapidpro?.messages ?? [];
      for (const msg of task.messages) {
        if (isComplete(msg) && !records.some((r) => r.uuid === msg.uuid)) {
          due.push({ docId: doc._id, uuid: msg.uuid, to: msg.to, text: msg.message, due: dueTime(task, doc), requeued });
        }
      }
    }
  }
  return due;
}
