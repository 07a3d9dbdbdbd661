/**
 * The store process killed (kill -9) under load, then started again on the same port with the same
 * data: the API answers 503 meanwhile (never 500, never 200 for something not stored) and recovers
 * by itself; the sentinel waits and resumes, and every message is delivered exactly once.
 */
import { expect } from 'chai';
import { RapidProSimulator } from '../rapidpro-simulator';
import { eventually, request } from '../helpers/http';
import {
  ApiProcess,
  atMostEvery,
  checkOutgoing,
  checkStored,
  connect,
  Connection,
  countInState,
  faultsSeed,
  LoadReport,
  PendingMessage,
  processSet,
  randomSecret,
  seededRandom,
  SendingRig,
  ServiceProcess,
  startSendingRig,
  StoreProcess,
  webhookLoad,
} from '../helpers/processes';

describe('faults: the store process goes down and comes back', function () {
  this.timeout(300000);
  const procs = processSet();
  const seed = faultsSeed();
  const random = seededRandom(seed);
  const secrets: string[] = [];

  after(async () => {
    await procs.stopAll();
  });

  describe('under webhook load', () => {
    const incomingToken = randomSecret('incoming');
    secrets.push(incomingToken);
    let store: StoreProcess;
    let conn: Connection;
    let api: ApiProcess;
    let report: LoadReport;
    let healthWhileDown = 0;

    before(async () => {
      store = await procs.startStore();
      secrets.push(store.adminPassword, store.serverSecret);
      conn = await connect(store);
      await conn.vault.set('rapidpro:incoming', incomingToken);
      api = await procs.startApi({ couchUrl: store.couchUrl() });
    });

    it('answers 503 while the store is down, and recovers by itself when it is back on the same port', async () => {
      console.log(`      seed ${seed}`);
      const load = webhookLoad({ url: api.url, token: incomingToken, clients: 8, prefix: 'down' });
      try {
        const before = load.answered() + 20 + Math.floor(random() * 60);
        await eventually(() => (load.answered() >= before ? true : undefined), 120000, 'answers before the outage');
        await new Promise((r) => setTimeout(r, Math.floor(random() * 100)));
        await store.kill9();
        const answeredAtKill = load.answered();
        const unavailable = load.count(503) + 40;
        await eventually(() => (load.count(503) >= unavailable ? true : undefined), 120000, '503 answers while the store is down');
        healthWhileDown = (await request(api.url + '/health')).status;
        // Some ids may have been answered right at the kill; none can be answered while it is down.
        const answeredWhileDown = load.answered();
        expect(answeredWhileDown - answeredAtKill, 'ids answered 200 while the store was down').to.be.at.most(8);
        store = await procs.startStore({ dataDir: store.dataDir, port: store.port });
        const after = load.answered() + 60;
        await eventually(() => (load.answered() >= after ? true : undefined), 120000, 'the API to answer 200 again');
      } finally {
        report = await load.stop();
      }
      const saved = report.posts.filter((p) => p.answer?.saved === 1).length;
      const duplicates = report.posts.filter((p) => p.answer?.duplicate).length;
      console.log(
        `      figures: posts ${report.posts.length}, answered saved:1 ${saved}, answered duplicate (503 or no answer, yet stored) ${duplicates}, tries without an answer ${report.noAnswer}, statuses ${JSON.stringify(report.statuses)}, /health while down ${healthWhileDown}`,
      );
      expect(healthWhileDown).to.equal(503);
      expect(Object.keys(report.statuses).sort(), 'only 200 and 503').to.deep.equal(['200', '503']);
      expect(report.noAnswer, 'the API itself never stopped answering').to.equal(0);
      expect((await request(api.url + '/health')).status).to.equal(200);
    });

    it('stored every id answered 200 exactly once, and nothing half-written', async () => {
      const check = await checkStored(conn.db, report.posts);
      console.log(`      stored once ${check.storedOnce}, duplicates ${check.duplicates.length}, missing ${check.missing.length}, wrong ${check.wrong.length}`);
      expect(check.missing).to.deep.equal([]);
      expect(check.duplicates).to.deep.equal([]);
      expect(check.wrong).to.deep.equal([]);
      expect(check.unexpected).to.deep.equal([]);
      expect(check.storedOnce).to.equal(report.posts.length);
    });

    after(async () => {
      await api?.terminate();
    });
  });

  describe('while the sentinel sends', () => {
    const MESSAGES = 150;
    const rpToken = randomSecret('rp-token');
    secrets.push(rpToken);
    let sim: RapidProSimulator;
    let store: StoreProcess;
    let conn: Connection;
    let sentinel: ServiceProcess;
    let messages: PendingMessage[];
    let rig: SendingRig;
    let createdWhileDown = 0;

    before(async () => {
      rig = await startSendingRig(procs, { token: rpToken, pending: { count: MESSAGES, multiDocs: 2, tasksPerDoc: 30, label: 'down' } });
      ({ sim, store, conn, messages } = rig);
      secrets.push(store.adminPassword, store.serverSecret);
    });

    after(async () => {
      await sim?.close();
    });

    it('waits while the store is down, without exiting, and resumes when it is back', async () => {
      sentinel = await procs.startSentinel({ couchUrl: store.couchUrl() });
      const target = 15 + Math.floor(random() * 30);
      await eventually(() => (rig.created() >= target ? true : undefined), 120000, `${target} broadcasts`);
      await new Promise((r) => setTimeout(r, Math.floor(random() * 60)));
      await store.kill9();
      const atKill = rig.created();
      const seen = sentinel.output().length;
      await eventually(
        () => (/could not reach CouchDB|Could not renew the sender lease|Could not write|Cannot read the changes feed|Cannot check the sender lease/.test(sentinel.output().slice(seen)) ? true : undefined),
        120000,
        'the sentinel to notice the outage',
      );
      // The random moment to bring it back: sometimes before, sometimes after the sentinel's hold
      // on the lease has lapsed (10 s without renewal).
      const downMs = Math.floor(random() * 12000);
      await new Promise((r) => setTimeout(r, downMs));
      createdWhileDown = rig.created() - atKill;
      console.log(`      store down for ${downMs} ms after the sentinel noticed`);
      expect(sentinel.running(), 'the sentinel is still running').to.equal(true);
      store = await procs.startStore({ dataDir: store.dataDir, port: store.port });
      const back = Date.now();
      const allDelivered = atMostEvery(1000, async () => ((await countInState(conn.db, messages, 'delivered')) === MESSAGES ? true : undefined));
      await eventually(allDelivered, 170000, `all ${MESSAGES} messages to be delivered`);
      console.log(`      all delivered ${Date.now() - back} ms after the store was back`);
      expect(sentinel.running(), 'the same sentinel did it').to.equal(true);
    });

    it('delivered every message exactly once', async () => {
      const check = await checkOutgoing(conn.db, sim.broadcasts(), messages);
      console.log(
        `      figures: messages ${check.messages}, broadcasts ${sim.broadcasts().length} (${createdWhileDown} created after the kill, before the sentinel noticed), duplicates ${check.duplicates}, lost ${check.lost}, states ${JSON.stringify(check.states)}`,
      );
      expect(check.unreadable).to.deep.equal([]);
      expect(check.duplicates, 'duplicates').to.equal(0);
      expect(check.lost, 'lost').to.equal(0);
      expect(check.strangers).to.equal(0);
      expect(check.states).to.deep.equal({ delivered: MESSAGES });
      expect(check.inconsistent).to.deep.equal([]);
      await sentinel.terminate();
    });
  });

  describe('afterwards', () => {
    it('no process wrote a secret to its output', () => {
      expect(procs.leaks(secrets)).to.deep.equal([]);
    });
  });
});
