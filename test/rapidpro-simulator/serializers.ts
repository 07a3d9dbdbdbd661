/**
 * JSON bodies exactly as each line renders them: field set and order of BroadcastReadSerializer and
 * MsgReadSerializer (reference §3.3, §4.3), and the records handed to tests.
 */
import { formatDatetime } from './datetime';
import type { ApiLine, BroadcastRecord, BroadcastStatus, MessageRecord, MessageStatus, ObjectRef } from './types';
import type { BroadcastPhase, BroadcastRow, ContactRow, MessageRow } from './rows';

/** rp9 shows queued until mailroom marks the broadcast sent; upstream shows each phase. */
const RP9_STATUS: Record<BroadcastPhase, BroadcastStatus> = {
  pending: 'queued',
  queued: 'queued',
  started: 'queued',
  completed: 'sent',
  failed: 'failed',
  interrupted: 'sent',
};

export function broadcastStatus(line: ApiLine, phase: BroadcastPhase): BroadcastStatus {
  return line === 'rp9' ? RP9_STATUS[phase] : phase;
}

/** Maps either line's status word back to a phase (for seeding). */
export function phaseOf(status: BroadcastStatus): BroadcastPhase {
  return status === 'sent' ? 'completed' : status;
}

/** rp9's serializer has no `read`: `STATUSES.get()` gives None. */
function messageStatus(line: ApiLine, status: MessageStatus): MessageStatus | null {
  return line === 'rp9' && status === 'read' ? null : status;
}

const contactRef = (c: ContactRow): ObjectRef => ({ uuid: c.uuid, name: c.name });

function perLanguage<T>(b: BroadcastRow, pick: (lang: string) => T): Record<string, T> {
  const out: Record<string, T> = {};
  for (const lang of Object.keys(b.translations)) out[lang] = pick(lang);
  return out;
}

export function renderBroadcast(line: ApiLine, b: BroadcastRow): Record<string, unknown> {
  const urns = b.workspace.anonymous ? null : b.urns;
  const contacts = b.contacts.map(contactRef);
  const text = perLanguage(b, (l) => b.translations[l].text);
  const attachments = perLanguage(b, (l) => b.translations[l].attachments);
  const createdOn = formatDatetime(b.createdUs);
  const status = broadcastStatus(line, b.phase);
  if (line === 'rp9') {
    return {
      id: b.id,
      urns,
      contacts,
      groups: [],
      text,
      attachments,
      base_language: b.baseLanguage,
      status,
      created_on: createdOn,
    };
  }
  return {
    uuid: b.uuid,
    status,
    progress: { total: b.contactCount || -1, started: b.messages.length },
    urns,
    contacts,
    groups: [],
    text,
    attachments,
    quick_replies: perLanguage(b, (l) => b.translations[l].quickReplies),
    base_language: b.baseLanguage,
    created_on: createdOn,
    id: b.id,
  };
}

function splitAttachment(a: string): { content_type: string; url: string } {
  const colon = a.indexOf(':');
  return { content_type: a.slice(0, colon), url: a.slice(colon + 1) };
}

export function renderMessage(line: ApiLine, m: MessageRow): Record<string, unknown> {
  const common = {
    contact: contactRef(m.contact),
    urn: m.workspace.anonymous ? null : m.urn,
    channel: m.channel,
    direction: m.direction,
    type: 'text',
    status: messageStatus(line, m.status),
    archived: m.visibility === 'archived',
    visibility: m.visibility,
    text: m.text,
    labels: [],
    flow: m.flow,
    attachments: m.attachments.map(splitAttachment),
  };
  const times = {
    created_on: formatDatetime(m.createdUs),
    sent_on: m.sentUs === null ? null : formatDatetime(m.sentUs),
    modified_on: formatDatetime(m.modifiedUs),
    media: m.attachments[0] ?? null,
  };
  if (line === 'rp9') return { id: m.id, broadcast: m.broadcastId, ...common, ...times };
  return { uuid: m.uuid, ...common, quick_replies: m.quickReplies, ...times, id: m.id, broadcast: m.broadcastId };
}

export function broadcastRecord(line: ApiLine, b: BroadcastRow): BroadcastRecord {
  return {
    id: b.id,
    uuid: b.uuid,
    workspace: b.workspace.name,
    urns: [...b.urns],
    contacts: b.contacts.map(contactRef),
    groups: [],
    text: perLanguage(b, (l) => b.translations[l].text),
    attachments: perLanguage(b, (l) => [...b.translations[l].attachments]),
    quickReplies: perLanguage(b, (l) => b.translations[l].quickReplies.map((q) => ({ ...q }))),
    baseLanguage: b.baseLanguage,
    status: broadcastStatus(line, b.phase),
    progress: { total: b.contactCount || -1, started: b.messages.length },
    createdOn: formatDatetime(b.createdUs),
    createdOnMs: b.createdUs / 1000,
    messageIds: b.messages.map((m) => m.id),
  };
}

export function messageRecord(m: MessageRow): MessageRecord {
  return {
    id: m.id,
    uuid: m.uuid,
    workspace: m.workspace.name,
    broadcast: m.broadcastId,
    contact: contactRef(m.contact),
    urn: m.urn,
    channel: m.channel,
    direction: m.direction,
    type: 'text',
    status: m.status,
    visibility: m.visibility,
    text: m.text,
    flow: m.flow,
    attachments: [...m.attachments],
    createdOn: formatDatetime(m.createdUs),
    sentOn: m.sentUs === null ? null : formatDatetime(m.sentUs),
    modifiedOn: formatDatetime(m.modifiedUs),
    createdOnMs: m.createdUs / 1000,
    sentOnMs: m.sentUs === null ? null : m.sentUs / 1000,
    modifiedOnMs: m.modifiedUs / 1000,
  };
}
