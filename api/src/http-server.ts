/**
 * The HTTP server around the express app: time limits for slow or stalled clients, and JSON answers
 * for requests so malformed that Node's parser refuses them before express ever sees them.
 */
import http from 'node:http';
import type { Duplex } from 'node:stream';
import type { Express } from 'express';
import type { Logger } from '../../shared-libs/logger/src';

export interface HttpServerTimeouts {
  /** Time allowed to receive the request headers. @defaultValue 20 s */
  headersTimeoutMs: number;
  /** Time allowed to receive the whole request, body included. @defaultValue 60 s */
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open (above common proxies' 60 s). @defaultValue 65 s */
  keepAliveTimeoutMs: number;
  /** How often Node checks connections against the two limits above. @defaultValue 5 s */
  checkIntervalMs: number;
}

export const DEFAULT_HTTP_TIMEOUTS: HttpServerTimeouts = {
  headersTimeoutMs: 20_000,
  requestTimeoutMs: 60_000,
  keepAliveTimeoutMs: 65_000,
  checkIntervalMs: 5_000,
};

/** Errors from Node's HTTP parser carry a code and, for llhttp, a fixed reason text (never request data). */
interface ParserError extends Error {
  code?: string;
  reason?: string;
}

/** A socket that may carry a response already being written (Node keeps it on `_httpMessage`). */
type ClientSocket = Duplex & { _httpMessage?: { headersSent?: boolean } | null; remoteAddress?: string };

export function describeClientError(err: ParserError): { status: number; message: string } {
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, message: 'Request headers are too large' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
    case 'HPE_HEADERS_TIMEOUT':
      return { status: 408, message: 'The request was not received in time' };
    default: {
      const reason = typeof err.reason === 'string' && err.reason ? err.reason : err.code ?? 'unreadable request';
      return { status: 400, message: `Malformed HTTP request: ${reason}` };
    }
  }
}

/** The same JSON error shape express answers with, for the few answers given outside express. */
function refusal(status: number, message: string): { headers: Record<string, string>; body: string } {
  const body = JSON.stringify({ code: status, error: message });
  return {
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': String(Buffer.byteLength(body)),
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
      Connection: 'close',
    },
    body,
  };
}

function rawJsonResponse(status: number, message: string): string {
  const { headers, body } = refusal(status, message);
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
  return [`HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? 'Error'}`, ...lines, '', body].join('\r\n');
}

export function createHttpServer(app: Express, logger: Logger, timeouts: HttpServerTimeouts = DEFAULT_HTTP_TIMEOUTS): http.Server {
  const server = http.createServer(
    {
      headersTimeout: timeouts.headersTimeoutMs,
      requestTimeout: timeouts.requestTimeoutMs,
      connectionsCheckingInterval: timeouts.checkIntervalMs,
      // Checked below instead, so the answer is JSON like the others (Node's own 400 is empty).
      requireHostHeader: false,
    },
    (req, res) => {
      if (req.httpVersionMajor === 1 && req.httpVersionMinor >= 1 && req.headers.host === undefined) {
        const { headers, body } = refusal(400, 'Malformed HTTP request: an HTTP/1.1 request needs a Host header');
        logger.info(`Refused a request from ${req.socket.remoteAddress ?? 'an unknown address'} before routing: 400 no Host header`);
        res.writeHead(400, headers).end(body);
        return;
      }
      app(req, res);
    },
  );
  server.keepAliveTimeout = timeouts.keepAliveTimeoutMs;

  server.on('clientError', (err: ParserError, socket: ClientSocket) => {
    // A reset connection has no one to answer; a response already under way must not be corrupted.
    if (err.code === 'ECONNRESET' || !socket.writable || socket._httpMessage?.headersSent) {
      socket.destroy();
      return;
    }
    const { status, message } = describeClientError(err);
    logger.info(`Refused a request from ${socket.remoteAddress ?? 'an unknown address'} before routing: ${status} ${message}`);
    // Server sockets allow half-open connections: end() alone would leave a client that goes on
    // sending (the very one a timeout is for) connected. Close it once the answer is written.
    socket.end(rawJsonResponse(status, message), () => socket.destroy());
  });

  // An Expect header other than 100-continue: Node would answer 417 with an empty body.
  server.on('checkExpectation', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const { headers, body } = refusal(417, 'Unsupported Expect header; only "100-continue" is understood');
    logger.info(`Refused a request from ${req.socket.remoteAddress ?? 'an unknown address'} before routing: 417 unsupported Expect header`);
    res.writeHead(417, headers).end(body);
  });
  return server;
}
