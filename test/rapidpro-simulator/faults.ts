/**
 * Faults injected into the next matching API requests: error statuses, hangs, empty or HTML answers,
 * dropped connections. Phase `before` answers without processing; phase `after` processes the request
 * (a broadcast is created, the quota is used) and then replaces the answer, as when RapidPro did the work
 * but the response was lost on the way.
 */
import type { FaultKind, FaultSpec } from './types';

const KINDS: readonly FaultKind[] = ['status', 'hang', 'empty', 'html', 'drop'];

/** RapidPro's handler for unhandled exceptions (Django's HttpResponseServerError). */
export const SERVER_ERROR_TEXT = 'Server Error. Site administrators have been notified.';

export interface ActiveFault {
  spec: FaultSpec;
  phase: 'before' | 'after';
}

interface QueuedFault {
  spec: FaultSpec;
  pattern: RegExp | null;
  remaining: number;
}

export interface Faults {
  add(specs: FaultSpec[]): void;
  /** Takes one use of the first fault matching the request, if any. */
  take(method: string, path: string): ActiveFault | null;
  pending(): Array<FaultSpec & { remaining: number }>;
  clear(): void;
}

function checkSpec(spec: FaultSpec, i: number): QueuedFault {
  const where = `faults[${i}]`;
  if (typeof spec !== 'object' || spec === null || !KINDS.includes(spec.kind)) {
    throw new Error(`${where}.kind must be one of ${KINDS.join(', ')}`);
  }
  if (spec.phase !== undefined && spec.phase !== 'before' && spec.phase !== 'after') {
    throw new Error(`${where}.phase must be before or after`);
  }
  if (spec.status !== undefined && !(Number.isInteger(spec.status) && spec.status >= 200 && spec.status <= 599)) {
    throw new Error(`${where}.status must be an HTTP status 200-599`);
  }
  const times = spec.times ?? 1;
  if (!Number.isInteger(times) || times < 1) throw new Error(`${where}.times must be an integer >= 1`);
  let pattern: RegExp | null = null;
  if (spec.pathPattern !== undefined) {
    try {
      pattern = new RegExp(spec.pathPattern);
    } catch (e) {
      throw new Error(`${where}.pathPattern: ${(e as Error).message}`);
    }
  }
  return { spec: { ...spec }, pattern, remaining: times };
}

export function createFaults(): Faults {
  let queue: QueuedFault[] = [];
  return {
    add(specs) {
      if (!Array.isArray(specs)) throw new Error('faults must be a list');
      queue.push(...specs.map(checkSpec)); // all checked before any is queued
    },
    take(method, path) {
      const found = queue.find(
        (f) =>
          (f.spec.method === undefined || f.spec.method.toUpperCase() === method.toUpperCase()) &&
          (f.spec.path === undefined || f.spec.path === path) &&
          (f.pattern === null || f.pattern.test(path)),
      );
      if (!found) return null;
      found.remaining--;
      if (found.remaining === 0) queue = queue.filter((f) => f !== found);
      return { spec: found.spec, phase: found.spec.phase ?? 'before' };
    },
    pending: () => queue.map((f) => ({ ...f.spec, remaining: f.remaining })),
    clear() {
      queue = [];
    },
  };
}

const REASONS: Record<number, string> = {
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Time-out',
};

/** Status, headers and body a status/empty/html fault answers with. */
export function faultResponse(spec: FaultSpec): { status: number; contentType: string | null; body: string } {
  if (spec.kind === 'empty') return { status: 200, contentType: 'application/json', body: '' };
  if (spec.kind === 'html') {
    return {
      status: 200,
      contentType: spec.contentType ?? 'text/html; charset=utf-8',
      body:
        spec.body ??
        '<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body><form method="post"><input name="username"></form></body></html>\n',
    };
  }
  const status = spec.status ?? 500;
  if (spec.body !== undefined) return { status, contentType: spec.contentType ?? 'text/plain; charset=utf-8', body: spec.body };
  if (status === 500) return { status, contentType: 'text/html; charset=utf-8', body: SERVER_ERROR_TEXT };
  const title = `${status} ${REASONS[status] ?? 'Error'}`;
  return {
    status,
    contentType: 'text/html',
    body: `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`,
  };
}
