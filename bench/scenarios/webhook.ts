/**
 * webhook: RapidPro posting incoming SMS to the API (a child process, as in production) with 32
 * clients at once for 10 s. The reference is the store's own single-document insert rate
 * (POST /<db> with a similar document) from the same clients over the same time, so the figure
 * says how much the API adds on top of the database it writes to.
 */
import crypto from 'node:crypto';
import path from 'node:path';
import { progress } from '../lib/log';
import { LoadAnswer, LoadResult, runLoad } from '../lib/load';
import { cpuMs, mb, rssSampler } from '../lib/proc';
import type { Row } from '../lib/report';
import type { Context, Scenario } from '../lib/scenario';
import { ENTRY_POINTS, spawnService } from '../lib/service';
import { fmt, summarize } from '../lib/stats';
import { freshDb } from '../lib/store';
import { phone } from '../lib/workload';

const INCOMING_PATH = '/api/v2/sms/rapidpro/incoming-messages';
const WARMUP_REQUESTS = 200;

function similarDoc(n: number): Record<string, unknown> {
  return {
    type: 'data_record',
    from: phone(n % 1_000_000, 2),
    errors: [],
    tasks: [],
    fields: {},
    reported_date: Date.now(),
    sms_message: { type: 'sms_message', message: `Bench incoming message ${n}`, from: phone(n % 1_000_000, 2), gateway_ref: crypto.randomUUID() },
  };
}

/** CPU ms used since the call by each pid, and by this process (the load generator), last. */
function cpuMeter(pids: number[]): () => number[] {
  const before = pids.map((p) => cpuMs(p) ?? 0);
  const self = process.cpuUsage();
  return () => {
    const used = process.cpuUsage(self);
    return [...pids.map((p, i) => (cpuMs(p) ?? 0) - before[i]), (used.user + used.system) / 1000];
  };
}

async function docCount(ctx: Context, db: string): Promise<number> {
  const info = await ctx.store.client(db).db(db).info();
  return info.doc_count;
}

export const webhook: Scenario = {
  name: 'webhook',
  describe: 'incoming posts per second and latency at 32 concurrent clients, against the store alone',
  async run(ctx: Context): Promise<Row[]> {
    const { concurrency } = ctx.options;
    const durationMs = ctx.options.webhookSeconds * 1000;
    const storeUrl = `http://127.0.0.1:${ctx.store.port}`;

    const storeRss = rssSampler(ctx.store.process.pid);
    // Reference: the store's own insert rate.
    const refDb = await freshDb(ctx.store, 'webhook-ref');
    const refUrl = new URL(ctx.store.couchUrl(refDb.name));
    const basic = `Basic ${Buffer.from(`${decodeURIComponent(refUrl.username)}:${decodeURIComponent(refUrl.password)}`).toString('base64')}`;
    const storeRequest = (n: number) => ({
      method: 'POST',
      path: `/${refDb.name}`,
      headers: { Authorization: basic, 'Content-Type': 'application/json' },
      body: JSON.stringify(similarDoc(n)),
    });
    await runLoad({ baseUrl: storeUrl, concurrency, durationMs: 60000, maxRequests: WARMUP_REQUESTS, request: (n) => storeRequest(1_000_000 + n) });
    progress(`webhook: store reference, ${concurrency} clients for ${ctx.options.webhookSeconds} s (POST /<db>)`);
    const refCpu = cpuMeter([ctx.store.process.pid]);
    const ref = await runLoad({ baseUrl: storeUrl, concurrency, durationMs, request: storeRequest });
    const refCpuMs = refCpu();
    const refOk = ref.statuses[201] ?? 0;
    await refDb.drop();

    // The API, as its own process.
    const token = crypto.randomBytes(20).toString('hex');
    const db = await freshDb(ctx.store, 'webhook', {
      credentials: { 'rapidpro:incoming': token },
      settings: { default_country_code: 254, phone_validation: 'partial', sms: { outgoing_service: 'rapidpro' } },
    });
    const api = await spawnService({
      name: 'api',
      script: ENTRY_POINTS.api,
      env: { COUCH_URL: ctx.store.couchUrl(db.name), API_PORT: '0', LOG_LEVEL: 'info' },
      logFile: path.join(ctx.store.workDir, 'logs', 'webhook-api.log'),
    });
    const apiUrl = `http://127.0.0.1:${api.port}`;
    const runId = crypto.randomBytes(4).toString('hex');
    const post = (prefix: string) => (n: number) => ({
      method: 'POST',
      path: INCOMING_PATH,
      headers: { Authorization: `Token ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ content: `VISIT ${n} all well`, from: phone(n % 1_000_000, 3), id: `${prefix}-${runId}-${n}` }),
    });
    try {
      await runLoad({ baseUrl: apiUrl, concurrency, durationMs: 60000, maxRequests: WARMUP_REQUESTS, request: post('warmup') });
      const before = await docCount(ctx, db.name);
      progress(`webhook: API (pid ${api.pid}), ${concurrency} clients for ${ctx.options.webhookSeconds} s`);
      let saved = 0;
      let duplicateAnswers = 0;
      let otherAnswers = 0;
      const onAnswer = (_n: number, a: LoadAnswer) => {
        if (a.status === 200 && /"saved":1/.test(a.body)) {
          saved++;
        } else if (a.status === 200 && /"duplicate":true/.test(a.body)) {
          duplicateAnswers++;
        } else {
          otherAnswers++;
        }
      };
      const apiCpu = cpuMeter([ctx.store.process.pid, api.pid]);
      const res: LoadResult = await runLoad({ baseUrl: apiUrl, concurrency, durationMs, request: post('bench'), onAnswer });
      const apiCpuMs = apiCpu();
      const after = await docCount(ctx, db.name);
      ctx.peaks.push({ scenario: 'webhook', part: 'api', peakKb: api.peakKb() });
      ctx.peaks.push({ scenario: 'webhook', part: 'store', peakKb: storeRss.stop() });
      const stored = after - before;
      const errors = res.failed + otherAnswers;

      const rate = (saved / res.elapsedMs) * 1000;
      const refRate = (refOk / ref.elapsedMs) * 1000;
      const lat = summarize(res.latenciesMs);
      const refLat = summarize(ref.latenciesMs);
      const share = rate / refRate;
      const extraDocs = Math.max(0, stored - saved);
      const lost = Math.max(0, saved - stored);
      const perReq = (ms: number, count: number) => fmt(ms / Math.max(1, count), 2);
      const cpuText =
        `CPU per request: store alone ${perReq(refCpuMs[0], ref.answered)} ms (+ load generator ${perReq(refCpuMs[1], ref.answered)} ms); ` +
        `through the API: store ${perReq(apiCpuMs[0], res.answered)} ms, API ${perReq(apiCpuMs[1], res.answered)} ms, load generator ${perReq(apiCpuMs[2], res.answered)} ms`;
      progress(`webhook: ${cpuText}`);
      progress(`webhook: ${fmt(rate)}/s vs store ${fmt(refRate)}/s; p50 ${fmt(lat.p50, 1)} ms, p99 ${fmt(lat.p99, 1)} ms; ${errors} errors; ${stored} docs for ${saved} saved:1 answers; API peak RSS ${fmt(mb(api.peakKb()))} MB`);
      const notes = `API as a child process (dist/api/src/main.js, LOG_LEVEL=info) on the embedded store (its own process); ${concurrency} keep-alive clients, closed loop, ${ctx.options.webhookSeconds} s each after ${WARMUP_REQUESTS} warm-up posts; reference = POST /<db> of a similar data_record to the same store; ${cpuText}`;
      return [
        {
          scenario: 'webhook',
          figure: `incoming posts/s at ${concurrency} clients`,
          value: `${fmt(rate)}/s (${fmt(share * 100)} % of the store)`,
          reference: `store insert ${fmt(refRate)}/s`,
          target: '≥ 70 % of the store',
          met: share >= 0.7,
          notes,
          data: {
            posts_per_s: rate,
            store_inserts_per_s: refRate,
            share,
            saved,
            store_inserts: refOk,
            cpu_ms_per_insert_store_alone: refCpuMs[0] / Math.max(1, ref.answered),
            cpu_ms_per_post_store: apiCpuMs[0] / Math.max(1, res.answered),
            cpu_ms_per_post_api: apiCpuMs[1] / Math.max(1, res.answered),
            cpu_ms_per_post_loadgen: apiCpuMs[2] / Math.max(1, res.answered),
          },
        },
        {
          scenario: 'webhook',
          figure: 'latency p50 / p99',
          value: `${fmt(lat.p50, 1)} / ${fmt(lat.p99, 1)} ms`,
          reference: `store ${fmt(refLat.p50, 1)} / ${fmt(refLat.p99, 1)} ms`,
          target: 'p99 ≤ 100 ms',
          met: lat.p99 <= 100,
          notes:
            `with ${concurrency} clients each waiting for its answer, mean latency = ${concurrency} / throughput (Little's law), whatever the API does: ` +
            `a p99 of 100 ms needs a mean well under 100 ms, i.e. well over ${fmt(concurrency / 0.1)} answers/s at this concurrency; ` +
            `the store alone answered ${fmt(refRate)}/s with p99 ${fmt(refLat.p99)} ms`,
          data: { p50_ms: lat.p50, p99_ms: lat.p99, max_ms: lat.max, store_p50_ms: refLat.p50, store_p99_ms: refLat.p99 },
        },
        {
          scenario: 'webhook',
          figure: 'errors; duplicates (docs − saved:1 answers)',
          value: `${errors} errors; ${extraDocs} duplicates, ${lost} lost (${fmt(stored)} docs / ${fmt(saved)} saved:1)`,
          reference: `store: ${ref.failed + (ref.answered - refOk)} errors`,
          target: '0 errors',
          met: errors === 0 && extraDocs === 0 && lost === 0,
          data: { errors, network_failures: res.failed, non_200: otherAnswers, duplicate_answers: duplicateAnswers, docs: stored, saved, duplicates: extraDocs, lost },
        },
      ];
    } finally {
      await api.stop();
      await db.drop();
    }
  },
};
