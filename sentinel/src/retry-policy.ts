/**
 * What to do after a failed call to RapidPro, decided in one pure function from the failure's kind.
 * Nothing here retries in a tight loop: every wait grows with repeated failures and carries jitter,
 * so several sentinels (or a restart) do not hammer RapidPro in step.
 */
import type { RapidProFailure } from '../../shared-libs/rapidpro/src';
import { describeFailure } from '../../shared-libs/rapidpro/src';

export type NextStep =
  /** RapidPro refused the message itself: it fails, with RapidPro's reason. */
  | { kind: 'fail'; details: string }
  /** A passing problem: try this message again later, and give RapidPro a rest before the next call. */
  | { kind: 'retry'; retryAt: number; restUntil: number; reason: string }
  /** Stop calling RapidPro until then (a 429), or until the operator changes something. */
  | { kind: 'pause'; until: number; reason: string; needsOperator: boolean };

export interface RetryContext {
  /** Failed tries of this message so far, before this one. */
  tries: number;
  /** Failures in a row across all calls, this one included. */
  consecutiveFailures: number;
  now: number;
  /** 0 <= random() < 1; injectable so tests can pin the jitter. */
  random?: () => number;
}

export const BACKOFF = {
  /** First wait for a message after a passing failure. */
  messageBaseMs: 2000,
  /** Longest wait for a message. */
  messageMaxMs: 10 * 60 * 1000,
  /** First rest for everything after a failure. */
  restBaseMs: 1000,
  /** Longest rest for everything. */
  restMaxMs: 5 * 60 * 1000,
  /** How long to wait before trying again with a refused token or a wrong URL, unless settings change. */
  operatorRecheckMs: 5 * 60 * 1000,
  /** Extra wait after Retry-After. */
  retryAfterMarginMs: 500,
};

/** Exponential, capped, with half of it random ("equal jitter"): never below half the step. */
export function backoffMs(step: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const full = Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(step, 30)));
  return Math.round(full / 2 + (random() * full) / 2);
}

export function nextStep(failure: RapidProFailure, ctx: RetryContext): NextStep {
  const random = ctx.random ?? Math.random;
  switch (failure.kind) {
    case 'rejected':
      return { kind: 'fail', details: `Failed: ${failure.detail}` };
    case 'throttled':
      return { kind: 'pause', until: ctx.now + failure.retryAfterMs + BACKOFF.retryAfterMarginMs, reason: describeFailure(failure), needsOperator: false };
    case 'unauthorized':
      return {
        kind: 'pause',
        until: ctx.now + BACKOFF.operatorRecheckMs,
        reason: `${describeFailure(failure)}: store the right token with PUT /api/v1/credentials/rapidpro:outgoing`,
        needsOperator: true,
      };
    case 'misconfigured':
      return { kind: 'pause', until: ctx.now + BACKOFF.operatorRecheckMs, reason: describeFailure(failure), needsOperator: true };
    case 'unavailable':
      return {
        kind: 'retry',
        retryAt: ctx.now + backoffMs(ctx.tries, BACKOFF.messageBaseMs, BACKOFF.messageMaxMs, random),
        restUntil: ctx.now + backoffMs(ctx.consecutiveFailures - 1, BACKOFF.restBaseMs, BACKOFF.restMaxMs, random),
        reason: describeFailure(failure),
      };
  }
}
