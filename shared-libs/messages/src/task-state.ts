/**
 * Writing a task's state the way CHT's `setTaskState` does (reference/cht-rapidpro.md §4.1), so CHT
 * reads it: `state`, `state_details`, `gateway_ref` and an appended `state_history` entry. The time
 * is passed in; the no-backwards rule is the caller's (see `isForward`).
 */
import type { TaskState } from './states';
import type { GatewayRef, Task } from './types';

/** Returns false, changing nothing, when the task already says exactly this. */
export function setTaskState(task: Task, state: TaskState, details: string | undefined, gatewayRef: GatewayRef | undefined, nowIso: string): boolean {
  task.state_history = task.state_history ?? [];
  const last = task.state_history[task.state_history.length - 1];
  const unchanged =
    task.state === state &&
    last !== undefined &&
    last.state === state &&
    (!details || details === task.state_details) &&
    (!gatewayRef || gatewayRef === task.gateway_ref);
  if (unchanged) {
    return false;
  }
  task.state = state;
  task.state_details = details;
  task.gateway_ref = gatewayRef;
  if (details === undefined) {
    delete task.state_details;
  }
  if (gatewayRef === undefined) {
    delete task.gateway_ref;
  }
  const entry: { state: string; state_details?: string; timestamp: string } = { state, timestamp: nowIso };
  if (details !== undefined) {
    entry.state_details = details;
  }
  task.state_history.push(entry);
  return true;
}
