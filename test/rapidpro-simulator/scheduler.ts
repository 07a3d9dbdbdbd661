import type { SimClock } from './types';

/** A scheduled piece of work; `cancel()` makes it a no-op. */
export interface ScheduledTask {
  readonly dueMs: number;
  cancel(): void;
}

export interface Scheduler {
  /** Runs `fn` at simulated time `dueMs` (or as soon as possible if already past). */
  at(dueMs: number, fn: () => void): ScheduledTask;
  /** Cancels everything and disarms the clock timer. */
  clear(): void;
  size(): number;
}

interface Task extends ScheduledTask {
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/**
 * One clock timer for all simulated work (message creation, status steps), on a binary heap, so that
 * tens of thousands of pending steps cost one armed timer, and a reset clears them all at once.
 */
export function createScheduler(clock: SimClock): Scheduler {
  const heap: Task[] = [];
  let seq = 0;
  let armed: { handle: unknown; dueMs: number } | null = null;

  const before = (a: Task, b: Task): boolean => a.dueMs < b.dueMs || (a.dueMs === b.dueMs && a.seq < b.seq);

  const push = (task: Task): void => {
    heap.push(task);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i], heap[parent])) break;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
  };

  const pop = (): Task | undefined => {
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && before(heap[l], heap[m])) m = l;
        if (r < heap.length && before(heap[r], heap[m])) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m], heap[i]];
        i = m;
      }
    }
    return top;
  };

  const disarm = (): void => {
    if (armed) clock.clearTimeout(armed.handle);
    armed = null;
  };

  const arm = (): void => {
    while (heap.length > 0 && heap[0].cancelled) pop();
    if (heap.length === 0) {
      disarm();
      return;
    }
    const dueMs = heap[0].dueMs;
    if (armed && armed.dueMs <= dueMs) return;
    disarm();
    const handle = clock.setTimeout(run, Math.max(0, dueMs - clock.now()));
    armed = { handle, dueMs };
  };

  function run(): void {
    armed = null;
    const now = clock.now();
    // A real timer may fire a fraction early once times are scaled; such tasks wait for the re-arm.
    while (heap.length > 0 && heap[0].dueMs <= now) {
      const task = pop();
      if (task && !task.cancelled) {
        task.cancelled = true;
        task.fn();
      }
    }
    arm();
  }

  return {
    at(dueMs, fn) {
      const task: Task = {
        dueMs,
        seq: seq++,
        fn,
        cancelled: false,
        cancel() {
          task.cancelled = true;
        },
      };
      push(task);
      arm();
      return task;
    },
    clear() {
      for (const task of heap) task.cancelled = true;
      heap.length = 0;
      disarm();
    },
    size: () => heap.filter((t) => !t.cancelled).length,
  };
}
