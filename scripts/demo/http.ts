/**
 * A small HTTP client for the demo, on node:http without connection reuse: every call is a fresh
 * socket, so nothing lingers once the service has stopped, and failures read as plain words.
 */
import http from 'node:http';

export interface HttpAnswer {
  status: number;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

export interface HttpCall {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 15000;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Turns socket errors into words a newcomer can act on. */
function describeSocketError(err: NodeJS.ErrnoException, url: URL): string {
  const where = `${url.hostname}:${url.port}`;
  switch (err.code) {
    case 'ECONNREFUSED':
      return `nothing is listening on ${where} (connection refused)`;
    case 'ECONNRESET':
      return `${where} closed the connection`;
    default:
      return `cannot reach ${where}: ${err.message}`;
  }
}

export function httpCall(address: string, call: HttpCall = {}): Promise<HttpAnswer> {
  const url = new URL(address);
  const timeoutMs = call.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: call.method ?? 'GET', headers: call.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, text, json: parseJson(text) });
      });
      res.on('error', (err) => reject(new Error(describeSocketError(err, url))));
    });
    req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error(`no answer within ${timeoutMs / 1000} s`), { code: 'TIMEOUT' })));
    req.on('error', (err: NodeJS.ErrnoException) => reject(new Error(err.code === 'TIMEOUT' ? `${url.host} gave ${err.message}` : describeSocketError(err, url))));
    if (call.body !== undefined) {
      req.write(call.body);
    }
    req.end();
  });
}

export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/** A JSON body's `error` (this service's and CouchDB's error shape), or the start of the text. */
function errorOf(answer: HttpAnswer): string {
  const body = answer.json;
  if (body && typeof body === 'object' && 'error' in body) {
    const { error, reason } = body as { error?: unknown; reason?: unknown };
    return [error, reason].filter((part) => typeof part === 'string' && part).join(': ');
  }
  return answer.text.slice(0, 200);
}

/** Fails with the request's name, the status and the answer's error when the status is not `expected`. */
export function expectStatus(answer: HttpAnswer, expected: number, what: string): HttpAnswer {
  if (answer.status !== expected) {
    const error = errorOf(answer);
    throw new Error(`${what} answered ${answer.status} instead of ${expected}${error ? `: ${error}` : ''}`);
  }
  return answer;
}

/** The answer's body, compact, for showing what the service said. */
export function bodyText(answer: HttpAnswer): string {
  return answer.json === undefined ? answer.text.trim() : JSON.stringify(answer.json);
}
