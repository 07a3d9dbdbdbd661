/**
 * CouchDB over HTTP through nano, with what the service needs on every call: a timeout, one error
 * type (CouchError) and typed results. It uses only CouchDB 3 endpoints, so the embedded store and a
 * real CouchDB or cluster are interchangeable; `_changes` sequences stay opaque strings.
 */
import Nano from 'nano';
import type { CouchTarget } from './target';
import { CouchError, toCouchError } from './errors';

export interface DocStub {
  _id: string;
  _rev?: string;
  _deleted?: boolean;
}

export interface WriteResult {
  id: string;
  rev: string;
}

export interface BulkResult {
  id: string;
  rev?: string;
  error?: string;
  reason?: string;
}

export interface ViewRow<K, V, D = never> {
  id: string;
  key: K;
  value: V;
  doc?: D;
}

export interface ViewResponse<K, V, D = never> {
  total_rows?: number;
  offset?: number;
  rows: Array<ViewRow<K, V, D>>;
}

export interface ChangesResponse<D> {
  results: Array<{ id: string; seq: string; deleted?: boolean; doc?: D; changes: Array<{ rev: string }> }>;
  last_seq: string;
}

export interface UserCtx {
  name: string | null;
  roles: string[];
}

type Method = 'get' | 'put' | 'post' | 'delete' | 'head';

export interface CouchRequest {
  db?: string;
  doc?: string;
  path?: string;
  method?: Method;
  qs?: Record<string, unknown>;
  body?: unknown;
  /** Overrides the client's default request timeout. */
  timeoutMs?: number;
  /** Aborts the request early, e.g. a long-poll when the worker stops. */
  signal?: AbortSignal;
}

export interface CouchDb {
  readonly name: string;
  /** The document, or undefined when it does not exist (or was deleted). */
  get<T extends DocStub>(id: string): Promise<T | undefined>;
  /** Creates or updates one document; a stale or missing `_rev` gives CouchError kind `conflict`. */
  put<T extends DocStub>(doc: T): Promise<WriteResult>;
  bulkDocs<T extends DocStub>(docs: T[]): Promise<BulkResult[]>;
  /** The current documents for these ids; missing and deleted ones are absent from the map. */
  fetch<T extends DocStub>(ids: string[]): Promise<Map<string, T>>;
  view<K, V, D = never>(ddoc: string, view: string, params?: Record<string, unknown>): Promise<ViewResponse<K, V, D>>;
  allDocs<D = never>(params: Record<string, unknown>): Promise<ViewResponse<string, { rev: string }, D>>;
  changes<D>(params: Record<string, unknown>, options?: { timeoutMs?: number; signal?: AbortSignal }): Promise<ChangesResponse<D>>;
  info(): Promise<{ db_name: string; update_seq: string; doc_count: number }>;
  /** True when it was created now, false when it already existed. */
  create(): Promise<boolean>;
}

export interface CouchClient {
  readonly target: CouchTarget;
  db(name: string): CouchDb;
  request<T>(req: CouchRequest): Promise<T>;
  /** Asks CouchDB who a caller is, from the caller's own Authorization or Cookie header. */
  session(headers: { authorization?: string; cookie?: string }): Promise<UserCtx>;
  /** Resolves when the server answers at all; CouchError kind `unavailable` otherwise. */
  ping(timeoutMs?: number): Promise<void>;
}

export interface CouchClientOptions {
  target: CouchTarget;
  /** Default timeout of a request in milliseconds. @defaultValue 15000 */
  requestTimeoutMs?: number;
}

interface NanoRequest {
  db?: string;
  doc?: string;
  path?: string;
  method?: string;
  qs?: Record<string, unknown>;
  body?: unknown;
  signal?: AbortSignal;
}

type NanoRelax = (opts: NanoRequest) => Promise<unknown>;

function withTimeout(timeoutMs: number, signal?: AbortSignal): AbortSignal {
  const timeout = AbortSignal.timeout(timeoutMs);
  return signal ? AbortSignal.any([signal, timeout]) : timeout;
}

export function createCouchClient(options: CouchClientOptions): CouchClient {
  const { target } = options;
  const defaultTimeoutMs = options.requestTimeoutMs ?? 15000;
  const nano = Nano({ url: target.serverUrl, parseUrl: false } as Nano.Configuration);
  const relax = nano.request as unknown as NanoRelax;

  async function request<T>(req: CouchRequest): Promise<T> {
    const signal = withTimeout(req.timeoutMs ?? defaultTimeoutMs, req.signal);
    try {
      return (await relax({
        db: req.db,
        doc: req.doc,
        path: req.path,
        method: req.method ?? 'get',
        qs: req.qs,
        body: req.body,
        signal,
      })) as T;
    } catch (err) {
      throw toCouchError(err);
    }
  }

  function db(name: string): CouchDb {
    return {
      name,
      async get<T extends DocStub>(id: string) {
        try {
          return await request<T>({ db: name, doc: id });
        } catch (err) {
          if (err instanceof CouchError && err.kind === 'not_found') {
            return undefined;
          }
          throw err;
        }
      },
      put: (doc) => request<WriteResult>({ db: name, doc: doc._id, method: 'put', body: doc }),
      bulkDocs: (docs) => request<BulkResult[]>({ db: name, path: '_bulk_docs', method: 'post', body: { docs } }),
      async fetch<T extends DocStub>(ids: string[]) {
        const found = new Map<string, T>();
        if (!ids.length) {
          return found;
        }
        const res = await request<{ rows: Array<{ id?: string; doc?: T | null; error?: string }> }>({
          db: name,
          path: '_all_docs',
          method: 'post',
          qs: { include_docs: true },
          body: { keys: ids },
        });
        for (const row of res.rows) {
          if (row.doc && row.id) {
            found.set(row.id, row.doc);
          }
        }
        return found;
      },
      view<K, V, D>(ddoc: string, view: string, params: Record<string, unknown> = {}) {
        const { keys, ...rest } = params;
        const qs = withoutUndefined(rest);
        const path = `_design/${ddoc}/_view/${view}`;
        return keys === undefined
          ? request<ViewResponse<K, V, D>>({ db: name, path, qs })
          : request<ViewResponse<K, V, D>>({ db: name, path, method: 'post', qs, body: { keys } });
      },
      allDocs<D>(params: Record<string, unknown>) {
        return request<ViewResponse<string, { rev: string }, D>>({ db: name, path: '_all_docs', qs: withoutUndefined(params) });
      },
      changes<D>(params: Record<string, unknown>, opts: { timeoutMs?: number; signal?: AbortSignal } = {}) {
        return request<ChangesResponse<D>>({ db: name, path: '_changes', qs: params, timeoutMs: opts.timeoutMs, signal: opts.signal });
      },
      info: () => request({ db: name }),
      async create() {
        try {
          await request({ db: name, method: 'put' });
          return true;
        } catch (err) {
          if (err instanceof CouchError && err.kind === 'precondition_failed') {
            return false;
          }
          throw err;
        }
      },
    };
  }

  async function session(headers: { authorization?: string; cookie?: string }): Promise<UserCtx> {
    // A credential-less client carrying only the caller's headers: nano adds the service's own
    // credentials to every request of the main client, which would answer for the wrong user.
    const callerHeaders: Record<string, string> = {};
    if (headers.authorization) {
      callerHeaders.Authorization = headers.authorization;
    }
    if (headers.cookie) {
      callerHeaders.cookie = headers.cookie;
    }
    const asCaller = Nano({ url: target.publicServerUrl, parseUrl: false, headers: callerHeaders } as Nano.Configuration);
    try {
      const res = (await (asCaller.request as unknown as NanoRelax)({
        path: '_session',
        signal: withTimeout(defaultTimeoutMs),
      })) as { userCtx?: UserCtx };
      return res.userCtx ?? { name: null, roles: [] };
    } catch (err) {
      throw toCouchError(err);
    }
  }

  return {
    target,
    db,
    request,
    session,
    async ping(timeoutMs = 3000) {
      await request({ path: '', timeoutMs });
    },
  };
}

function withoutUndefined(params: Record<string, unknown>): Record<string, unknown> {
  // nano JSON-encodes key, keys, startkey and endkey itself; other values pass through as they are.
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined) {
      out[k] = v;
    }
  }
  return out;
}
