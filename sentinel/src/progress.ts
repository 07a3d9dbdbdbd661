/**
 * What the operator reads while a backlog goes out: a summary of what was sent at most once per
 * interval (not a line per broadcast), and one line when sending stops for a while for the hourly
 * request budget or a RapidPro pause, saying when it resumes.
 */
import type { Logger } from '../../shared-libs/logger/src';
import type { Clock } from './clock';

export interface ProgressLog {
  /** One broadcast went out carrying `messages` messages. */
  sent(messages: number): void;
  /** No send slot for `waitMs`: a stop of an interval or more is said once, however often the loop checks. */
  waiting(why: 'paused' | 'limit' | 'sends-first', waitMs: number, waitingMessages: number, requestsPerHour: number): void;
  /** Once per send-loop turn: writes the summary when something was sent and the interval has passed or nothing is left. */
  tick(waitingMessages: number): void;
}

export function describeWait(ms: number): string {
  if (ms <= 90_000) {
    return `${Math.max(1, Math.round(ms / 1000))} s`;
  }
  return `${Math.round(ms / 60_000)} min`;
}

export function createProgressLog(deps: { logger: Logger; clock: Clock; intervalMs?: number }): ProgressLog {
  const intervalMs = deps.intervalMs ?? 60_000;
  let since = 0;
  let messages = 0;
  let broadcasts = 0;
  /** When the current stop was announced, if it was: short waits that only pace the sends are not. */
  let announcedAt: number | undefined;
  let lastAnnouncement = -Infinity;

  const summary = (waitingMessages: number): void => {
    const over = deps.clock.now() - since >= intervalMs ? ` in the last ${describeWait(deps.clock.now() - since)}` : '';
    const left = waitingMessages === 0 ? 'nothing else waiting' : `${waitingMessages} still waiting`;
    deps.logger.info(`Sent ${messages} message(s) in ${broadcasts} broadcast(s)${over}; ${left}`);
    messages = 0;
    broadcasts = 0;
  };

  return {
    sent(count) {
      if (!broadcasts) {
        // The period a summary covers starts with its first broadcast, not with the last summary.
        since = deps.clock.now();
      }
      messages += count;
      broadcasts++;
      if (announcedAt !== undefined) {
        deps.logger.info(`Sending again after ${describeWait(deps.clock.now() - announcedAt)}`);
        announcedAt = undefined;
      }
    },
    waiting(why, waitMs, waitingMessages, requestsPerHour) {
      const now = deps.clock.now();
      // Pacing waits (a slot frees in seconds) and repeats within the interval show in the summaries instead.
      if (announcedAt !== undefined || why === 'sends-first' || waitMs < intervalMs || now - lastAnnouncement < intervalMs) {
        return;
      }
      announcedAt = now;
      lastAnnouncement = now;
      if (messages) {
        summary(waitingMessages);
      }
      const cause =
        why === 'limit'
          ? `the hourly request budget (sms.rapidpro.requests_per_hour = ${requestsPerHour}) is used up`
          : 'RapidPro asked for a pause (429 Retry-After)';
      deps.logger.info(`Not sending for about ${describeWait(waitMs)}: ${cause}; ${waitingMessages} message(s) waiting`);
    },
    tick(waitingMessages) {
      if (messages && (deps.clock.now() - since >= intervalMs || waitingMessages === 0)) {
        summary(waitingMessages);
      }
    },
  };
}
