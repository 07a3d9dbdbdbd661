/** Reading the RapidPro simulator's request log: sliding-window counts and calls made too early. */
import type { RequestLogEntry } from '../rapidpro-simulator';

/** The most entries of `times` inside any window of `windowMs`. */
export function maxInWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < sorted.length; hi++) {
    while (sorted[hi] - sorted[lo] >= windowMs) {
      lo++;
    }
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

/** The wait a 429 asked for, in ms, read from its `detail` ("... available in N seconds"). */
export function retryAfterMs(entry: RequestLogEntry): number | undefined {
  let body = entry.responseBody;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  const detail = (body as { detail?: unknown } | null)?.detail;
  const match = typeof detail === 'string' ? /(\d+) second/.exec(detail) : null;
  return match ? Number(match[1]) * 1000 : undefined;
}

export interface EarlyCall {
  after: RequestLogEntry;
  call: RequestLogEntry;
  gapMs: number;
  retryAfterMs: number;
}

/**
 * A call arriving this soon after a 429, on the other loop's endpoint, may have been under way
 * before it: the sentinel's send and poll loops run side by side, and a budget slot taken just
 * before the 429 came back still makes its call.
 */
export const IN_FLIGHT_MS = 1000;

/**
 * Calls that arrived after a 429 and before its Retry-After had passed, split in two: the one call
 * the other loop may already have had under way (the first one, on another endpoint, within
 * IN_FLIGHT_MS), and real early calls (everything else).
 */
export function earlyCalls(log: RequestLogEntry[]): { inFlight: EarlyCall[]; early: EarlyCall[] } {
  const inFlight: EarlyCall[] = [];
  const early: EarlyCall[] = [];
  for (const t of log.filter((e) => e.status === 429)) {
    const wait = retryAfterMs(t);
    if (wait === undefined) {
      continue;
    }
    const within = log
      .filter((call) => call !== t && call.realTimeMs >= t.realTimeMs && call.realTimeMs - t.realTimeMs < wait)
      .sort((a, b) => a.realTimeMs - b.realTimeMs);
    within.forEach((call, i) => {
      const e = { after: t, call, gapMs: call.realTimeMs - t.realTimeMs, retryAfterMs: wait };
      (i === 0 && e.gapMs < IN_FLIGHT_MS && call.path !== t.path ? inFlight : early).push(e);
    });
  }
  return { inFlight, early };
}

export function describeEarlyCall(e: EarlyCall): string {
  return `${e.call.method} ${e.call.path} ${e.gapMs} ms after a 429 to ${e.after.method} ${e.after.path} that said wait ${e.retryAfterMs} ms`;
}
