/**
 * Time, passed in: the real clock in production, a faster one in benchmarks that simulate an hour.
 * Nothing in the sentinel reads Date.now() or calls setTimeout directly.
 */
export interface Clock {
  now(): number;
  /** Resolves after `ms` (of this clock's time), or early when `signal` aborts. Never rejects. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

function sleepReal(realMs: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, realMs));
    signal?.addEventListener('abort', done, { once: true });
  });
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) => sleepReal(ms, signal),
};

/** A clock running `scale` times faster than real time, starting at `epochMs` (now by default). */
export function createScaledClock(options: { scale: number; epochMs?: number }): Clock {
  const realStart = Date.now();
  const epoch = options.epochMs ?? realStart;
  return {
    now: () => epoch + (Date.now() - realStart) * options.scale,
    sleep: (ms, signal) => sleepReal(ms / options.scale, signal),
  };
}

/**
 * Lets a loop wait until either something happens (wake) or a time passes. A wake that arrives
 * while nobody waits is remembered, so it is never lost between two checks.
 */
export interface Waker {
  wake(): void;
  wait(ms: number, signal?: AbortSignal): Promise<void>;
}

export function createWaker(clock: Clock): Waker {
  let pending = false;
  let current: AbortController | undefined;
  return {
    wake() {
      pending = true;
      current?.abort();
    },
    async wait(ms, signal) {
      if (pending || signal?.aborted) {
        pending = false;
        return;
      }
      const controller = new AbortController();
      current = controller;
      const onAbort = () => controller.abort();
      signal?.addEventListener('abort', onAbort, { once: true });
      await clock.sleep(ms, controller.signal);
      signal?.removeEventListener('abort', onAbort);
      if (current === controller) {
        current = undefined;
      }
      pending = false;
    },
  };
}
