/**
 * One error type for the API layer and the one place it becomes HTTP: every error response is JSON
 * `{code, error[, details]}` whatever the request's Accept header, and never holds a stack or secret.
 */
import type { NextFunction, Request, Response } from 'express';
import { CouchError } from '../../../shared-libs/couch/src';
import type { Logger } from '../../../shared-libs/logger/src';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export function sendError(res: Response, status: number, message: string, details?: unknown): void {
  const body: { code: number; error: string; details?: unknown } = { code: status, error: message };
  if (details !== undefined) {
    body.details = details;
  }
  res.status(status).type('application/json').send(JSON.stringify(body));
}

/** Errors raised by the router (a URL that does not decode) carry a `status`. */
interface FrameworkError {
  status?: number;
  type?: string;
}

function fromFramework(err: FrameworkError): HttpError | undefined {
  if (err instanceof URIError || (err.status === 400 && !err.type)) {
    return new HttpError(400, 'Malformed request URL');
  }
  return undefined;
}

export function errorHandler(logger: Logger) {
  // Express recognises error middleware by its four parameters.
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    void _next;
    const known = err instanceof HttpError ? err : fromFramework((err ?? {}) as FrameworkError);
    if (known) {
      sendError(res, known.status, known.message, known.details);
      return;
    }
    if (err instanceof CouchError && err.kind === 'conflict') {
      // Concurrent writes to one document (settings, a credential) kept beating this one, retries included.
      sendError(res, 409, 'Another request changed the same data at the same time; nothing was saved, try again');
      return;
    }
    if (err instanceof CouchError && (err.kind === 'bad_request' || err.status === 413)) {
      // CouchDB refused what it was given (a real CouchDB is stricter than the embedded store, e.g. on size).
      logger.warn('CouchDB refused to store a request\'s data', { req: res.locals.requestId, reason: err.message });
      sendError(res, err.status === 413 ? 413 : 400, 'The database refused to store this data; nothing was saved');
      return;
    }
    if (err instanceof CouchError) {
      // Unavailable, refused credentials or permissions, or an answer it should not give: the store's trouble, not the caller's.
      logger.warn('CouchDB could not serve a request', { req: res.locals.requestId, reason: err.message });
      sendError(res, 503, 'The database is not available; try again shortly');
      return;
    }
    logger.error('Unexpected error while handling a request', {
      req: res.locals.requestId,
      path: req.path,
      reason: err instanceof Error ? err.message : String(err),
    });
    if (!res.headersSent) {
      sendError(res, 500, 'Server error');
    }
  };
}

export function notFound(_req: Request, res: Response): void {
  sendError(res, 404, 'Not found');
}

/** For a route that exists with other methods: 405 with the Allow header. */
export function methodNotAllowed(allowed: string[]) {
  return (_req: Request, res: Response): void => {
    res.setHeader('Allow', allowed.join(', '));
    sendError(res, 405, `Method not allowed; use ${allowed.join(' or ')}`);
  };
}
