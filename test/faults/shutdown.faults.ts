/**
 * SIGTERM, as a supervisor or an operator stops the service: the API under webhook load finishes
 * or fails the requests in progress without half-storing any; the sentinel stops within its grace
 * period while sending, gives its lease up, and a new sentinel sends the rest with no duplicate
 * and no loss.
 */
import http from 'node:http';
import { expect } from 'chai';
import { metaDbName } from '../../shared-libs/couch/src';
import { incomingDocId } from '../../shared-libs/messages/src';
import { BroadcastEvent, RapidProSimulator } from '../rapidpro-simulator';
import { eventually } from '../helpers/http';
import {
  ApiProcess,
  atMostEvery,
  checkOutgoing,
  checkStored,
  connect,
  Connection,
  countInState,
  faultsSeed,
  INCOMING_PATH,
  LoadReport,
  PendingMessage,
  processSet,
  randomSecret,
  seededRandom,
  SendingRig,
  ServiceProcess,
  startSendingRig,
  StoreProcess,
  TerminateResult,
  webhookLoad,
} from '../helpers/processes';

interface SlowPost {
  /** Resolves once the API has read the headers (it answered `100 Continue`). */
  inside: Promise<void>;
  /** Sends the rest of the body. */
  finish(): void;
  /** The answer, or the error when the connection was cut. */
  outcome: Promise<{ status: number; body: unknown } | { error: string }>;
}

/** A webhook post whose body arrives in two parts, the second only when `finish()` is called. */
function slowPost(url: string, token: string, id: string, content: string): SlowPost {
  const body = Buffer.from(JSON.stringify({ id, from: '+254700000001', content }));
  const half = Math.floor(body.length / 2);
  const req = http.request(url + INCOMING_PATH, {
    method: 'POST',
    agent: false,
    headers: { Authorization: `Token ${token}`, 'Content-Type': 'application/json', 'Content-Length': String(body.length), Expect: '100-continue' },
  });
  const inside = new Promise<void>((resolve) => req.once('continue', resolve));
  const outcome = new Promise<{ status: number; body: unknown } | { error: string }>((resolve) => {
    req.once('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null') as unknown }));
      res.on('error', (err) => resolve({ error: err.message }));
    });
    req.once('error', (err) => resolve({ error: err.message }));
  });
  void inside.then(() => req.write(body.subarray(0, half)));
  return { inside, finish: () => req.end(body.subarray(half)), outcome };
}

/** Far beyond both parts' own grace periods (10 s each): only a process that hangs reaches it. */
const EXIT_DEADLINE_MS = 45000;

describe('faults: SIGTERM', function () {
  this.timeout(300000);
  const procs = processSet();
  const seed = faultsSeed();
  const random = seededRandom(seed);
  const secrets: string[] = [];

  after(async () => {
    await procs.stopAll();
  });

  describe('to the API under webhook load', () => {
    const incomingToken = randomSecret('incoming');
    secrets.push(incomingToken);
    let store: StoreProcess;
    let conn: Connection;
    let api: ApiProcess;
    let report: LoadReport;

    before(async () => {
      store = await procs.startStore();
      secrets.push(store.adminPassword, store.serverSecret);
      conn = await connect(store);
      await conn.vault.set('rapidpro:incoming', incomingToken);
      api = await procs.startApi({ couchUrl: store.couchUrl() });
    });

    it('stops cleanly: requests in progress finish or fail; the clients retry to a new API', async () => {
      console.log(`      seed ${seed}`);
      const load = webhookLoad({ url: () => api.url, token: incomingToken, clients: 8, prefix: 'term' });
      let stopped: TerminateResult;
      let finishedWhileStopping: number;
      try {
        const before = load.answered() + 20 + Math.floor(random() * 60);
        await eventually(() => (load.answered() >= before ? true : undefined), 120000, 'answers before the SIGTERM');
        await new Promise((r) => setTimeout(r, Math.floor(random() * 100)));
        const atTerm = load.answered();
        stopped = await api.terminate(EXIT_DEADLINE_MS);
        finishedWhileStopping = load.answered() - atTerm;
        api = await procs.startApi({ couchUrl: store.couchUrl(), port: api.port });
        const after = load.answered() + 40;
        await eventually(() => (load.answered() >= after ? true : undefined), 120000, 'answers from the new API');
      } finally {
        report = await load.stop();
      }
      console.log(
        `      figures: the API exited ${stopped.signal ?? `with code ${stopped.code}`} ${stopped.ms} ms after SIGTERM; answered while it stopped ${finishedWhileStopping}; posts ${report.posts.length}, tries without an answer ${report.noAnswer}, answered duplicate ${report.posts.filter((p) => p.answer?.duplicate).length}, statuses ${JSON.stringify(report.statuses)}`,
      );
      expect(stopped.forced, 'it exited by itself').to.equal(false);
      expect(stopped.code).to.equal(0);
      expect(Object.keys(report.statuses), 'every answer is a 200').to.deep.equal(['200']);
    });

    it('stored every posted id exactly once, whole', async () => {
      const check = await checkStored(conn.db, report.posts);
      expect(check.missing).to.deep.equal([]);
      expect(check.duplicates).to.deep.equal([]);
      expect(check.wrong).to.deep.equal([]);
      expect(check.unexpected).to.deep.equal([]);
      expect(check.storedOnce).to.equal(report.posts.length);
    });

    it('finishes a request whose body completes during the grace period, and cuts one that never does, storing nothing of it', async () => {
      const finishing = slowPost(api.url, incomingToken, 'term-slow-finishing', 'completes after the SIGTERM');
      const hanging = slowPost(api.url, incomingToken, 'term-slow-hanging', 'never completes');
      await Promise.all([finishing.inside, hanging.inside]);
      const seen = api.output().length;
      const stopping = api.terminate(EXIT_DEADLINE_MS);
      await eventually(() => (api.output().slice(seen).includes('API stopping') ? true : undefined), 60000, 'the API to start stopping');
      finishing.finish();
      const [stopped, finished, cut] = await Promise.all([stopping, finishing.outcome, hanging.outcome]);
      console.log(`      figures: exited ${stopped.signal ?? `with code ${stopped.code}`} ${stopped.ms} ms after SIGTERM; finishing request: ${JSON.stringify(finished)}; hanging request: ${JSON.stringify(cut)}`);
      expect(stopped.forced, 'it exited by itself').to.equal(false);
      expect(stopped.code).to.equal(0);
      expect(finished).to.deep.equal({ status: 200, body: { saved: 1 } });
      expect(cut).to.have.property('error');
      expect((await conn.db.get(incomingDocId('term-slow-finishing')))?._rev).to.match(/^1-/);
      expect(await conn.db.get(incomingDocId('term-slow-hanging'))).to.equal(undefined);
    });

    after(async () => {
      await api?.terminate();
    });
  });

  describe('to the sentinel while it sends', () => {
    const MESSAGES = 300;
    const rpToken = randomSecret('rp-token');
    secrets.push(rpToken);
    let sim: RapidProSimulator;
    let store: StoreProcess;
    let conn: Connection;
    let messages: PendingMessage[];
    let next: ServiceProcess;
    let rig: SendingRig;

    before(async () => {
      rig = await startSendingRig(procs, { token: rpToken, pending: { count: MESSAGES, multiDocs: 3, tasksPerDoc: 40, label: 'term' } });
      ({ sim, store, conn, messages } = rig);
      secrets.push(store.adminPassword, store.serverSecret);
    });

    after(async () => {
      await sim?.close();
    });

    it('exits by itself within its grace period and gives the lease up', async () => {
      const first = await procs.startSentinel({ couchUrl: store.couchUrl() });
      const target = 20 + Math.floor(random() * 60);
      await eventually(() => (rig.created() >= target ? true : undefined), 120000, `${target} broadcasts`);
      await new Promise((r) => setTimeout(r, Math.floor(random() * 60)));
      const stopped = await first.terminate(EXIT_DEADLINE_MS);
      const atExit = rig.created();
      const meta = conn.couch.db(metaDbName('medic'));
      const lease = await meta.get<{ _id: string; released?: boolean }>('_local/sender-lease');
      const leftover = await meta.allDocs({ startkey: 'attempt:', endkey: 'attempt:\ufff0' });
      console.log(
        `      figures: the sentinel exited ${stopped.signal ?? `with code ${stopped.code}`} ${stopped.ms} ms after SIGTERM, after ${atExit} broadcasts; lease released ${lease?.released === true}; send attempts left open ${leftover.rows.length}`,
      );
      expect(stopped.forced, 'it exited by itself').to.equal(false);
      expect(stopped.code).to.equal(0);
      expect(lease?.released, 'the lease is given up').to.equal(true);
      expect(atExit, 'it was stopped while messages were still waiting').to.be.below(MESSAGES);
    });

    it('still exits by itself, at the end of its grace period, while RapidPro holds a broadcast unanswered', async () => {
      // A call that outlasts the grace period (10 s): RapidPro creates the broadcast, then never answers.
      await conn.settings.update({ sms: { rapidpro: { request_timeout_seconds: 12 } } }, { replace: false });
      sim.injectFaults([{ kind: 'hang', phase: 'after', method: 'POST', path: '/api/v2/broadcasts.json' }]);
      const hungBroadcast = new Promise<void>((resolve) => {
        const on = (e: BroadcastEvent) => {
          if (e.type === 'created' && sim.pendingFaults().length === 0) {
            sim.events.off('broadcast', on);
            resolve();
          }
        };
        sim.events.on('broadcast', on);
      });
      const second = await procs.startSentinel({ couchUrl: store.couchUrl() });
      await hungBroadcast;
      const stopped = await second.terminate(EXIT_DEADLINE_MS);
      const leftover = await conn.couch.db(metaDbName('medic')).allDocs({ startkey: 'attempt:', endkey: 'attempt:\ufff0' });
      console.log(`      figures: with a call in flight, the sentinel exited ${stopped.signal ?? `with code ${stopped.code}`} ${stopped.ms} ms after SIGTERM; send attempts left open ${leftover.rows.length}`);
      expect(stopped.forced, 'it exited by itself').to.equal(false);
      expect(stopped.code).to.equal(0);
      expect(leftover.rows, 'the unanswered broadcast is on record').to.have.length(1);
      await conn.settings.update({ sms: { rapidpro: { request_timeout_seconds: 3 } } }, { replace: false });
    });

    it('a new sentinel sends the rest: every message delivered, none twice', async () => {
      next = await procs.startSentinel({ couchUrl: store.couchUrl() });
      const allDelivered = atMostEvery(1000, async () => ((await countInState(conn.db, messages, 'delivered')) === MESSAGES ? true : undefined));
      await eventually(allDelivered, 170000, `all ${MESSAGES} messages to be delivered`);
      const check = await checkOutgoing(conn.db, sim.broadcasts(), messages);
      console.log(`      figures: messages ${check.messages}, broadcasts ${sim.broadcasts().length}, duplicates ${check.duplicates}, lost ${check.lost}, states ${JSON.stringify(check.states)}`);
      expect(check.unreadable).to.deep.equal([]);
      expect(check.duplicates, 'duplicates').to.equal(0);
      expect(check.lost, 'lost').to.equal(0);
      expect(check.strangers).to.equal(0);
      expect(check.states).to.deep.equal({ delivered: MESSAGES });
      expect(check.inconsistent).to.deep.equal([]);
      const stopped = await next.terminate(EXIT_DEADLINE_MS);
      expect(stopped.code).to.equal(0);
    });
  });

  describe('afterwards', () => {
    it('no process wrote a secret to its output', () => {
      expect(procs.leaks(secrets)).to.deep.equal([]);
    });
  });
});
