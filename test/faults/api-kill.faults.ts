/**
 * kill -9 of the real API process under webhook load (8 clients posting unique ids), restarted on
 * the same port each time: every id answered `200 {"saved":1}` is stored exactly once, and every id
 * that got no answer is posted again to the new API until it is answered, and is stored once.
 */
import { expect } from 'chai';
import { eventually } from '../helpers/http';
import {
  ApiProcess,
  checkStored,
  connect,
  Connection,
  faultsSeed,
  LoadReport,
  processSet,
  randomSecret,
  seededRandom,
  StoreProcess,
  webhookLoad,
} from '../helpers/processes';

const KILLS = 10;

describe('faults: kill -9 of the API under webhook load', function () {
  this.timeout(300000);
  const procs = processSet();
  const seed = faultsSeed();
  const random = seededRandom(seed);
  const incomingToken = randomSecret('incoming');
  let store: StoreProcess;
  let conn: Connection;
  let api: ApiProcess;
  let report: LoadReport;

  before(async () => {
    store = await procs.startStore();
    conn = await connect(store);
    await conn.vault.set('rapidpro:incoming', incomingToken);
    api = await procs.startApi({ couchUrl: store.couchUrl() });
  });

  after(async () => {
    await procs.stopAll();
  });

  it(`keeps answering through ${KILLS} kills, each followed by a restart on the same port`, async () => {
    console.log(`      seed ${seed} (FAULTS_SEED=${seed} replays the kill schedule)`);
    const load = webhookLoad({ url: () => api.url, token: incomingToken, clients: 8, prefix: 'kill' });
    try {
      for (let kill = 1; kill <= KILLS; kill++) {
        const target = load.answered() + 10 + Math.floor(random() * 60);
        await eventually(() => (load.answered() >= target ? true : undefined), 120000, `${target} answered posts before kill ${kill}`);
        await new Promise((r) => setTimeout(r, Math.floor(random() * 100)));
        const exit = await api.kill9();
        expect(exit.signal).to.equal('SIGKILL');
        api = await procs.startApi({ couchUrl: store.couchUrl(), port: api.port });
      }
      const target = load.answered() + 40;
      await eventually(() => (load.answered() >= target ? true : undefined), 120000, 'more answers from the last API');
    } finally {
      report = await load.stop();
    }
    const saved = report.posts.filter((p) => p.answer?.saved === 1).length;
    const duplicates = report.posts.filter((p) => p.answer?.duplicate).length;
    const retried = report.posts.filter((p) => p.tries.length > 1).length;
    console.log(
      `      figures: kills ${KILLS}, posts ${report.posts.length}, tries without an answer ${report.noAnswer}, ids posted again ${retried}, answered saved:1 ${saved}, answered duplicate ${duplicates}, statuses ${JSON.stringify(report.statuses)}`,
    );
    expect(report.noAnswer, 'some posts were cut by a kill').to.be.above(0);
    expect(Object.keys(report.statuses), 'every answer is a 200').to.deep.equal(['200']);
    expect(report.posts.every((p) => p.answer?.saved === 1 || (p.answer?.saved === 0 && p.answer.duplicate === true))).to.equal(true);
  });

  it('stored every posted id exactly once, whole', async () => {
    const check = await checkStored(conn.db, report.posts);
    console.log(`      stored once ${check.storedOnce}, duplicates ${check.duplicates.length}, missing ${check.missing.length}, wrong ${check.wrong.length}`);
    expect(check.missing, 'missing').to.deep.equal([]);
    expect(check.duplicates, 'stored twice').to.deep.equal([]);
    expect(check.wrong, 'not what was posted').to.deep.equal([]);
    expect(check.unexpected).to.deep.equal([]);
    expect(check.storedOnce).to.equal(report.posts.length);
    // A duplicate answer is only right for an id whose earlier try got no answer.
    const firstTryDuplicates = report.posts.filter((p) => p.answer?.duplicate && p.tries.length === 1);
    expect(firstTryDuplicates.map((p) => p.id)).to.deep.equal([]);
  });

  it('writes no secret to any process output', async () => {
    await api.terminate();
    expect(procs.leaks([store.adminPassword, store.serverSecret, incomingToken])).to.deep.equal([]);
  });
});
