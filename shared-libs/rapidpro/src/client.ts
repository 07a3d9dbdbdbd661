/**
 * The RapidPro API v2 client (axios): broadcasts, messages and workspace, with a timeout on every
 * call, a User-Agent naming this project, and every outcome turned into a Result. It does not
 * decide what to do about failures, and it never follows a URL to a host other than the configured
 * one (a `next` page link is re-applied to the configured base URL), so the token only goes where
 * the operator pointed it.
 */
import http from 'node:http';
import https from 'node:https';
import axios, { AxiosError, AxiosResponse } from 'axios';
import { readValidationErrors, RapidProFailure, Result } from './failures';
import { BroadcastInfo, MessageInfo, Page, parseBroadcast, parseMessage, parsePage, parseWorkspace, WorkspaceInfo } from './responses';

export interface RapidProEndpoint {
  /** Base URL, e.g. https://textit.in or https://host/prefix (no trailing slash needed). */
  url: string;
  token: string;
  /** Time allowed for this call, overriding the client's default. */
  timeoutMs?: number;
}

export interface RapidProClientOptions {
  /** Time allowed for one call, in milliseconds. @defaultValue 30000 */
  timeoutMs?: number;
  userAgent: string;
}

export type ListQuery = Record<string, string | number>;
/** A first page (query) or a following one (the `next` link RapidPro returned). */
export type PageRequest = { query: ListQuery } | { next: string };

export interface RapidProClient {
  sendBroadcast(endpoint: RapidProEndpoint, body: { urns: string[]; text: string }): Promise<Result<BroadcastInfo>>;
  listMessages(endpoint: RapidProEndpoint, page: PageRequest): Promise<Result<Page<MessageInfo>>>;
  listBroadcasts(endpoint: RapidProEndpoint, page: PageRequest): Promise<Result<Page<BroadcastInfo>>>;
  workspace(endpoint: RapidProEndpoint): Promise<Result<WorkspaceInfo>>;
}

/** Connection failures that happen before a request reaches RapidPro: it cannot have acted on it. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ERR_INVALID_URL', 'CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'ERR_TLS_CERT_ALTNAME_INVALID']);

export function apiUrl(baseUrl: string, endpoint: string, search = ''): string {
  return `${baseUrl.replace(/\/+$/, '')}/api/v2/${endpoint}.json${search}`;
}

/** Retry-After is whole seconds, or (rarely) an HTTP date. Missing or odd values mean a minute. */
export function retryAfterMs(header: unknown, now = Date.now()): number {
  const value = Array.isArray(header) ? header[0] : header;
  if (typeof value === 'string' || typeof value === 'number') {
    const seconds = Number(value);
    if (Number.isFinite(seconds) && seconds >= 0) {
      return Math.ceil(seconds) * 1000;
    }
    const date = Date.parse(String(value));
    if (!Number.isNaN(date)) {
      return Math.max(0, date - now);
    }
  }
  return 60000;
}

function parseJson(text: unknown): unknown {
  if (typeof text !== 'string' || !text.trim()) {
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function detailOf(body: unknown, fallback: string): string {
  if (body && typeof body === 'object' && typeof (body as { detail?: unknown }).detail === 'string') {
    return (body as { detail: string }).detail;
  }
  return fallback;
}

/** What a non-2xx answer means. */
export function failureFromResponse(res: Pick<AxiosResponse, 'status' | 'headers' | 'data'>, mayHaveActed: boolean): RapidProFailure {
  const body = parseJson(res.data);
  const status = res.status;
  if (status === 400) {
    return { kind: 'rejected', status, ...readValidationErrors(body ?? String(res.data ?? '')) };
  }
  if (status === 401 || status === 403) {
    return { kind: 'unauthorized', status, detail: detailOf(body, 'forbidden') };
  }
  if (status === 429) {
    return { kind: 'throttled', status, retryAfterMs: retryAfterMs(res.headers['retry-after']) };
  }
  if (status >= 500) {
    return { kind: 'unavailable', status, cause: `RapidPro answered ${status}`, ambiguous: mayHaveActed };
  }
  if (status >= 300 && status < 400) {
    const location = typeof res.headers.location === 'string' ? ` to ${res.headers.location.split('?')[0]}` : '';
    return { kind: 'misconfigured', status, detail: `redirected${location}; check sms.rapidpro.url` };
  }
  const hint = status === 404 ? 'not found; check sms.rapidpro.url' : status === 409 ? 'the workspace has reached a limit' : 'unexpected answer';
  return { kind: 'misconfigured', status, detail: detailOf(body, hint) };
}

export function failureFromError(err: unknown, mayHaveActed: boolean): RapidProFailure {
  const e = err as AxiosError;
  const code = e.code ?? '';
  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout/i.test(e.message ?? '')) {
    return { kind: 'unavailable', cause: 'no answer before the timeout', ambiguous: mayHaveActed };
  }
  const message = e.message ?? String(err);
  const cause = !code || message.includes(code) ? message : `${code}: ${message}`;
  return { kind: 'unavailable', cause, ambiguous: mayHaveActed && !NOT_SENT_CODES.has(code) };
}

export function createRapidProClient(options: RapidProClientOptions): RapidProClient {
  const http_ = axios.create({
    timeout: options.timeoutMs ?? 30000,
    maxRedirects: 0,
    responseType: 'text',
    transformResponse: [(data: unknown) => data],
    validateStatus: () => true,
    httpAgent: new http.Agent({ keepAlive: true, maxSockets: 4 }),
    httpsAgent: new https.Agent({ keepAlive: true, maxSockets: 4 }),
    headers: { 'User-Agent': options.userAgent, Accept: 'application/json' },
  });

  async function call<T>(
    method: 'get' | 'post',
    url: string,
    endpoint: RapidProEndpoint,
    parse: (body: unknown) => T | undefined,
    expectStatus: number,
    body?: unknown,
  ): Promise<Result<T>> {
    const writes = method === 'post';
    let res: AxiosResponse<string>;
    try {
      res = await http_.request<string>({
        method,
        url,
        data: body === undefined ? undefined : JSON.stringify(body),
        timeout: endpoint.timeoutMs,
        headers: { Authorization: `Token ${endpoint.token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      });
    } catch (err) {
      return { ok: false, failure: failureFromError(err, writes) };
    }
    if (res.status < 200 || res.status >= 300) {
      return { ok: false, failure: failureFromResponse(res, writes) };
    }
    const parsed = parse(parseJson(res.data));
    if (parsed === undefined || (expectStatus === 201 && res.status !== 201 && res.status !== 200)) {
      const what = typeof res.data === 'string' && res.data.trim() ? 'an answer that is not the expected JSON' : 'an empty answer';
      return { ok: false, failure: { kind: 'unavailable', status: res.status, cause: `RapidPro sent ${what} (${res.status})`, ambiguous: writes } };
    }
    return { ok: true, value: parsed };
  }

  function pageUrl(endpoint: RapidProEndpoint, name: string, page: PageRequest): string {
    if ('next' in page) {
      // Keep RapidPro's cursor and parameters, but always on the configured host.
      let search = '';
      try {
        search = new URL(page.next).search;
      } catch {
        search = '';
      }
      return apiUrl(endpoint.url, name, search);
    }
    const params = new URLSearchParams(Object.entries(page.query).map(([k, v]): [string, string] => [k, String(v)]));
    const search = params.toString();
    return apiUrl(endpoint.url, name, search ? `?${search}` : '');
  }

  return {
    sendBroadcast: (endpoint, body) => call('post', apiUrl(endpoint.url, 'broadcasts'), endpoint, parseBroadcast, 201, body),
    listMessages: (endpoint, page) =>
      call('get', pageUrl(endpoint, 'messages', page), endpoint, (b) => parsePage(b, parseMessage), 200),
    listBroadcasts: (endpoint, page) =>
      call('get', pageUrl(endpoint, 'broadcasts', page), endpoint, (b) => parsePage(b, parseBroadcast), 200),
    workspace: (endpoint) => call('get', apiUrl(endpoint.url, 'workspace'), endpoint, parseWorkspace, 200),
  };
}
