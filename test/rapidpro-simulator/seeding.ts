/**
 * Data created directly, bypassing validation and throttling: broadcasts with their messages at chosen
 * times and statuses, and bulk unrelated traffic to fill the windows a status sweep pages through.
 */
import { msToUs, toUs } from './datetime';
import type { Mailroom } from './mailroom';
import type { ResolvedOptions } from './options';
import { phaseOf } from './serializers';
import type { AddMessagesInput, ApiLine, MessageStatus, ObjectRef, SeedBroadcastInput } from './types';
import { normalizeUrn } from './urns';
import type { Translation } from './validation';
import type { BroadcastRow, MessageRow, NewMessage } from './rows';
import type { WorkspaceStore } from './workspace-store';

const OUTGOING: readonly MessageStatus[] = ['queued', 'wired', 'sent', 'delivered', 'read', 'errored', 'failed'];
const SENT_LIKE: readonly MessageStatus[] = ['wired', 'sent', 'delivered', 'read'];
const SEED_FLOW: ObjectRef = { uuid: 'a1f0b2c3-d4e5-4f60-8a7b-9c0d1e2f3a4b', name: 'Simulated Flow' };

export interface SeedingDeps {
  store: WorkspaceStore;
  mailroom: Mailroom;
  options(): ResolvedOptions;
  onBroadcastCreated(row: BroadcastRow): void;
  onMessagesCreated(rows: MessageRow[]): void;
}

/** Refuses statuses the line or the direction cannot have. */
export function checkOutgoingStatus(status: MessageStatus, line: ApiLine): void {
  if (!OUTGOING.includes(status)) throw new Error(`not an outgoing message status: ${status}`);
  if (status === 'read' && line !== 'upstream') throw new Error('status "read" exists on upstream only');
}

export function createSeeding(deps: SeedingDeps) {
  let urnCounter = 0;

  return {
    seedBroadcast(input: SeedBroadcastInput): BroadcastRow {
      const o = deps.options();
      const ws = deps.store.resolve(input.workspaceToken);
      if (!Array.isArray(input.urns) || input.urns.length === 0) throw new Error('urns must be a non-empty list');
      const urns = input.urns.map((u) => {
        const normalized = normalizeUrn(String(u), ws.country);
        if (normalized === null) throw new Error(`Invalid URN: ${u}`);
        return normalized;
      });
      const text = input.text ?? 'Seeded broadcast';
      const texts = typeof text === 'string' ? { [o.primaryLanguage]: text } : text;
      const translations: Record<string, Translation> = {};
      for (const [lang, t] of Object.entries(texts)) translations[lang] = { text: t, attachments: [], quickReplies: [] };
      if (Object.keys(translations).length === 0) throw new Error('text must not be empty');
      const createMessages = input.createMessages ?? true;
      const messageStatus = input.messageStatus ?? 'queued';
      checkOutgoingStatus(messageStatus, o.mode);
      const phase = input.status ? phaseOf(input.status) : createMessages ? 'completed' : 'pending';
      const createdUs = input.createdOn === undefined ? msToUs(o.clock.now()) : toUs(input.createdOn);
      const row = deps.store.createBroadcast(ws, {
        urns,
        contacts: [],
        translations,
        baseLanguage: Object.keys(translations)[0],
        createdUs,
        phase: createMessages ? 'pending' : phase,
      });
      deps.onBroadcastCreated(row);
      if (createMessages) {
        deps.mailroom.fanOut(row, {
          createdUs,
          messageStatus,
          progression: input.applyProgression ?? false,
          finalPhase: phase,
        });
      }
      return row;
    },

    addMessages(input: AddMessagesInput): number {
      const o = deps.options();
      const ws = deps.store.resolve(input.workspaceToken);
      const count = input.count;
      if (!Number.isInteger(count) || count < 0 || count > 1_000_000) throw new Error('count must be 0..1000000');
      const direction = input.direction ?? 'in';
      const status = input.status ?? (direction === 'in' ? 'handled' : 'sent');
      if (direction === 'in' && status !== 'handled') throw new Error('incoming messages are always handled');
      if (direction === 'out') checkOutgoingStatus(status, o.mode);
      const spacingUs = msToUs(input.spacingMs ?? 1);
      if (spacingUs < 0) throw new Error('spacingMs must be >= 0');
      const startUs =
        input.createdOn === undefined ? msToUs(o.clock.now()) - (count - 1) * spacingUs : toUs(input.createdOn);
      const broadcastId = direction === 'out' ? (input.broadcast ?? null) : null;
      const broadcast = broadcastId === null ? undefined : deps.store.broadcastById(broadcastId);
      if (broadcastId !== null && broadcast?.workspace !== ws) throw new Error(`no broadcast ${broadcastId} in this workspace`);
      const prefix = input.urnPrefix ?? 'tel:+25470';
      const sentLike = SENT_LIKE.includes(status);
      const inputs: NewMessage[] = new Array(count);
      for (let i = 0; i < count; i++) {
        const urn = `${prefix}${String(urnCounter++).padStart(7, '0')}`;
        const createdUs = startUs + i * spacingUs;
        inputs[i] = {
          contact: deps.store.contactFor(ws, urn),
          direction,
          status,
          text: input.text ?? 'Seeded message',
          createdUs,
          broadcastId,
          visibility: input.visibility ?? 'visible',
          flow: direction === 'in' && input.viaFlow ? SEED_FLOW : null,
          sentUs: direction === 'out' && sentLike ? createdUs : null,
        };
      }
      const rows = deps.store.addMessages(ws, inputs);
      if (broadcast) for (const m of rows) broadcast.messages.push(m);
      deps.onMessagesCreated(rows);
      return count;
    },
  };
}
