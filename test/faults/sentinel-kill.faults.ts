/**
 * kill -9 of the real sentinel process, 20 times while it sends 500 messages through the RapidPro
 * simulator (in this process, over a real socket): a new sentinel takes the lease over from the
 * dead one each time, and in the end every message is delivered, RapidPro received each (URN,
 * text) exactly once, and every task's history adds up.
 */
import { expect } from 'chai';
import { RapidProSimulator } from '../rapidpro-simulator';
import { eventually } from '../helpers/http';
import {
  atMostEvery,
  checkOutgoing,
  Connection,
  countInState,
  faultsSeed,
  PendingMessage,
  processSet,
  randomSecret,
  seededRandom,
  SendingRig,
  ServiceProcess,
  startSendingRig,
  StoreProcess,
} from '../helpers/processes';

const KILLS = 20;
const MESSAGES = 500;

describe('faults: kill -9 of the sentinel while it sends', function () {
  this.timeout(300000);
  const procs = processSet();
  const seed = faultsSeed();
  const random = seededRandom(seed);
  const rpToken = randomSecret('rp-token');
  let sim: RapidProSimulator;
  let store: StoreProcess;
  let conn: Connection;
  let messages: PendingMessage[];
  let sentinel: ServiceProcess;
  const takeoverMs: number[] = [];
  let rig: SendingRig;

  before(async () => {
    rig = await startSendingRig(procs, { token: rpToken, workspaceName: 'Faults', pending: { count: MESSAGES, multiDocs: 4, tasksPerDoc: 50, label: 'kill' } });
    ({ sim, store, conn, messages } = rig);
  });

  after(async () => {
    await procs.stopAll();
    await sim?.close();
  });

  it(`keeps sending while it is killed ${KILLS} times; each new sentinel takes the lease over`, async () => {
    console.log(`      seed ${seed} (FAULTS_SEED=${seed} replays the kill schedule)`);
    sentinel = await procs.startSentinel({ couchUrl: store.couchUrl() });
    for (let kill = 1; kill <= KILLS; kill++) {
      const before = rig.created();
      const after = 1 + Math.floor(random() * 10);
      // The new sentinel has taken over once RapidPro sees a broadcast from it.
      await eventually(() => (rig.created() > before ? true : undefined), 120000, `${sentinel.name} to send (kill ${kill})`);
      takeoverMs.push(Date.now() - sentinel.readyAt);
      await eventually(() => (rig.created() >= before + after ? true : undefined), 120000, `${after} broadcasts from ${sentinel.name}`);
      // The random moment: anywhere in the send cycle after the last broadcast (the only sleep here).
      await new Promise((r) => setTimeout(r, Math.floor(random() * 60)));
      const exit = await sentinel.kill9();
      expect(exit.signal).to.equal('SIGKILL');
      sentinel = await procs.startSentinel({ couchUrl: store.couchUrl() });
    }
    const delivered = await countInState(conn.db, messages, 'delivered');
    console.log(`      ${KILLS} kills done after ${sim.broadcasts().length} broadcasts; ${delivered} delivered so far; lease taken over by the new sentinel in ${Math.min(...takeoverMs)}-${Math.max(...takeoverMs)} ms (to its first broadcast)`);
    expect(delivered, 'the kills came while messages were still being sent').to.be.below(MESSAGES);
  });

  it('then delivers every message', async () => {
    const allDelivered = atMostEvery(1000, async () => ((await countInState(conn.db, messages, 'delivered')) === MESSAGES ? true : undefined));
    await eventually(allDelivered, 170000, `all ${MESSAGES} messages to be delivered`);
    // Each successor saw its predecessor's pid gone and took over at once, not after the 15 s TTL.
    const successors = procs.list().filter((p) => p.part === 'sentinel').slice(1);
    expect(successors).to.have.length(KILLS);
    for (const s of successors) {
      expect(s.output(), s.name).to.match(/Took over the sender lease: its holder \(pid \d+ on this host\) is no longer running/);
    }
  });

  it('RapidPro received each (URN, text) exactly once, and every task history adds up', async () => {
    const check = await checkOutgoing(conn.db, sim.broadcasts(), messages);
    console.log(
      `      figures: kills ${KILLS}, messages ${check.messages}, broadcasts ${sim.broadcasts().length}, duplicates ${check.duplicates}, lost ${check.lost}, states ${JSON.stringify(check.states)}`,
    );
    expect(check.unreadable).to.deep.equal([]);
    expect(check.duplicates, 'duplicates').to.equal(0);
    expect(check.lost, 'lost').to.equal(0);
    expect(check.strangers).to.equal(0);
    expect(check.states).to.deep.equal({ delivered: MESSAGES });
    expect(check.inconsistent).to.deep.equal([]);
    const found = procs.list().filter((p) => p.output().includes('Found the unanswered broadcast')).length;
    const notFound = procs.list().filter((p) => p.output().includes('RapidPro has no broadcast for an unanswered attempt')).length;
    console.log(`      sentinels that settled a send cut by a kill: ${found} found it in RapidPro, ${notFound} established it was never created`);
  });

  it('writes no secret to any process output', async () => {
    await sentinel.terminate();
    expect(procs.leaks([store.adminPassword, store.serverSecret, rpToken])).to.deep.equal([]);
  });
});
