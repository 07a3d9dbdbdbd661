/**
 * `/_sim/...`: the simulator's own JSON control API for tests and demos in other processes. Not
 * authenticated, not throttled, not logged, never faulted. Errors are 400 `{"error": "..."}`.
 */
import { isObject } from './drf-fields';
import { jsonReply, type Reply } from './http-util';
import { describeOptions } from './options';
import type {
  AddMessagesInput,
  FaultSpec,
  MessageStatus,
  RapidProSimulator,
  SeedBroadcastInput,
  SimulatorOptions,
} from './types';

type Handler = (url: URL, body: unknown, match: RegExpExecArray) => unknown;

interface Route {
  method: string;
  pattern: RegExp;
  handler: Handler;
}

function parseJson(raw: string): unknown {
  if (raw.trim() === '') return {};
  try {
    return JSON.parse(raw) as unknown;
  } catch (e) {
    throw new Error(`body is not JSON: ${(e as Error).message}`);
  }
}

const asObject = <T>(body: unknown): T => {
  if (!isObject(body)) throw new Error('body must be a JSON object');
  return body as T;
};

const tokenParam = (url: URL): string | undefined => url.searchParams.get('token') ?? undefined;

export function createControlRoutes(sim: RapidProSimulator): (method: string, url: URL, raw: string) => Reply {
  const routes: Route[] = [
    {
      method: 'GET',
      pattern: /^\/_sim\/health$/,
      handler: () => ({ ok: true, mode: sim.options.mode, url: sim.url }),
    },
    { method: 'GET', pattern: /^\/_sim\/config$/, handler: () => describeOptions(sim.options) },
    {
      method: 'POST',
      pattern: /^\/_sim\/reset$/,
      handler: (_u, body) => {
        sim.reset(asObject<Partial<SimulatorOptions>>(body));
        return describeOptions(sim.options);
      },
    },
    {
      method: 'POST',
      pattern: /^\/_sim\/configure$/,
      handler: (_u, body) => {
        sim.configure(asObject<Partial<SimulatorOptions>>(body));
        return describeOptions(sim.options);
      },
    },
    { method: 'GET', pattern: /^\/_sim\/faults$/, handler: () => ({ faults: sim.pendingFaults() }) },
    {
      method: 'POST',
      pattern: /^\/_sim\/faults$/,
      handler: (_u, body) => {
        const faults = Array.isArray(body) ? body : asObject<{ faults?: unknown }>(body).faults;
        if (!Array.isArray(faults)) throw new Error('expected a list of faults or {"faults": [...]}');
        sim.injectFaults(faults as FaultSpec[]);
        return { faults: sim.pendingFaults() };
      },
    },
    {
      method: 'DELETE',
      pattern: /^\/_sim\/faults$/,
      handler: () => {
        sim.clearFaults();
        return { faults: [] };
      },
    },
    {
      method: 'GET',
      pattern: /^\/_sim\/requests$/,
      handler: (url) => {
        const since = Number(url.searchParams.get('since') ?? 0);
        if (!Number.isInteger(since) || since < 0) throw new Error('since must be an integer >= 0');
        const requests = sim.requests(since);
        const last = requests[requests.length - 1];
        return { requests, next: last ? last.index + 1 : since };
      },
    },
    {
      method: 'DELETE',
      pattern: /^\/_sim\/requests$/,
      handler: () => {
        sim.clearRequests();
        return { requests: [] };
      },
    },
    { method: 'GET', pattern: /^\/_sim\/broadcasts$/, handler: (url) => ({ broadcasts: sim.broadcasts(tokenParam(url)) }) },
    {
      method: 'GET',
      pattern: /^\/_sim\/messages$/,
      handler: (url) => {
        const broadcast = url.searchParams.get('broadcast');
        const status = url.searchParams.get('status');
        const messages = sim
          .messages(tokenParam(url))
          .filter((m) => broadcast === null || m.broadcast === Number(broadcast))
          .filter((m) => status === null || m.status === status);
        return { messages };
      },
    },
    {
      method: 'POST',
      pattern: /^\/_sim\/messages\/(\d+)\/status$/,
      handler: (_u, body, match) => {
        const { status, token } = asObject<{ status: MessageStatus; token?: string }>(body);
        const id = Number(match[1]);
        sim.setMessageStatus(id, status, token);
        return { message: sim.messages(token).find((m) => m.id === id) };
      },
    },
    {
      method: 'POST',
      pattern: /^\/_sim\/seed\/broadcast$/,
      handler: (_u, body) => ({ broadcast: sim.seedBroadcast(asObject<SeedBroadcastInput>(body)) }),
    },
    {
      method: 'POST',
      pattern: /^\/_sim\/seed\/messages$/,
      handler: (_u, body) => ({ added: sim.addMessages(asObject<AddMessagesInput>(body)) }),
    },
  ];

  return (method, url, raw) => {
    const candidates = routes.filter((r) => r.pattern.test(url.pathname));
    if (candidates.length === 0) return jsonReply(404, { error: `no control route ${url.pathname}` });
    const route = candidates.find((r) => r.method === method);
    if (!route) return jsonReply(405, { error: `use ${candidates.map((r) => r.method).join(' or ')}` });
    try {
      const match = route.pattern.exec(url.pathname) as RegExpExecArray;
      const body = method === 'GET' || method === 'DELETE' ? null : parseJson(raw);
      return jsonReply(200, route.handler(url, body, match));
    } catch (e) {
      return jsonReply(400, { error: (e as Error).message });
    }
  };
}
