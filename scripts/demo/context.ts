/** What every step of the story works with, once the simulator and the service are running. */
import type { RapidProSimulator } from '../../test/rapidpro-simulator';
import type { DemoConfig } from './config';
import type { Database } from './couch';
import { HttpAnswer, httpCall } from './http';
import type { Narrator } from './narrator';
import type { Service } from './service';

export interface DemoContext {
  narrator: Narrator;
  config: DemoConfig;
  sim: RapidProSimulator;
  service: Service;
  db: Database;
}

export interface ApiCall {
  /** Full Authorization header value; the admin's Basic credentials when not given. */
  authorization?: string;
  /** A JSON value, or text sent as text/plain. */
  json?: unknown;
  text?: string;
}

/** One call to the service's HTTP API, the way an operator's curl or RapidPro would make it. */
export function callApi(ctx: DemoContext, method: string, path: string, call: ApiCall = {}): Promise<HttpAnswer> {
  const headers: Record<string, string> = { Authorization: call.authorization ?? ctx.service.adminAuth, Accept: 'application/json' };
  let body: string | undefined;
  if (call.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(call.json);
  } else if (call.text !== undefined) {
    headers['Content-Type'] = 'text/plain';
    body = call.text;
  }
  return httpCall(`${ctx.service.apiUrl}${path}`, { method, headers, body });
}
