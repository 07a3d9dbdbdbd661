import { performance } from 'node:perf_hooks';
import type { SimClock } from './types';

/** Node refuses timeouts above this (it would fire after 1 ms), so longer waits are chained. */
const MAX_TIMEOUT_MS = 2_147_483_647;

interface ChainedHandle {
  timer: NodeJS.Timeout | null;
}

/**
 * setTimeout that accepts any delay, including ones longer than 24.8 days, and never fires early:
 * Node measures timers against a loop time cached in whole milliseconds, so a 1 ms timer can run
 * after less than 1 ms; a scaled clock multiplies that into whole simulated seconds.
 */
function longTimeout(fn: () => void, realMs: number): ChainedHandle {
  const handle: ChainedHandle = { timer: null };
  const due = performance.now() + Math.max(0, realMs);
  const arm = (): void => {
    const remaining = due - performance.now();
    if (remaining <= 0) {
      handle.timer = null;
      fn();
      return;
    }
    handle.timer = setTimeout(arm, Math.min(Math.ceil(remaining), MAX_TIMEOUT_MS));
  };
  handle.timer = setTimeout(arm, Math.min(Math.ceil(Math.max(0, realMs)), MAX_TIMEOUT_MS));
  return handle;
}

function clearLongTimeout(handle: unknown): void {
  const chained = handle as ChainedHandle | null;
  if (chained?.timer) clearTimeout(chained.timer);
}

/** Real time with microsecond resolution (RapidPro's datetimes carry microseconds). */
export const realClock: SimClock = {
  now: () => performance.timeOrigin + performance.now(),
  setTimeout: (fn, ms) => longTimeout(fn, ms),
  clearTimeout: clearLongTimeout,
};

export interface ScaledClockOptions {
  /** Simulated milliseconds per real millisecond, e.g. 60 runs an hour in a minute. */
  scale: number;
  /** Simulated time at creation. @defaultValue the real time at creation */
  epochMs?: number;
}

/** Simulated time running `scale` times faster than real time. */
export function createScaledClock(options: ScaledClockOptions): SimClock {
  const { scale } = options;
  if (!(scale > 0)) throw new Error(`scale must be > 0, got ${scale}`);
  const realStart = performance.now();
  const epochMs = options.epochMs ?? performance.timeOrigin + realStart;
  return {
    now: () => epochMs + (performance.now() - realStart) * scale,
    setTimeout: (fn, ms) => longTimeout(fn, ms / scale),
    clearTimeout: clearLongTimeout,
  };
}

/** A clock that only moves when told to: for tests. */
export interface ManualClock extends SimClock {
  /** Moves time forward, firing due timers in order (each sees `now()` equal to its due time). */
  advance(ms: number): void;
  /** Moves time to `epochMs` (never backwards), firing due timers. */
  setTime(epochMs: number): void;
  /** Number of timers waiting. */
  pendingTimers(): number;
}

interface ManualTimer {
  dueMs: number;
  seq: number;
  fn: () => void;
}

export function createManualClock(options: { startMs?: number } = {}): ManualClock {
  let nowMs = options.startMs ?? Date.UTC(2026, 4, 4, 10, 0, 0);
  let seq = 0;
  const timers = new Set<ManualTimer>();

  const nextDue = (limitMs: number): ManualTimer | null => {
    let best: ManualTimer | null = null;
    for (const t of timers) {
      if (t.dueMs > limitMs) continue;
      if (!best || t.dueMs < best.dueMs || (t.dueMs === best.dueMs && t.seq < best.seq)) best = t;
    }
    return best;
  };

  const setTime = (targetMs: number): void => {
    if (targetMs < nowMs) throw new Error('manual clock cannot go backwards');
    for (let t = nextDue(targetMs); t; t = nextDue(targetMs)) {
      timers.delete(t);
      nowMs = Math.max(nowMs, t.dueMs);
      t.fn();
    }
    nowMs = targetMs;
  };

  return {
    now: () => nowMs,
    setTimeout: (fn, ms) => {
      const timer: ManualTimer = { dueMs: nowMs + Math.max(0, ms), seq: seq++, fn };
      timers.add(timer);
      return timer;
    },
    clearTimeout: (handle) => {
      timers.delete(handle as ManualTimer);
    },
    advance: (ms) => setTime(nowMs + ms),
    setTime,
    pendingTimers: () => timers.size,
  };
}
