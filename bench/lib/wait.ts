/** Waiting for conditions with deadlines: polling a check, or the next matching event. */
import type { EventEmitter } from 'node:events';

export class DeadlineError extends Error {}

/**
 * Calls `check` every `intervalMs` until it returns something other than undefined; throws
 * DeadlineError naming `what` after `timeoutMs`.
 */
export async function waitFor<T>(
  check: () => Promise<T | undefined> | T | undefined,
  options: { timeoutMs: number; intervalMs?: number; what: string },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  const interval = options.intervalMs ?? 100;
  for (;;) {
    const value = await check();
    if (value !== undefined) {
      return value;
    }
    if (Date.now() >= deadline) {
      throw new DeadlineError(`gave up after ${Math.round(options.timeoutMs / 1000)} s waiting for ${options.what}`);
    }
    await new Promise<void>((resolve) => setTimeout(resolve, interval));
  }
}

/** The first `name` event whose arguments pass `accept`, or DeadlineError after `timeoutMs`. */
export function nextEvent<A extends unknown[]>(
  emitter: EventEmitter,
  name: string,
  accept: (...args: A) => boolean,
  timeoutMs: number,
): Promise<A> {
  return new Promise<A>((resolve, reject) => {
    const onEvent = (...args: unknown[]) => {
      if (accept(...(args as A))) {
        clearTimeout(timer);
        emitter.off(name, onEvent);
        resolve(args as A);
      }
    };
    const timer = setTimeout(() => {
      emitter.off(name, onEvent);
      reject(new DeadlineError(`no '${name}' event within ${timeoutMs} ms`));
    }, timeoutMs);
    emitter.on(name, onEvent);
  });
}
