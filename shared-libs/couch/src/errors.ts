/**
 * One error type for everything CouchDB can answer, with a kind that callers switch on. The message
 * never carries a URL with credentials or a request body.
 */
export type CouchErrorKind =
  | 'unavailable' // no answer, a timeout, or a 5xx: the store is down or overloaded
  | 'conflict' // 409: the document changed under us (or already exists)
  | 'not_found' // 404
  | 'unauthorized' // 401: the credentials were refused
  | 'forbidden' // 403
  | 'precondition_failed' // 412: e.g. the database already exists
  | 'bad_request' // 400
  | 'other';

export class CouchError extends Error {
  constructor(
    readonly kind: CouchErrorKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'CouchError';
  }
}

const BY_STATUS: Record<number, CouchErrorKind> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  412: 'precondition_failed',
};

interface NanoLikeError {
  statusCode?: number;
  message?: string;
  reason?: string;
  error?: string;
}

export function toCouchError(err: unknown): CouchError {
  if (err instanceof CouchError) {
    return err;
  }
  const e = (typeof err === 'object' && err !== null ? err : {}) as NanoLikeError;
  const status = typeof e.statusCode === 'number' ? e.statusCode : undefined;
  if (status === undefined) {
    const cause = e.message ? e.message.replace(/^error happened in your connection\. Reason: /, '') : String(err);
    return new CouchError('unavailable', `CouchDB did not answer: ${cause}`);
  }
  if (status >= 500) {
    return new CouchError('unavailable', `CouchDB answered ${status}: ${e.reason || e.error || e.message || 'server error'}`, status);
  }
  const kind = BY_STATUS[status] ?? 'other';
  return new CouchError(kind, `CouchDB answered ${status}: ${e.reason || e.error || e.message || 'error'}`, status);
}

export function isCouchError(err: unknown, kind: CouchErrorKind): boolean {
  return err instanceof CouchError && err.kind === kind;
}
