import type { IncomingMessage, ServerResponse } from 'node:http';

const MAX_BODY_BYTES = 10 * 1024 * 1024;

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** What DRF's parsers make of a request body (`request.data`). */
export type ParsedBody =
  | { kind: 'data'; value: unknown }
  | { kind: 'error'; status: 400 | 415; detail: string };

/**
 * JSON bodies are parsed; a form body becomes a dict of its last values; an empty body or one without a
 * content type gives `{}` (DRF's empty data); other media types get 415.
 */
export function parseBody(contentType: string | undefined, raw: string): ParsedBody {
  const mediaType = contentType?.split(';')[0].trim().toLowerCase() ?? '';
  if (raw === '' || mediaType === '') return { kind: 'data', value: {} };
  if (mediaType === 'application/json' || mediaType.endsWith('+json')) {
    try {
      return { kind: 'data', value: JSON.parse(raw) as unknown };
    } catch (e) {
      return { kind: 'error', status: 400, detail: `JSON parse error - ${(e as Error).message}` };
    }
  }
  if (mediaType === 'application/x-www-form-urlencoded') {
    return { kind: 'data', value: Object.fromEntries(new URLSearchParams(raw)) };
  }
  return { kind: 'error', status: 415, detail: `Unsupported media type "${contentType}" in request.` };
}

/** The body as the request log shows it: parsed JSON when possible, else the text, null when empty. */
export function loggedBody(raw: string): unknown {
  if (raw === '') return null;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

export interface Reply {
  status: number;
  /** JSON value (serialised compactly, as DRF does) or raw text. */
  body: unknown;
  text?: boolean;
  contentType?: string;
  headers?: Record<string, string>;
}

export function jsonReply(status: number, body: unknown, headers?: Record<string, string>): Reply {
  return { status, body, headers };
}

export function send(res: ServerResponse, reply: Reply): void {
  const payload = reply.text ? String(reply.body ?? '') : JSON.stringify(reply.body);
  const headers: Record<string, string | number> = {
    'Content-Type': reply.contentType ?? (reply.text ? 'text/plain; charset=utf-8' : 'application/json'),
    'Content-Length': Buffer.byteLength(payload),
    ...reply.headers,
  };
  res.writeHead(reply.status, headers);
  res.end(payload);
}

/** Query parameters for the log: repeated names become arrays. */
export function queryRecord(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of params) {
    const prev = out[name];
    out[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}
