/**
 * DRF SimpleRateThrottle as RapidPro configures it (reference §5.2–5.3): one sliding log per workspace
 * and scope, holding the times of allowed requests only; a request is refused when the log already holds
 * `rate` entries inside the window, and told to wait
 * `ceil((window - (now - oldest)) / (rate - entries + 1))` seconds.
 */
/** `waitSeconds` is null when DRF cannot compute a wait (the rate was lowered below the log's size). */
export type ThrottleDecision = { allowed: true } | { allowed: false; waitSeconds: number | null };

export interface Throttle {
  /** Checks and, when allowed, records a request at `nowMs`. An undefined rate never throttles. */
  check(bucket: string, rate: number | undefined, windowMs: number, nowMs: number): ThrottleDecision;
  /** Timestamps held by a bucket (oldest first), for inspection. */
  history(bucket: string): readonly number[];
  clear(): void;
}

interface Log {
  /** Allowed request times, oldest first, from `head` on (a moving start avoids shifting arrays). */
  times: number[];
  head: number;
}

export function createThrottle(): Throttle {
  const logs = new Map<string, Log>();

  const prune = (log: Log, nowMs: number, windowMs: number): void => {
    while (log.head < log.times.length && log.times[log.head] <= nowMs - windowMs) log.head++;
    if (log.head > 1024 && log.head * 2 > log.times.length) {
      log.times = log.times.slice(log.head);
      log.head = 0;
    }
  };

  return {
    check(bucket, rate, windowMs, nowMs) {
      if (rate === undefined) return { allowed: true };
      let log = logs.get(bucket);
      if (!log) {
        log = { times: [], head: 0 };
        logs.set(bucket, log);
      }
      prune(log, nowMs, windowMs);
      const held = log.times.length - log.head;
      if (held >= rate) {
        const remainingMs = held > 0 ? windowMs - (nowMs - log.times[log.head]) : windowMs;
        const available = rate - held + 1;
        return { allowed: false, waitSeconds: available > 0 ? Math.ceil(remainingMs / 1000 / available) : null };
      }
      log.times.push(nowMs);
      return { allowed: true };
    },
    history(bucket) {
      const log = logs.get(bucket);
      return log ? log.times.slice(log.head) : [];
    },
    clear() {
      logs.clear();
    },
  };
}

/** DRF's Throttled detail, singular for one second. */
export function throttledDetail(waitSeconds: number | null): string {
  if (waitSeconds === null) return 'Request was throttled.';
  return `Request was throttled. Expected available in ${waitSeconds} second${waitSeconds === 1 ? '' : 's'}.`;
}
