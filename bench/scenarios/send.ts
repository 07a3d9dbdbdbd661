/**
 * send: how many RapidPro calls each delivered message costs. 1,000 messages with distinct texts
 * are written as pending CHT documents; the sentinel (a child process, production entry point and
 * defaults, one-minute polls like CHT) sends and follows them until every one is delivered, with
 * delivery reports arriving 5 s to 90 s after RapidPro created the message. Every request the
 * simulator logged counts. The reference is a model of CHT's algorithm on the same workload against
 * a fresh simulator on virtual time.
 */
import { countInState, waitForState, writeDocs } from '../lib/db-state';
import { CHT_SENDS_PER_TICK, runChtModel } from '../lib/cht-model';
import { progress } from '../lib/log';
import { pointAtSimulator, SIM_TOKEN, spawnSentinel, startSimulator } from '../lib/parts';
import { mb, rssSampler } from '../lib/proc';
import type { Row } from '../lib/report';
import type { Context, Scenario } from '../lib/scenario';
import { fmt } from '../lib/stats';
import { freshDb } from '../lib/store';
import { waitFor } from '../lib/wait';
import { distinctMessages, lateDelivery, NO_THROTTLE, onePerDoc } from '../lib/workload';
import { createManualClock } from '../../test/rapidpro-simulator';

export const send: Scenario = {
  name: 'send',
  describe: 'RapidPro calls per delivered message, 1,000 distinct texts with late statuses, against a model of CHT',
  async run(ctx: Context): Promise<Row[]> {
    const n = ctx.options.messages;
    const maxDeliveredMs = ctx.options.maxDeliveredSeconds * 1000;
    const workload = distinctMessages(n, 'Send');
    const simOptions = { throttle: NO_THROTTLE, messageCreationDelayMs: 1000, ...lateDelivery(maxDeliveredMs) };

    const storeRss = rssSampler(ctx.store.process.pid);
    const sim = await startSimulator(simOptions);
    const db = await freshDb(ctx.store, 'send');
    await pointAtSimulator(db, sim, { poll_interval_seconds: ctx.options.pollSeconds });
    const sentinel = await spawnSentinel(ctx.store, db, 'send');
    let ours: { calls: number; posts: number; gets: number; other: number; delivered: number; allSentS: number; allDeliveredS: number };
    try {
      progress(`send: sentinel pid ${sentinel.pid}; writing ${n} pending messages`);
      const t0 = Date.now();
      await writeDocs(db, onePerDoc(workload));
      const deadline = 60000 + n * 200 + maxDeliveredMs + ctx.options.pollSeconds * 3000;
      await waitFor(() => (sim.broadcasts().length >= n ? true : undefined), { timeoutMs: deadline, intervalMs: 200, what: `${n} broadcasts` });
      const allSentS = (Date.now() - t0) / 1000;
      progress(`send: ${n} broadcasts in ${fmt(allSentS, 1)} s; waiting for every delivery report to reach the documents`);
      await waitFor(() => (sim.messages().filter((m) => m.status === 'delivered').length >= n ? true : undefined), {
        timeoutMs: deadline,
        intervalMs: 500,
        what: 'RapidPro to deliver everything',
      });
      await waitForState(db, 'delivered', n, deadline);
      const allDeliveredS = (Date.now() - t0) / 1000;
      ctx.peaks.push({ scenario: 'send', part: 'sentinel', peakKb: sentinel.peakKb() });
      ctx.peaks.push({ scenario: 'send', part: 'store', peakKb: storeRss.stop() });
      await sentinel.stop();
      const log = sim.requests();
      ours = {
        calls: log.length,
        posts: log.filter((r) => r.method === 'POST').length,
        gets: log.filter((r) => r.method === 'GET' && r.path.endsWith('/messages.json')).length,
        other: log.filter((r) => !(r.method === 'POST' || (r.method === 'GET' && r.path.endsWith('/messages.json')))).length,
        delivered: await countInState(db, 'delivered'),
        allSentS,
        allDeliveredS,
      };
      progress(`send: ${ours.calls} calls (${ours.posts} POST, ${ours.gets} GET messages, ${ours.other} other) for ${ours.delivered} delivered in ${fmt(allDeliveredS)} s; sentinel peak RSS ${fmt(mb(sentinel.peakKb()))} MB`);
    } finally {
      await sentinel.stop();
      await sim.close();
      await db.drop();
    }

    progress(`send: CHT model on the same workload (virtual time)`);
    const clock = createManualClock({ startMs: Date.now() });
    const chtSim = await startSimulator({ ...simOptions, clock });
    let cht;
    try {
      cht = await runChtModel({ baseUrl: chtSim.url, token: SIM_TOKEN, clock, messages: workload });
      cht = { ...cht, calls: chtSim.requests().length };
    } finally {
      await chtSim.close();
    }
    progress(`send: CHT model: ${cht.calls} calls (${cht.posts} POST, ${cht.gets} GET) for ${cht.delivered} delivered over ${cht.ticks} one-minute ticks`);

    const perMessage = ours.calls / Math.max(1, ours.delivered);
    const chtPerMessage = cht.calls / Math.max(1, cht.delivered);
    return [
      {
        scenario: 'send',
        figure: `RapidPro calls per delivered message (${fmt(n)} distinct texts)`,
        value: `${fmt(perMessage, 3)} (${fmt(ours.calls)} calls: ${fmt(ours.posts)} POST, ${fmt(ours.gets)} GET, ${ours.other} other; ${fmt(ours.delivered)} delivered)`,
        reference: `CHT ${fmt(chtPerMessage, 2)} (${fmt(cht.calls)} calls) → ${fmt((perMessage / chtPerMessage) * 100)} % of CHT`,
        target: '≤ 1.05',
        met: perMessage <= 1.05 && ours.delivered === n,
        notes:
          `sentinel as a child process (dist/sentinel/src/main.js, default options, poll_interval_seconds ${ctx.options.pollSeconds}, requests_per_hour 2500); ` +
          `simulator: messages created 1 s after the broadcast, wired 1 s, sent 3 s, delivered 5–${ctx.options.maxDeliveredSeconds} s later by the number's last digit, no throttle; ` +
          `every logged request counts (the workspace lookup too); all ${fmt(n)} sent in ${fmt(ours.allSentS, 1)} s, all delivered in the documents after ${fmt(ours.allDeliveredS)} s. ` +
          `CHT model: fresh simulator on a manual clock, each one-minute tick polls every non-final message with its own GET, then sends ≤${CHT_SENDS_PER_TICK} (one broadcast each); ${cht.ticks} ticks`,
        data: {
          calls: ours.calls,
          posts: ours.posts,
          gets: ours.gets,
          other: ours.other,
          delivered: ours.delivered,
          per_message: perMessage,
          all_sent_s: ours.allSentS,
          all_delivered_s: ours.allDeliveredS,
          cht_calls: cht.calls,
          cht_posts: cht.posts,
          cht_gets: cht.gets,
          cht_delivered: cht.delivered,
          cht_ticks: cht.ticks,
          cht_per_message: chtPerMessage,
          ratio_to_cht: perMessage / chtPerMessage,
        },
      },
    ];
  },
};
