/**
 * The `/api/` side of the simulator. Order of work follows DRF's `APIView`: route, authentication,
 * throttle, method, then the view (body parsing, validation, query checks). Faults wrap the whole thing.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { msToUs } from './datetime';
import { faultResponse, SERVER_ERROR_TEXT, type ActiveFault } from './faults';
import { jsonReply, parseBody, send, type Reply } from './http-util';
import type { Mailroom } from './mailroom';
import { SCOPE_OF, rateFor, type Endpoint, type ResolvedOptions } from './options';
import { pageUrl, type Page } from './pagination';
import { listBroadcasts, listMessages, type ListOutcome } from './queries';
import { renderBroadcast, renderMessage } from './serializers';
import { throttledDetail, type Throttle } from './throttle';
import { authenticate } from './auth';
import { validateBroadcast } from './validation';
import type { BroadcastRow, WorkspaceState } from './rows';
import type { WorkspaceStore } from './workspace-store';

export interface ApiDeps {
  options(): ResolvedOptions;
  store: WorkspaceStore;
  throttle: Throttle;
  mailroom: Mailroom;
  onBroadcastCreated(row: BroadcastRow): void;
}

const ROUTES: Record<string, { endpoint: Endpoint; methods: string[]; allow: string }> = {
  '/api/v2/broadcasts.json': { endpoint: 'broadcasts', methods: ['GET', 'HEAD', 'POST'], allow: 'GET, POST, HEAD, OPTIONS' },
  '/api/v2/messages.json': { endpoint: 'messages', methods: ['GET', 'HEAD'], allow: 'GET, HEAD, OPTIONS' },
  '/api/v2/workspace.json': { endpoint: 'workspace', methods: ['GET', 'HEAD'], allow: 'GET, HEAD, OPTIONS' },
};

const serverError = (): Reply => ({
  status: 500,
  body: SERVER_ERROR_TEXT,
  text: true,
  contentType: 'text/html; charset=utf-8',
});

export interface ApiRequest {
  method: string;
  url: URL;
  headers: IncomingMessage['headers'];
  rawBody: string;
  /** `scheme://host` the client used, for absolute pagination links. */
  origin: string;
}

export interface ApiResult {
  reply: Reply;
  workspace: WorkspaceState | null;
}

function listReply<T>(outcome: ListOutcome<T>, render: (row: T) => unknown, req: ApiRequest): Reply {
  if (outcome.kind === 'server-error') return serverError();
  if (outcome.kind === 'error') return jsonReply(outcome.status, { detail: outcome.detail });
  const page: Page<T> = outcome.page;
  const base = `${req.origin}${req.url.pathname}`;
  return jsonReply(200, {
    next: page.next ? pageUrl(base, req.url.searchParams, page.next) : null,
    previous: page.previous ? pageUrl(base, req.url.searchParams, page.previous) : null,
    results: page.items.map(render),
  });
}

function postBroadcast(deps: ApiDeps, ws: WorkspaceState, req: ApiRequest): Reply {
  const o = deps.options();
  const parsed = parseBody(req.headers['content-type'], req.rawBody);
  if (parsed.kind === 'error') return jsonReply(parsed.status, { detail: parsed.detail });
  const result = validateBroadcast(parsed.value, {
    line: o.mode,
    primaryLanguage: o.primaryLanguage,
    country: ws.country,
    blocked: ws.blocked,
    findContact: (value) => deps.store.findContact(ws, value),
  });
  if (result.kind === 'server-error') return serverError();
  if (result.kind === 'invalid') return jsonReply(400, result.errors);
  const row = deps.store.createBroadcast(ws, {
    ...result.value,
    createdUs: msToUs(o.clock.now()),
    phase: 'pending',
  });
  deps.onBroadcastCreated(row);
  deps.mailroom.queueBroadcast(row);
  return jsonReply(201, renderBroadcast(o.mode, row));
}

/** Answers one API request (no faults): always a reply, never throws for client input. */
export function processApi(deps: ApiDeps, req: ApiRequest): ApiResult {
  const route = ROUTES[req.url.pathname];
  if (!route) return { reply: jsonReply(404, { detail: 'Not found.' }), workspace: null };
  const headers: Record<string, string> = { Allow: route.allow, Vary: 'Accept' };
  const withHeaders = (r: Reply): Reply => ({ ...r, headers: { ...headers, ...r.headers } });

  const auth = authenticate(req.headers.authorization, (t) => deps.store.byToken(t));
  if (!auth.ok) return { reply: withHeaders(jsonReply(403, { detail: auth.detail })), workspace: null };
  const ws = auth.workspace;
  const o = deps.options();
  if (o.mode === 'rp9') headers['X-Temba-Org'] = String(ws.id);
  const result = (reply: Reply): ApiResult => ({ reply: withHeaders(reply), workspace: ws });

  const scope = SCOPE_OF[o.mode][route.endpoint];
  const decision = deps.throttle.check(
    `${ws.id}:${scope}`,
    rateFor(o, scope, ws.rates),
    o.throttle.windowMs ?? 3_600_000,
    o.clock.now(),
  );
  if (!decision.allowed) {
    const retry: Record<string, string> = decision.waitSeconds === null ? {} : { 'Retry-After': String(decision.waitSeconds) };
    return result(jsonReply(429, { detail: throttledDetail(decision.waitSeconds) }, retry));
  }

  if (!route.methods.includes(req.method)) {
    return result(jsonReply(405, { detail: `Method "${req.method}" not allowed.` }));
  }
  if (req.method === 'POST') return result(postBroadcast(deps, ws, req));

  if (route.endpoint === 'workspace') {
    return result(
      jsonReply(200, {
        uuid: ws.uuid,
        name: ws.name,
        country: ws.country ?? null,
        languages: [o.primaryLanguage],
        timezone: 'UTC',
        date_style: 'day_first',
        anon: ws.anonymous,
      }),
    );
  }
  const params = req.url.searchParams;
  if (route.endpoint === 'broadcasts') {
    const outcome = listBroadcasts(ws, deps.store, o.mode, params, o.pageSize);
    return result(listReply(outcome, (b) => renderBroadcast(o.mode, b), req));
  }
  const outcome = listMessages(ws, deps.store, o.mode, params, o.pageSize);
  return result(listReply(outcome, (m) => renderMessage(o.mode, m), req));
}

/** Sends a fault's answer; returns the status sent, or null when nothing was (hang, drop). */
export function applyFault(
  fault: ActiveFault,
  res: ServerResponse,
  hanging: Set<ServerResponse>,
): { status: number | null; body: unknown } {
  const { spec } = fault;
  if (spec.kind === 'drop') {
    res.socket?.destroy();
    return { status: null, body: null };
  }
  if (spec.kind === 'hang') {
    hanging.add(res);
    res.on('close', () => hanging.delete(res));
    return { status: null, body: null };
  }
  const r = faultResponse(spec);
  send(res, { status: r.status, body: r.body, text: true, contentType: r.contentType ?? undefined, headers: spec.headers });
  return { status: r.status, body: r.body };
}
