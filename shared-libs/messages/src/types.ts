/**
 * Document shapes shared by the API and the sentinel. CHT documents carry many fields this service
 * does not know; the index signatures keep them, so a document read and written back loses nothing.
 */
import type { TaskState } from './states';

export type GatewayRef = string | number;

export interface StateHistoryEntry {
  state: string;
  state_details?: unknown;
  timestamp: string;
}

export interface OutgoingMessage {
  uuid?: string;
  to?: string;
  message?: string;
  [key: string]: unknown;
}

/** What RapidPro made of one message of a task: recorded when the broadcast is accepted. */
export interface RapidProMessageRecord {
  /** The CHT message uuid. */
  uuid: string;
  /** The URN as RapidPro stored it (normalised), e.g. tel:+254712345678. */
  urn: string;
  /** Broadcast id: RapidPro 9.x's only id; deprecated but still given by upstream/TextIt. */
  broadcast_id?: number;
  /** Broadcast uuid, upstream/TextIt only. */
  broadcast_uuid?: string;
  /** The broadcast's created_on, by RapidPro's clock: where status sweeps start. */
  created_on: string;
  /** The last RapidPro status seen for this message. */
  status?: string;
  /** The CHT state this message is in; the task's state sums up its messages. */
  state: TaskState;
  /** The words for that state (CHT's state_details), e.g. "Delivered" or RapidPro's refusal. */
  details?: string;
}

/** Written on each task this service hands to RapidPro (an addition CHT ignores). */
export interface RapidProTaskRecord {
  /** The RapidPro base URL the broadcast went to. */
  url: string;
  /** A fingerprint of the API token used (a truncated hash, never the token): which workspace. */
  account: string;
  /** The send attempt that produced it (see the sentinel's attempt log). */
  attempt: string;
  /** When it was accepted, by this service's clock (ISO 8601). */
  sent_at: string;
  messages: RapidProMessageRecord[];
  /** Set when the service stopped following this task (too old); the reason is in state_details. */
  tracking_stopped_at?: string;
}

export interface Task {
  messages?: OutgoingMessage[];
  state?: string;
  state_details?: unknown;
  state_history?: StateHistoryEntry[];
  gateway_ref?: GatewayRef;
  due?: string | number;
  timestamp?: string | number;
  rapidpro?: RapidProTaskRecord;
  [key: string]: unknown;
}

export interface MessageDoc {
  _id: string;
  _rev?: string;
  type?: string;
  reported_date?: number;
  tasks?: Task[];
  scheduled_tasks?: Task[];
  [key: string]: unknown;
}

export interface SmsMessagePart {
  type: 'sms_message';
  message: string;
  from: string;
  form?: string;
  gateway_ref: string;
}

/** CHT's data_record for an incoming SMS (reference/cht-rapidpro.md §3.3). */
export interface IncomingDataRecord {
  _id: string;
  _rev?: string;
  type: 'data_record';
  from: string;
  form?: string;
  errors: Array<{ code: string; message: string }>;
  tasks: Task[];
  fields: Record<string, unknown>;
  reported_date: number;
  sms_message: SmsMessagePart;
}
