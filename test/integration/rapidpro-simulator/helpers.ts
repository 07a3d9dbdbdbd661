import type { EventEmitter } from 'node:events';
import { createRapidProSimulator } from '../../rapidpro-simulator';
import type { RapidProSimulator, SimulatorOptions } from '../../rapidpro-simulator';

export const TOKEN = 'sim-token';

export interface ApiResponse {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed body, or undefined when it is not JSON. */
  json: unknown;
}

export interface CallOptions {
  method?: string;
  /** Token for `Authorization: Token <t>`; null sends no Authorization header. */
  token?: string | null;
  headers?: Record<string, string>;
  /** JSON-encoded with `Content-Type: application/json`. */
  body?: unknown;
  rawBody?: string;
  signal?: AbortSignal;
}

export async function call(url: string, opts: CallOptions = {}): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...opts.headers };
  const token = opts.token === undefined ? TOKEN : opts.token;
  if (token !== null) headers.Authorization = `Token ${token}`;
  let body: string | undefined = opts.rawBody;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['Content-Type'] ??= 'application/json';
  }
  const res = await fetch(url, { method: opts.method ?? (body === undefined ? 'GET' : 'POST'), headers, body, signal: opts.signal });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

export interface Harness {
  sim: RapidProSimulator;
  url: string;
  /** Calls `path` (e.g. `/api/v2/messages.json?folder=sent`) on the simulator. */
  api(path: string, opts?: CallOptions): Promise<ApiResponse>;
  post(body: unknown, opts?: CallOptions): Promise<ApiResponse>;
  close(): Promise<void>;
}

export async function startSim(options: Partial<SimulatorOptions> = {}): Promise<Harness> {
  const sim = createRapidProSimulator(options);
  const url = await sim.listen(0);
  return {
    sim,
    url,
    api: (path, opts) => call(`${url}${path}`, opts),
    post: (body, opts) => call(`${url}/api/v2/broadcasts.json`, { ...opts, body }),
    close: () => sim.close(),
  };
}

/** Resolves with the first `event` payload accepted by `accept`; rejects after `timeoutMs`. */
export function nextEvent<T>(emitter: EventEmitter, event: string, accept: (payload: T) => boolean = () => true, timeoutMs = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(event, listener);
      reject(new Error(`no matching "${event}" event within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (payload: T): void => {
      if (!accept(payload)) return;
      clearTimeout(timer);
      emitter.off(event, listener);
      resolve(payload);
    };
    emitter.on(event, listener);
  });
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function pollUntil<T>(check: () => T | undefined | Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise<void>((resolve) => setTimeout(resolve, 2));
  }
}

/** Results of a list response. */
export function results(res: ApiResponse): Array<Record<string, unknown>> {
  return (res.json as { results: Array<Record<string, unknown>> }).results;
}

export const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?Z$/;
