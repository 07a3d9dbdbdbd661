/**
 * In-memory data of the simulated workspaces: contacts, broadcasts, messages and the sorted indexes the
 * list endpoints page through. Ids are global (as in RapidPro, where ids are database sequences).
 */
import { isUuid, uuid4, uuid7 } from './ids';
import type {
  BroadcastRow,
  ContactRow,
  MessageRow,
  NewBroadcast,
  NewMessage,
  WorkspaceData,
  WorkspaceState,
} from './rows';
import { createSortedIndex } from './sorted-index';
import type { MessageStatus, WorkspaceOptions } from './types';
import { normalizeUrn, urnIdentity } from './urns';

/** Ids start at distinct values so a broadcast id used as a message id (or back) finds nothing. */
const FIRST_BROADCAST_ID = 1001;
const FIRST_MESSAGE_ID = 500001;

function newData(): WorkspaceData {
  return {
    contactsByIdentity: new Map(),
    contactsByUuid: new Map(),
    broadcasts: createSortedIndex<BroadcastRow>((b) => b.createdUs),
    broadcastsByUuid: new Map(),
    byCreated: createSortedIndex<MessageRow>((m) => m.createdUs),
    bySent: createSortedIndex<MessageRow>((m) => m.sentUs ?? 0),
    incomingByModified: createSortedIndex<MessageRow>((m) => m.modifiedUs),
    messagesByContact: new Map(),
    messagesByUuid: new Map(),
  };
}

function newWorkspace(id: number, o: WorkspaceOptions): WorkspaceState {
  const ws: WorkspaceState = {
    id,
    uuid: uuid4(),
    name: '',
    tokens: [],
    country: undefined,
    rates: {},
    anonymous: false,
    blocked: undefined,
    channel: o.channel ?? { uuid: uuid4(), name: 'Simulated Channel' },
    data: newData(),
  };
  applyWorkspaceOptions(ws, o);
  return ws;
}

function applyWorkspaceOptions(ws: WorkspaceState, o: WorkspaceOptions): void {
  ws.name = o.name ?? `Workspace ${ws.id}`;
  ws.tokens = [o.token, ...(o.extraTokens ?? [])];
  ws.country = o.country?.toUpperCase();
  ws.rates = { ...o.rates };
  ws.anonymous = o.anonymous ?? false;
  ws.blocked = o.blocked;
  if (o.channel) ws.channel = o.channel;
}

export type WorkspaceStore = ReturnType<typeof createWorkspaceStore>;

export function createWorkspaceStore() {
  let workspaces: WorkspaceState[] = [];
  let byToken = new Map<string, WorkspaceState>();
  const broadcastsById = new Map<number, BroadcastRow>();
  const messagesById = new Map<number, MessageRow>();
  let nextWorkspaceId = 1;
  let nextBroadcastId = FIRST_BROADCAST_ID;
  let nextMessageId = FIRST_MESSAGE_ID;

  const forgetMessages = (ws: WorkspaceState): void => {
    for (const m of ws.data.byCreated.rows) {
      for (const t of m.pending) t.cancel();
      messagesById.delete(m.id);
    }
    for (const b of ws.data.broadcasts.rows) broadcastsById.delete(b.id);
  };

  const indexMessage = (m: MessageRow): void => {
    const ws = m.workspace;
    messagesById.set(m.id, m);
    ws.data.messagesByUuid.set(m.uuid, m);
    const list = ws.data.messagesByContact.get(m.contact.uuid);
    if (list) list.push(m);
    else ws.data.messagesByContact.set(m.contact.uuid, [m]);
  };

  const store = {
    workspaces: (): readonly WorkspaceState[] => workspaces,

    /** Replaces the workspace list; a workspace keeps its data while its (first) token stays. */
    setWorkspaces(options: WorkspaceOptions[]): void {
      const seen = new Set<string>();
      for (const o of options) {
        for (const t of [o.token, ...(o.extraTokens ?? [])]) {
          if (typeof t !== 'string' || t === '') throw new Error('workspace tokens must be non-empty strings');
          if (seen.has(t)) throw new Error(`token used twice: ${t}`);
          seen.add(t);
        }
      }
      const old = new Map(workspaces.map((ws) => [ws.tokens[0], ws]));
      workspaces = options.map((o) => {
        const existing = old.get(o.token);
        old.delete(o.token);
        if (!existing) return newWorkspace(nextWorkspaceId++, o);
        applyWorkspaceOptions(existing, o);
        return existing;
      });
      for (const gone of old.values()) forgetMessages(gone);
      byToken = new Map(workspaces.flatMap((ws) => ws.tokens.map((t) => [t, ws] as const)));
    },

    byToken: (token: string): WorkspaceState | undefined => byToken.get(token),

    /** The workspace of `token`, or the first one when no token is given; throws for an unknown token. */
    resolve(token?: string): WorkspaceState {
      const ws = token === undefined ? workspaces[0] : byToken.get(token);
      if (!ws) throw new Error(token === undefined ? 'no workspace configured' : `unknown workspace token: ${token}`);
      return ws;
    },

    /** Drops every broadcast, message and contact (ids keep counting up). */
    clearData(): void {
      for (const ws of workspaces) {
        forgetMessages(ws);
        ws.data = newData();
      }
    },

    /** The contact owning `urn` (normalised), created on first use as RapidPro does for new URNs. */
    contactFor(ws: WorkspaceState, urn: string): ContactRow {
      const identity = urnIdentity(urn);
      let contact = ws.data.contactsByIdentity.get(identity);
      if (!contact) {
        contact = { uuid: uuid4(), name: null, urn };
        ws.data.contactsByIdentity.set(identity, contact);
        ws.data.contactsByUuid.set(contact.uuid, contact);
      }
      return contact;
    },

    /** RapidPro's ContactField lookup: by UUID, or by URN (normalised without a country). */
    findContact(ws: WorkspaceState, value: string): ContactRow | null {
      if (isUuid(value)) {
        const byUuid = ws.data.contactsByUuid.get(value.toLowerCase());
        if (byUuid) return byUuid;
      }
      const urn = normalizeUrn(value);
      return ws.data.contactsByIdentity.get(urnIdentity(urn ?? value)) ?? null;
    },

    createBroadcast(ws: WorkspaceState, b: NewBroadcast): BroadcastRow {
      const recipients = new Map<string, ContactRow>();
      for (const urn of b.urns) {
        const c = store.contactFor(ws, urn);
        recipients.set(c.uuid, c);
      }
      for (const c of b.contacts) recipients.set(c.uuid, c);
      const row: BroadcastRow = {
        id: nextBroadcastId++,
        uuid: uuid7(b.createdUs / 1000),
        workspace: ws,
        urns: b.urns,
        contacts: b.contacts,
        recipients: [...recipients.values()],
        translations: b.translations,
        baseLanguage: b.baseLanguage,
        phase: b.phase,
        contactCount: 0,
        messages: [],
        createdUs: b.createdUs,
      };
      broadcastsById.set(row.id, row);
      ws.data.broadcastsByUuid.set(row.uuid, row);
      ws.data.broadcasts.insert(row);
      return row;
    },

    broadcastById: (id: number): BroadcastRow | undefined => broadcastsById.get(id),
    messageById: (id: number): MessageRow | undefined => messagesById.get(id),

    /** Adds messages; many at once are indexed in bulk (sorted once) to keep seeding fast. */
    addMessages(ws: WorkspaceState, inputs: NewMessage[]): MessageRow[] {
      const rows = inputs.map((n): MessageRow => ({
        id: nextMessageId++,
        uuid: uuid7(n.createdUs / 1000),
        workspace: ws,
        broadcastId: n.broadcastId ?? null,
        contact: n.contact,
        urn: n.contact.urn,
        channel: ws.channel,
        direction: n.direction,
        status: n.status,
        visibility: n.visibility ?? 'visible',
        text: n.text,
        flow: n.flow ?? null,
        attachments: n.attachments ?? [],
        quickReplies: n.quickReplies ?? [],
        createdUs: n.createdUs,
        sentUs: n.sentUs ?? null,
        modifiedUs: n.sentUs ?? n.createdUs,
        pending: [],
      }));
      for (const m of rows) indexMessage(m);
      ws.data.byCreated.insertMany(rows);
      ws.data.bySent.insertMany(rows.filter((m) => m.sentUs !== null).sort((a, b) => a.sentUs! - b.sentUs! || a.id - b.id));
      ws.data.incomingByModified.insertMany(rows.filter((m) => m.direction === 'in'));
      return rows;
    },

    /** Changes indexed times of a message, keeping the sent_on index right. */
    updateMessage(m: MessageRow, change: { status: MessageStatus; sentUs: number | null; modifiedUs: number }): void {
      const ws = m.workspace;
      const reindex = m.sentUs !== change.sentUs;
      if (reindex && m.sentUs !== null) ws.data.bySent.remove(m);
      m.status = change.status;
      m.sentUs = change.sentUs;
      m.modifiedUs = change.modifiedUs;
      if (reindex && m.sentUs !== null) ws.data.bySent.insert(m);
    },
  };
  return store;
}
