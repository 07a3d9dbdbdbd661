/**
 * backlog: RapidPro calls per polling cycle while 10,000 messages are followed (sent, never
 * reaching a final status). The simulator is seeded directly with one broadcast per message
 * (status wired or sent, no further progression), and the matching CHT documents are written with
 * their tasks already in forwarded-by-gateway / sent and carrying the `task.rapidpro` records the
 * sentinel itself writes when RapidPro accepts a broadcast. The sentinel runs in this process (for
 * its 'poll' events) on the real clock; calls are counted both from its PollReport and from the
 * simulator's log. CHT asks once per message per cycle: 10,000.
 */
import crypto from 'node:crypto';
import { CHT_VIEWS_DDOC, SENTINEL_DDOC } from '../../shared-libs/couch/src';
import type { MessageDoc, RapidProMessageRecord, TaskState } from '../../shared-libs/messages/src';
import { realClock } from '../../sentinel/src/clock';
import type { PollReport } from '../../sentinel/src/tracker';
import { PAGE_SIZE, WINDOW_MARGIN_MS } from '../../sentinel/src/tracker';
import type { RequestLogEntry } from '../../test/rapidpro-simulator';
import { writeDocs } from '../lib/db-state';
import { progress } from '../lib/log';
import { inProcessSentinel, pointAtSimulator, SIM_TOKEN, startSimulator } from '../lib/parts';
import type { Row } from '../lib/report';
import type { Context, Scenario } from '../lib/scenario';
import { fmt, summarize } from '../lib/stats';
import { freshDb } from '../lib/store';
import { waitFor } from '../lib/wait';
import { NO_THROTTLE, phone } from '../lib/workload';

interface Cycle {
  report: PollReport;
  simCalls: number;
  realMs: number;
}

export const backlog: Scenario = {
  name: 'backlog',
  describe: 'RapidPro calls per polling cycle with 10,000 followed messages that stay wired/sent',
  async run(ctx: Context): Promise<Row[]> {
    const n = ctx.options.backlog;
    const sim = await startSimulator({ throttle: NO_THROTTLE, progression: [] });
    const db = await freshDb(ctx.store, 'backlog');
    try {
      await pointAtSimulator(db, sim, { poll_interval_seconds: 1, requests_per_hour: 1_000_000 });
      const ws = (await (await fetch(`${sim.url}/api/v2/workspace.json`, { headers: { Authorization: `Token ${SIM_TOKEN}` } })).json()) as { uuid: string };
      const account = `workspace:${ws.uuid}`;

      progress(`backlog: seeding ${fmt(n)} broadcasts in the simulator and ${fmt(n)} followed documents`);
      const seedStart = Date.now();
      const spreadMs = 30 * 60 * 1000;
      const docs: MessageDoc[] = [];
      for (let i = 0; i < n; i++) {
        const sent = i % 2 === 1;
        const createdOn = seedStart - spreadMs + Math.floor((spreadMs * i) / n);
        const to = phone(i, 8);
        const broadcast = sim.seedBroadcast({ urns: [`tel:${to}`], text: `Backlog ${i}: reminder`, createdOn, messageStatus: sent ? 'sent' : 'wired' });
        const state: TaskState = sent ? 'sent' : 'forwarded-by-gateway';
        const details = sent ? 'Sent' : 'Wired';
        const uuid = crypto.randomUUID();
        const sentAt = new Date(createdOn).toISOString();
        const record: RapidProMessageRecord = { uuid, urn: broadcast.urns?.[0] ?? `tel:${to}`, broadcast_id: broadcast.id, created_on: broadcast.createdOn, status: sent ? 'sent' : 'wired', state, details };
        docs.push({
          _id: `bench-${uuid}`,
          type: 'data_record',
          kujua_message: true,
          form: null,
          reported_date: createdOn - 1000,
          errors: [],
          tasks: [
            {
              messages: [{ uuid, to, message: `Backlog ${i}: reminder` }],
              state,
              state_details: details,
              gateway_ref: broadcast.id,
              state_history: [
                { state: 'pending', timestamp: new Date(createdOn - 1000).toISOString() },
                { state: 'received-by-gateway', state_details: 'Queued', timestamp: sentAt },
                { state, state_details: details, timestamp: new Date(createdOn + 5000).toISOString() },
              ],
              rapidpro: { url: sim.url, account, attempt: 'bench-seed', sent_at: sentAt, messages: [record] },
            },
          ],
        });
      }
      await writeDocs(db, docs, 500);
      const main = db.bench.db(db.name);
      const tracked = await main.view<unknown, number>(SENTINEL_DDOC, 'tracked', { reduce: true, group_level: 2 });
      await main.view(CHT_VIEWS_DDOC, 'messages_by_state', { limit: 1 });
      const followedNow = tracked.rows.reduce((a, r) => a + r.value, 0);
      progress(`backlog: seeded in ${fmt((Date.now() - seedStart) / 1000, 1)} s (views built); the tracked view holds ${fmt(followedNow)}`);

      sim.clearRequests();
      const sentinel = inProcessSentinel(db, realClock, { stopGraceMs: 3000 });
      const cycles: Cycle[] = [];
      let since = 0;
      let cycleStart = performance.now();
      const pollGets = (entries: RequestLogEntry[]) => entries.filter((r) => r.method === 'GET' && r.path.endsWith('/messages.json')).length;
      sentinel.events.on('poll', (report: PollReport) => {
        const log = sim.requests();
        const simCalls = pollGets(log.filter((r) => r.index >= since));
        since = log.length ? log[log.length - 1].index + 1 : since;
        const now = performance.now();
        if (report.followed > 0) {
          cycles.push({ report, simCalls, realMs: now - cycleStart });
          progress(`backlog: cycle ${cycles.length}: ${report.calls} calls (simulator saw ${simCalls}), ${report.strategy}, ${fmt(report.followed)} followed, ${fmt(now - cycleStart)} ms`);
        }
        cycleStart = now;
      });
      await sentinel.start();
      try {
        await waitFor(() => (cycles.length >= ctx.options.cycles ? true : undefined), { timeoutMs: 120000 + ctx.options.cycles * 30000, intervalMs: 100, what: `${ctx.options.cycles} polling cycles` });
      } finally {
        await sentinel.stop();
      }

      const oldest = Math.min(...docs.map((d) => Date.parse(String(d.tasks?.[0]?.rapidpro?.messages[0]?.created_on))));
      const windowStart = oldest - WINDOW_MARGIN_MS;
      const inWindow = sim.messages().filter((m) => m.createdOnMs >= windowStart).length;
      const allowed = Math.ceil(inWindow / PAGE_SIZE) + 2;
      const measured = cycles.slice(0, ctx.options.cycles);
      const maxCalls = Math.max(...measured.map((c) => Math.max(c.report.calls, c.simCalls)));
      const followed = measured.map((c) => c.report.followed);
      const times = summarize(measured.map((c) => c.realMs));
      return [
        {
          scenario: 'backlog',
          figure: `RapidPro calls per polling cycle, ${fmt(n)} followed`,
          value: `${measured.map((c) => c.report.calls).join(', ')} (simulator log: ${measured.map((c) => c.simCalls).join(', ')})`,
          reference: `CHT ${fmt(n)} per cycle`,
          target: `≤ ⌈${fmt(inWindow)} / 250⌉ + 2 = ${allowed}`,
          met: maxCalls <= allowed && followed.every((f) => f === n),
          notes:
            `sentinel in this process on the real clock (default options but a 3 s stop grace; poll_interval_seconds 1, requests_per_hour 1,000,000 so the budget never waits); ` +
            `${fmt(n)} broadcasts seeded with created_on spread over the last 30 min, half wired, half sent, never progressing; documents written with tasks in forwarded-by-gateway/sent and their task.rapidpro records; ` +
            `${measured.length} cycles measured (${measured.map((c) => c.report.strategy).join(', ')}), followed ${followed.join(', ')}; one cycle every ${fmt(times.p50)} ms (p50 between poll events, with a 1 s interval: reading 10,000 rows of the tracked view and ${Math.ceil(inWindow / PAGE_SIZE)} pages)`,
          data: { followed: n, in_window: inWindow, allowed, max_calls: maxCalls, calls: measured.map((c) => c.report.calls).join(','), sim_calls: measured.map((c) => c.simCalls).join(','), cycle_ms_p50: times.p50 },
        },
      ];
    } finally {
      await sim.close();
      await db.drop();
    }
  },
};
