/**
 * Rows of the in-memory store: what a workspace holds and how broadcasts and messages are kept.
 * Times are integer microseconds since the epoch.
 */
import type { ScheduledTask } from './scheduler';
import type { SortedIndex } from './sorted-index';
import type { MessageDirection, MessageStatus, MessageVisibility, ObjectRef, QuickReply, ThrottleRates } from './types';
import type { Translation } from './validation';

export type BroadcastPhase = 'pending' | 'queued' | 'started' | 'completed' | 'failed' | 'interrupted';

export interface ContactRow {
  uuid: string;
  name: string | null;
  urn: string;
}

export interface WorkspaceState {
  id: number;
  /** The workspace uuid, as GET workspace.json gives it. */
  uuid: string;
  name: string;
  tokens: string[];
  country: string | undefined;
  rates: ThrottleRates;
  anonymous: boolean;
  blocked: 'flagged' | 'suspended' | undefined;
  channel: ObjectRef;
  data: WorkspaceData;
}

/** Everything a workspace holds, replaced as a whole when the data is cleared. */
export interface WorkspaceData {
  contactsByIdentity: Map<string, ContactRow>;
  contactsByUuid: Map<string, ContactRow>;
  broadcasts: SortedIndex<BroadcastRow>;
  broadcastsByUuid: Map<string, BroadcastRow>;
  /** All messages by created_on. */
  byCreated: SortedIndex<MessageRow>;
  /** Messages that have a sent_on, by sent_on (folder=sent). */
  bySent: SortedIndex<MessageRow>;
  /** Incoming messages by modified_on (rp9 folder=incoming). */
  incomingByModified: SortedIndex<MessageRow>;
  messagesByContact: Map<string, MessageRow[]>;
  messagesByUuid: Map<string, MessageRow>;
}

export interface BroadcastRow {
  id: number;
  uuid: string;
  workspace: WorkspaceState;
  urns: string[];
  /** Contacts passed explicitly (the only ones the API shows). */
  contacts: ContactRow[];
  /** Everyone who gets a message: contacts of the URNs plus explicit contacts, once each. */
  recipients: ContactRow[];
  translations: Record<string, Translation>;
  baseLanguage: string;
  phase: BroadcastPhase;
  contactCount: number;
  messages: MessageRow[];
  createdUs: number;
}

export interface MessageRow {
  id: number;
  uuid: string;
  workspace: WorkspaceState;
  broadcastId: number | null;
  contact: ContactRow;
  urn: string | null;
  channel: ObjectRef | null;
  direction: MessageDirection;
  status: MessageStatus;
  visibility: MessageVisibility;
  text: string;
  flow: ObjectRef | null;
  attachments: string[];
  quickReplies: QuickReply[];
  createdUs: number;
  sentUs: number | null;
  modifiedUs: number;
  /** Progression steps not yet applied. */
  pending: ScheduledTask[];
}

export interface NewMessage {
  contact: ContactRow;
  direction: MessageDirection;
  status: MessageStatus;
  text: string;
  createdUs: number;
  broadcastId?: number | null;
  visibility?: MessageVisibility;
  flow?: ObjectRef | null;
  attachments?: string[];
  quickReplies?: QuickReply[];
  sentUs?: number | null;
}

export interface NewBroadcast {
  urns: string[];
  contacts: ContactRow[];
  translations: Record<string, Translation>;
  baseLanguage: string;
  createdUs: number;
  phase: BroadcastPhase;
}
