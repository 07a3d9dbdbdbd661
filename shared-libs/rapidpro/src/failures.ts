/**
 * Everything that can go wrong when calling RapidPro, as a closed set of kinds. The kind decides
 * what happens next (sentinel/src/retry-policy.ts); nothing here decides it.
 */
export type RapidProFailure =
  /** 400: RapidPro refused the request as invalid; sending it again would fail the same way. */
  | { kind: 'rejected'; status: 400; detail: string; urnErrors: Record<number, string> }
  /** 401/403: the token is wrong or lacks permission. Stop and tell the operator. */
  | { kind: 'unauthorized'; status: number; detail: string }
  /** 429: over RapidPro's rate limit; nothing may be sent before retryAfterMs has passed. */
  | { kind: 'throttled'; status: 429; retryAfterMs: number }
  /**
   * RapidPro down, slow or answering garbage. `ambiguous` is true when the request may have been
   * acted on (it was sent and the answer was lost, late or unreadable): a broadcast may exist.
   */
  | { kind: 'unavailable'; status?: number; cause: string; ambiguous: boolean }
  /** A wrong URL (404, a redirect, 405) or a workspace problem (409): needs the operator. */
  | { kind: 'misconfigured'; status: number; detail: string };

export type Result<T> = { ok: true; value: T } | { ok: false; failure: RapidProFailure };

export function describeFailure(failure: RapidProFailure): string {
  switch (failure.kind) {
    case 'rejected':
      return `RapidPro refused the request: ${failure.detail}`;
    case 'unauthorized':
      return `RapidPro refused the API token (${failure.status} ${failure.detail})`;
    case 'throttled':
      return `RapidPro's rate limit was reached; retry after ${Math.ceil(failure.retryAfterMs / 1000)} s`;
    case 'unavailable':
      return `RapidPro is unavailable: ${failure.cause}`;
    case 'misconfigured':
      return `RapidPro answered ${failure.status}: ${failure.detail}`;
  }
}

/** Flattens a DRF error body into one sentence, and picks out errors on individual URNs. */
export function readValidationErrors(body: unknown): { detail: string; urnErrors: Record<number, string> } {
  const parts: string[] = [];
  const urnErrors: Record<number, string> = {};
  const walk = (value: unknown, path: string[]) => {
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) {
      const text = (value as string[]).join(' ');
      parts.push(path.length && path[0] !== 'non_field_errors' && path[0] !== 'detail' ? `${path.join('.')}: ${text}` : text);
      if (path[0] === 'urns' && path.length === 2 && /^\d+$/.test(path[1])) {
        urnErrors[Number(path[1])] = text;
      }
      return;
    }
    if (typeof value === 'string') {
      parts.push(path.length && path[0] !== 'detail' ? `${path.join('.')}: ${value}` : value);
      return;
    }
    if (value && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        walk(inner, [...path, key]);
      }
    }
  };
  walk(body, []);
  return { detail: parts.join('; ') || 'invalid request', urnErrors };
}
