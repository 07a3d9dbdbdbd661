/**
 * RapidPro statuses → CHT states, in one table per kind of status. CHT's STATUS_MAP
 * (reference/cht-rapidpro.md §5.4), extended for today's RapidPro: `read`, the upstream broadcast
 * statuses, and the older ones. An unknown status maps to nothing: the message keeps its state and
 * the caller logs it; it is never guessed.
 */
import type { TaskState } from '../../messages/src';

export interface StateMapping {
  state: TaskState;
  details: string;
}

/** Message statuses from GET messages.json, both API lines (RapidPro 9.x and upstream/TextIt). */
export const MESSAGE_STATUSES = {
  queued: { state: 'received-by-gateway', details: 'Queued' },
  initializing: { state: 'received-by-gateway', details: 'Queued' },
  pending: { state: 'received-by-gateway', details: 'Queued' },
  errored: { state: 'received-by-gateway', details: 'Errored: RapidPro will try again' },
  wired: { state: 'forwarded-by-gateway', details: 'Wired' },
  sent: { state: 'sent', details: 'Sent' },
  resent: { state: 'sent', details: 'Resent' },
  delivered: { state: 'delivered', details: 'Delivered' },
  read: { state: 'delivered', details: 'Read' },
  failed: { state: 'failed', details: 'Failed' },
} as const satisfies Record<string, StateMapping>;

export type RapidProMessageStatus = keyof typeof MESSAGE_STATUSES;

/**
 * Broadcast statuses in the POST broadcasts.json answer. They describe RapidPro creating the
 * messages, not delivery: every accepted broadcast is `received-by-gateway` unless RapidPro says
 * it will not create them.
 */
export const BROADCAST_STATUSES = {
  queued: { state: 'received-by-gateway', details: 'Queued' },
  pending: { state: 'received-by-gateway', details: 'Queued' },
  started: { state: 'received-by-gateway', details: 'Queued' },
  completed: { state: 'received-by-gateway', details: 'Queued' },
  sent: { state: 'received-by-gateway', details: 'Queued' },
  failed: { state: 'failed', details: 'Failed: RapidPro could not create the broadcast' },
  interrupted: { state: 'failed', details: 'Failed: the broadcast was interrupted in RapidPro' },
} as const satisfies Record<string, StateMapping>;

export type RapidProBroadcastStatus = keyof typeof BROADCAST_STATUSES;

export function mapMessageStatus(status: unknown): StateMapping | undefined {
  return typeof status === 'string' && Object.prototype.hasOwnProperty.call(MESSAGE_STATUSES, status)
    ? MESSAGE_STATUSES[status as RapidProMessageStatus]
    : undefined;
}

/** An accepted broadcast with a missing or unknown status is still accepted: received-by-gateway. */
export function mapBroadcastStatus(status: unknown): StateMapping {
  return typeof status === 'string' && Object.prototype.hasOwnProperty.call(BROADCAST_STATUSES, status)
    ? BROADCAST_STATUSES[status as RapidProBroadcastStatus]
    : BROADCAST_STATUSES.queued;
}
