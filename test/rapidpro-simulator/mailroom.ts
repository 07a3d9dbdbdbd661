/**
 * What mailroom and courier do after a broadcast is accepted: create one message per recipient after a
 * delay (moving the broadcast through its statuses), then move each message through its scripted status
 * steps. Status writes follow courier: no monotonic guard, `modified_on` always bumped, `sent_on` set on
 * the first wired/sent/delivered/read and cleared on errored/failed.
 */
import { msToUs } from './datetime';
import type { ResolvedOptions } from './options';
import type { Scheduler } from './scheduler';
import type { MessageStatus, OutgoingStatus, ProgressionStep, SimClock } from './types';
import type { BroadcastPhase, BroadcastRow, MessageRow } from './rows';
import type { WorkspaceStore } from './workspace-store';

const SENT_LIKE: ReadonlySet<MessageStatus> = new Set<MessageStatus>(['wired', 'sent', 'delivered', 'read']);

export interface MailroomDeps {
  store: WorkspaceStore;
  scheduler: Scheduler;
  clock: SimClock;
  options: () => ResolvedOptions;
  onBroadcast(row: BroadcastRow, type: 'created' | 'status'): void;
  onMessage(row: MessageRow, type: 'created' | 'status', previous: MessageStatus | null): void;
}

export interface FanOutOptions {
  createdUs: number;
  messageStatus: OutgoingStatus;
  /** Schedule the progression steps from the messages' creation. */
  progression: boolean;
  /** Phase to set directly (seeding); without it the broadcast goes queued, started, completed. */
  finalPhase?: BroadcastPhase;
}

export type Mailroom = ReturnType<typeof createMailroom>;

export function createMailroom(deps: MailroomDeps) {
  const { store, scheduler, clock } = deps;

  const setPhase = (b: BroadcastRow, phase: BroadcastPhase): void => {
    if (b.phase === phase || b.phase === 'interrupted') return; // mailroom never overwrites interrupted
    b.phase = phase;
    deps.onBroadcast(b, 'status');
  };

  const applyStatus = (m: MessageRow, status: OutgoingStatus): void => {
    const nowUs = msToUs(clock.now());
    const previous = m.status;
    let sentUs = m.sentUs;
    if (SENT_LIKE.has(status) && sentUs === null) sentUs = nowUs;
    if (status === 'errored' || status === 'failed') sentUs = null;
    store.updateMessage(m, { status, sentUs, modifiedUs: Math.max(nowUs, m.createdUs) });
    deps.onMessage(m, 'status', previous);
  };

  const stepsFor = (urn: string): ProgressionStep[] => {
    const o = deps.options();
    const rule = o.progressionRules.find((r) => r.urn === urn || r.pattern?.test(urn) === true);
    return rule ? rule.steps : o.progression;
  };

  const scheduleProgression = (m: MessageRow): void => {
    const createdMs = m.createdUs / 1000;
    for (const step of stepsFor(m.urn ?? '')) {
      const task = scheduler.at(createdMs + step.afterMs, () => {
        m.pending = m.pending.filter((t) => t !== task);
        applyStatus(m, step.status);
      });
      m.pending.push(task);
    }
  };

  /** Creates the broadcast's messages now, as mailroom's batches would (seeding jumps to `finalPhase`). */
  const fanOut = (b: BroadcastRow, o: FanOutOptions): MessageRow[] => {
    b.contactCount = b.recipients.length;
    if (o.finalPhase === undefined) {
      setPhase(b, 'queued');
      setPhase(b, 'started');
    }
    const t = b.translations[b.baseLanguage] ?? { text: null, attachments: [], quickReplies: [] };
    const sentUs = SENT_LIKE.has(o.messageStatus) ? o.createdUs : null;
    const rows = store.addMessages(
      b.workspace,
      b.recipients.map((contact, i) => ({
        contact,
        direction: 'out' as const,
        status: o.messageStatus,
        text: t.text ?? '',
        attachments: t.attachments,
        quickReplies: t.quickReplies,
        broadcastId: b.id,
        createdUs: o.createdUs + i,
        sentUs: sentUs === null ? null : sentUs + i,
      })),
    );
    for (const m of rows) b.messages.push(m);
    for (const m of rows) {
      deps.onMessage(m, 'created', null);
      if (o.progression) scheduleProgression(m);
    }
    setPhase(b, o.finalPhase ?? 'completed');
    return rows;
  };

  return {
    fanOut,

    /** Schedules the message creation of a freshly POSTed broadcast. */
    queueBroadcast(b: BroadcastRow): void {
      const dueMs = b.createdUs / 1000 + deps.options().messageCreationDelayMs;
      scheduler.at(dueMs, () => {
        if (store.broadcastById(b.id) === b) {
          fanOut(b, { createdUs: msToUs(clock.now()), messageStatus: 'queued', progression: true });
        }
      });
    },

    scheduleProgression,

    /** A direct status write: cancels the message's remaining scripted steps first. */
    setStatus(m: MessageRow, status: OutgoingStatus): void {
      for (const t of m.pending) t.cancel();
      m.pending = [];
      applyStatus(m, status);
    },
  };
}
