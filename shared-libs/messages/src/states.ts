/**
 * CHT's message task states (reference/cht-rapidpro.md §4.2) and the order this service keeps them
 * in: a state is only ever replaced by one further along, so a late `sent` report cannot undo
 * `delivered`, and an unknown remote status cannot move a message back.
 */
export const TASK_STATES = [
  'scheduled',
  'pending',
  'forwarded-to-gateway',
  'received-by-gateway',
  'forwarded-by-gateway',
  'sent',
  'delivered',
  'failed',
  'denied',
  'cleared',
  'muted',
  'duplicate',
  'clear',
  'unrecognised',
] as const;

export type TaskState = (typeof TASK_STATES)[number];

/** Due for sending through the gateway. */
export const SENDABLE_STATES: readonly TaskState[] = ['pending', 'forwarded-to-gateway'];

/** Handed to RapidPro, final status not known yet: these are followed. */
export const FOLLOWED_STATES: readonly TaskState[] = ['received-by-gateway', 'forwarded-by-gateway', 'sent'];

/** States a message never leaves through this service. */
export const FINAL_STATES: readonly TaskState[] = ['delivered', 'failed'];

/** Never sent by this service (CONTRACT §5). */
export const NEVER_SENT_STATES: readonly TaskState[] = ['delivered', 'failed', 'denied', 'cleared', 'muted', 'duplicate', 'scheduled'];

/** Progress of a message through the gateway; states not listed are outside this service's hands. */
const RANK: Partial<Record<TaskState, number>> = {
  pending: 0,
  'forwarded-to-gateway': 0,
  'received-by-gateway': 1,
  'forwarded-by-gateway': 2,
  sent: 3,
  delivered: 4,
  failed: 4,
};

export function isTaskState(value: unknown): value is TaskState {
  return typeof value === 'string' && (TASK_STATES as readonly string[]).includes(value);
}

export function isSendable(state: unknown): boolean {
  return isTaskState(state) && SENDABLE_STATES.includes(state);
}

export function isFollowed(state: unknown): boolean {
  return isTaskState(state) && FOLLOWED_STATES.includes(state);
}

export function isFinal(state: unknown): boolean {
  return isTaskState(state) && FINAL_STATES.includes(state);
}

/**
 * True when moving from `from` to `to` is progress. Final states and states this service does not
 * manage (cleared, muted, ...) are never left; equal ranks are not progress.
 */
export function isForward(from: unknown, to: TaskState): boolean {
  const fromRank = isTaskState(from) ? RANK[from] : undefined;
  const toRank = RANK[to];
  if (fromRank === undefined || toRank === undefined) {
    return false;
  }
  if (isFinal(from)) {
    return false;
  }
  return toRank > fromRank;
}
