/**
 * The messages the scenarios send, and the CHT documents that hold them, written the way CHT's
 * webapp writes them (reference/cht-rapidpro.md §4): a data_record with one task per recipient,
 * initial state `pending` with one state_history entry.
 */
import crypto from 'node:crypto';
import type { MessageDoc, Task } from '../../shared-libs/messages/src';
import type { ProgressionRule, ProgressionStep } from '../../test/rapidpro-simulator';

export interface Outgoing {
  to: string;
  text: string;
}

/** A Kenyan mobile number (+254 7xx xxx xxx), distinct for each i < 10,000,000 and each block. */
export function phone(i: number, block = 1): string {
  return `+2547${block % 10}${String(i).padStart(7, '0')}`;
}

/** n messages, each with its own text and its own recipient. */
export function distinctMessages(n: number, label: string, block = 1): Outgoing[] {
  return Array.from({ length: n }, (_, i) => ({ to: phone(i, block), text: `${label} ${i}: your next visit is due, reply OK to confirm` }));
}

function pendingTask(m: Outgoing, nowIso: string): Task {
  return {
    messages: [{ uuid: crypto.randomUUID(), to: m.to, message: m.text }],
    state: 'pending',
    state_history: [{ state: 'pending', timestamp: nowIso }],
  };
}

/** A CHT outgoing-message document, as the webapp and transitions write them, holding `tasks`. */
function messageDoc(reportedDate: number, tasks: MessageDoc['tasks']): MessageDoc {
  return {
    _id: `bench-${crypto.randomUUID()}`,
    type: 'data_record',
    kujua_message: true,
    form: null,
    sent_by: 'bench',
    reported_date: reportedDate,
    errors: [],
    tasks,
  };
}

/**
 * One document per message (as transitions write replies and reminders), each reported a
 * millisecond after the previous one, as documents written one by one are.
 */
export function onePerDoc(messages: Outgoing[], now = Date.now()): MessageDoc[] {
  return messages.map((m, i) => {
    const reported = now - messages.length + i;
    return messageDoc(reported, [pendingTask(m, new Date(reported).toISOString())]);
  });
}

/** One document with a task per recipient (as the webapp writes a message to a group). */
export function oneDocForAll(messages: Outgoing[], now = Date.now()): MessageDoc {
  const nowIso = new Date(now).toISOString();
  return messageDoc(now, messages.map((m) => pendingTask(m, nowIso)));
}

/**
 * Late statuses: wired after 1 s, sent after 3 s, delivered after 5 s to `maxDeliveredMs`, spread
 * over ten groups by the recipient number's last digit (times after RapidPro created the message).
 */
export function lateDelivery(maxDeliveredMs: number): { progression: ProgressionStep[]; progressionRules: ProgressionRule[] } {
  const minMs = 5000;
  const steps = (deliveredMs: number): ProgressionStep[] => [
    { status: 'wired', afterMs: Math.min(1000, deliveredMs / 3) },
    { status: 'sent', afterMs: Math.min(3000, (deliveredMs * 2) / 3) },
    { status: 'delivered', afterMs: deliveredMs },
  ];
  const rules: ProgressionRule[] = Array.from({ length: 10 }, (_, d) => ({
    urnPattern: `${d}$`,
    steps: steps(Math.round(minMs + ((maxDeliveredMs - minMs) * d) / 9)),
  }));
  return { progression: steps(maxDeliveredMs), progressionRules: rules };
}

/** A throttle that never bites, for scenarios that count calls rather than test limits. */
export const NO_THROTTLE = { rates: { v2: 10_000_000, 'v2.broadcasts': 10_000_000, 'v2.messages': 10_000_000 } };
