/**
 * A model of how CHT (api/src/services/rapidpro.js, reference/cht-rapidpro.md §5 and §9) sends and
 * polls, run on virtual time against a RapidPro simulator whose clock only moves when the model
 * says: every tick (one minute), poll each non-final message once with its own
 * `GET messages.json?broadcast=<id>`, send up to 25 pending messages one broadcast each, then let a
 * minute pass.
 *
 * Within a tick the poll comes first: CHT's two timers fire together and the poll reads its view
 * before that tick's sends are saved, so a message is first polled one tick after it was sent.
 * (That is the cheaper reading for CHT; polling in the same tick would cost it one more call per
 * message.) A 429 stops polling for the rest of the tick, as CHT's `throttled` flag does.
 */
import type { ManualClock } from '../../test/rapidpro-simulator';
import type { Outgoing } from './workload';

/** CHT's STATUS_MAP: RapidPro status → CHT state; unknown statuses count as queued. */
const CHT_STATUS_MAP: Record<string, string> = {
  queued: 'received-by-gateway',
  wired: 'forwarded-by-gateway',
  sent: 'sent',
  delivered: 'delivered',
  resent: 'sent',
  errored: 'received-by-gateway',
  failed: 'failed',
};
const FINAL = new Set(['delivered', 'failed']);

export const CHT_TICK_MS = 60_000;
export const CHT_SENDS_PER_TICK = 25;

export interface ChtModelOptions {
  baseUrl: string;
  token: string;
  clock: ManualClock;
  messages: Outgoing[];
  /** Stop after this many ticks even if messages are still moving. @defaultValue 24 h of ticks */
  maxTicks?: number;
}

export interface ChtModelResult {
  posts: number;
  gets: number;
  throttled: number;
  ticks: number;
  delivered: number;
  failed: number;
  unfinished: number;
}

interface ModelMessage {
  to: string;
  text: string;
  state: string;
  broadcast?: number;
}

async function call(url: string, token: string, init: { method: 'GET' | 'POST'; body?: unknown }): Promise<{ status: number; json: unknown }> {
  const res = await fetch(url, {
    method: init.method,
    headers: { Authorization: `Token ${token}`, Accept: 'application/json', 'Content-Type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: res.status, json };
}

export async function runChtModel(options: ChtModelOptions): Promise<ChtModelResult> {
  const base = options.baseUrl.replace(/\/+$/, '');
  const messages: ModelMessage[] = options.messages.map((m) => ({ ...m, state: 'pending' }));
  const result: ChtModelResult = { posts: 0, gets: 0, throttled: 0, ticks: 0, delivered: 0, failed: 0, unfinished: 0 };
  const maxTicks = options.maxTicks ?? 24 * 60;
  const nonFinal = (m: ModelMessage) => m.state !== 'pending' && !FINAL.has(m.state);

  while (result.ticks < maxTicks && messages.some((m) => m.state === 'pending' || nonFinal(m))) {
    result.ticks++;
    // checkDbForMessagesToUpdate: every non-final message with a gateway_ref, one GET each.
    for (const m of messages.filter((x) => nonFinal(x) && x.broadcast !== undefined)) {
      const res = await call(`${base}/api/v2/messages.json?broadcast=${m.broadcast}`, options.token, { method: 'GET' });
      result.gets++;
      if (res.status === 429) {
        result.throttled++;
        break;
      }
      const results = (res.json as { results?: Array<{ status?: string }> } | null)?.results;
      const first = results?.[0];
      if (res.status === 200 && first) {
        m.state = CHT_STATUS_MAP[first.status ?? ''] ?? 'received-by-gateway';
      }
    }
    // checkDbForMessagesToSend: the 25 oldest pending, one broadcast each, in order.
    for (const m of messages.filter((x) => x.state === 'pending').slice(0, CHT_SENDS_PER_TICK)) {
      const res = await call(`${base}/api/v2/broadcasts.json`, options.token, { method: 'POST', body: { urns: [`tel:${m.to}`], text: m.text } });
      result.posts++;
      if (res.status === 429) {
        result.throttled++;
      } else if (res.status === 400) {
        m.state = 'failed';
      } else if (res.status >= 200 && res.status < 300 && res.json) {
        const body = res.json as { id?: number; status?: string };
        m.broadcast = body.id;
        m.state = 'received-by-gateway';
      }
    }
    options.clock.advance(CHT_TICK_MS);
  }
  for (const m of messages) {
    if (m.state === 'delivered') {
      result.delivered++;
    } else if (m.state === 'failed') {
      result.failed++;
    } else {
      result.unfinished++;
    }
  }
  return result;
}
