/**
 * The HTTP entry point: `/_sim/...` goes to the control routes (not logged, faults never apply), anything
 * else is an API request: fault lookup, processing, logging, then the `request` event.
 */
import type { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { applyFault, processApi, type ApiDeps } from './api-routes';
import type { Faults } from './faults';
import { loggedBody, queryRecord, readBody, send, type Reply } from './http-util';
import type { RequestLog } from './request-log';
import type { RequestLogEntry } from './types';

export interface HandlerDeps {
  api: ApiDeps;
  faults: Faults;
  log: RequestLog;
  events: EventEmitter;
  /** Responses of `hang` faults, ended when the simulator closes. */
  hanging: Set<ServerResponse>;
  control(method: string, url: URL, body: string): Reply;
}

export const CONTROL_PREFIX = '/_sim';

export function createRequestHandler(deps: HandlerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://simulator.invalid');
    const rawBody = await readBody(req);

    if (url.pathname === CONTROL_PREFIX || url.pathname.startsWith(`${CONTROL_PREFIX}/`)) {
      send(res, deps.control(method, url, rawBody));
      return;
    }

    const o = deps.api.options();
    const arrival = {
      method,
      path: url.pathname,
      query: queryRecord(url.searchParams),
      headers: { ...req.headers },
      body: loggedBody(rawBody),
      simTimeMs: o.clock.now(),
      realTimeMs: Date.now(),
    };
    const finish = (status: number | null, responseBody: unknown, workspace: string | null, fault: RequestLogEntry['fault']): void => {
      const entry = deps.log.add({ ...arrival, status, responseBody, workspace, fault });
      deps.events.emit('request', entry);
    };

    const fault = deps.faults.take(method, url.pathname);
    if (fault?.phase === 'before') {
      const sent = applyFault(fault, res, deps.hanging);
      finish(sent.status, sent.body, null, { kind: fault.spec.kind, phase: 'before' });
      return;
    }

    const origin = `http://${req.headers.host ?? `${req.socket.localAddress}:${req.socket.localPort}`}`;
    const { reply, workspace } = processApi(deps.api, { method, url, headers: req.headers, rawBody, origin });
    if (fault) {
      const sent = applyFault(fault, res, deps.hanging);
      finish(sent.status, sent.body, workspace?.name ?? null, { kind: fault.spec.kind, phase: 'after' });
      return;
    }
    send(res, reply);
    finish(reply.status, reply.body, workspace?.name ?? null, null);
  };

  return (req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent && !res.destroyed) {
        send(res, { status: 500, body: `Simulator error: ${(err as Error).message}`, text: true });
      }
    });
  };
}
