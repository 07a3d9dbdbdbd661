import { expect } from 'chai';
import { eventually } from '../../helpers/http';
import { SentinelHarness, SIM_TOKEN, startSentinelHarness } from '../../helpers/sentinel';
import type { PollReport } from '../../../sentinel/src/tracker';
import { createRapidProSimulator, RapidProSimulator } from '../../rapidpro-simulator';

const MESSAGES = '/api/v2/messages.json';
/** Messages that RapidPro hands to the network and then hear nothing more of: followed for good. */
const STAYS_WIRED = { progression: [{ status: 'wired' as const, afterMs: 30 }] };

/** The next `count` poll reports, from the moment of the call. */
function nextPolls(h: SentinelHarness, count: number, timeoutMs = 15000): Promise<PollReport[]> {
  return new Promise((resolve, reject) => {
    const reports: PollReport[] = [];
    const timer = setTimeout(() => {
      h.sentinel.events.off('poll', onPoll);
      reject(new Error(`only ${reports.length} of ${count} poll cycles within ${timeoutMs} ms`));
    }, timeoutMs);
    const onPoll = (report: PollReport) => {
      reports.push(report);
      if (reports.length === count) {
        clearTimeout(timer);
        h.sentinel.events.off('poll', onPoll);
        resolve(reports);
      }
    };
    h.sentinel.events.on('poll', onPoll);
  });
}

function pollCalls(sim: RapidProSimulator): number {
  return sim.requests().filter((r) => r.method === 'GET' && r.path === MESSAGES).length;
}

describe('sentinel: status tracking that costs little', function () {
  this.timeout(60000);
  let h: SentinelHarness;
  const others: RapidProSimulator[] = [];
  afterEach(async () => {
    await h.close();
    for (const sim of others.splice(0)) {
      await sim.close();
    }
  });

  it('follows 300 messages with ⌈300 / 250⌉ sweep calls per cycle, not one per message', async () => {
    h = await startSentinelHarness({ sim: STAYS_WIRED });
    // Three texts of 100 recipients each: three broadcasts, so the test spends its time on tracking.
    const docs = await Promise.all(
      [0, 1, 2].map((d) => h.addPending(Array.from({ length: 100 }, (_, i) => ({ to: `+2547120${d}${String(i).padStart(4, '0')}`, text: `text ${d}` })))),
    );
    await eventually(async () => {
      const tasks = await h.tasks(docs.map((d) => d.docId));
      return tasks.every((t) => t.state === 'forwarded-by-gateway') || undefined;
    }, 40000, 'all 300 messages to be with the network');
    const before = pollCalls(h.sim);
    const reports = await nextPolls(h, 3);
    for (const report of reports) {
      expect(report.strategy).to.equal('sweep');
      expect(report.followed).to.equal(300);
      expect(report.calls).to.be.at.most(Math.ceil(300 / 250) + 2);
    }
    // The reports count what RapidPro saw (the cycle in progress at the start may add its calls).
    expect(pollCalls(h.sim) - before).to.be.at.most(reports.reduce((n, r) => n + r.calls, 0) + 4);
    const sweeps = h.sim.requests().filter((r) => r.path === MESSAGES);
    expect(sweeps.every((r) => r.query.after !== undefined || r.query.cursor !== undefined), 'every poll is a sweep page').to.equal(true);
  });

  it('asks per broadcast instead when RapidPro has much other traffic in the window', async () => {
    h = await startSentinelHarness({ sim: STAYS_WIRED });
    const a = await h.addPending([{ to: '+254712000001', text: 'first' }]);
    const b = await h.addPending([{ to: '+254712000002', text: 'second' }]);
    await h.waitForState(a.docId, a.uuids[0], 'forwarded-by-gateway');
    await h.waitForState(b.docId, b.uuids[0], 'forwarded-by-gateway');
    h.sim.addMessages({ count: 2000 });
    // One sweep sees how busy the window is; from then on two broadcasts cost two calls a cycle.
    const reports = await nextPolls(h, 4);
    const last = reports[reports.length - 1];
    expect(last.strategy).to.equal('per-broadcast');
    expect(last.calls).to.equal(2);
    const ids = h.sim.broadcasts().map((br) => String(br.id));
    const perBroadcast = h.sim.requests().filter((r) => r.path === MESSAGES && r.query.broadcast !== undefined);
    expect(perBroadcast.map((r) => r.query.broadcast)).to.include.members(ids);
  });

  it('stops following a message after tracking_max_age_hours and says so', async () => {
    h = await startSentinelHarness({ sim: STAYS_WIRED });
    const { docId, uuids } = await h.addPending([{ to: '+254712345678', text: 'never hears back' }]);
    // Followed long enough to see `wired`; then the age limit (3.6 s) is lowered under it.
    await h.waitForState(docId, uuids[0], 'forwarded-by-gateway');
    await h.setRapidPro({ tracking_max_age_hours: 0.001 });
    const task = await h.waitForState(docId, uuids[0], (t) => /no longer followed/.test(String(t.state_details ?? '')), 20000);
    expect(task.state).to.equal('forwarded-by-gateway');
    expect(task.state_details).to.equal('No final status from RapidPro within 0 hours; no longer followed');
    expect(task.rapidpro?.tracking_stopped_at).to.be.a('string');
    const [report] = await nextPolls(h, 1);
    expect(report.followed).to.equal(0);
    expect(report.calls).to.equal(0);
  });

  it('never polls a message against another RapidPro host, and reports it stranded', async () => {
    h = await startSentinelHarness({ sim: STAYS_WIRED });
    const old = await h.addPending([{ to: '+254712345678', text: 'sent through the old host' }]);
    await h.waitForState(old.docId, old.uuids[0], 'forwarded-by-gateway');
    const other = createRapidProSimulator({ messageCreationDelayMs: 20, progression: [{ status: 'delivered', afterMs: 50 }] });
    others.push(other);
    await other.listen(0);
    await h.setRapidPro({ url: other.url });

    const fresh = await h.addPending([{ to: '+254712345679', text: 'sent through the new host' }]);
    await h.waitForState(fresh.docId, fresh.uuids[0], 'delivered');
    const status = await eventually(() => (h.sentinel.status().stranded?.length ? h.sentinel.status() : undefined));
    expect(status.stranded).to.deep.equal([{ url: h.sim.url, account: (await h.task(old.docId, old.uuids[0]))?.rapidpro?.account ?? null, messages: 1 }]);
    const asked = pollCalls(h.sim);
    await nextPolls(h, 2);
    expect(pollCalls(h.sim), 'the old host is not asked any more').to.equal(asked);
    expect(other.broadcasts().map((br) => String(Object.values(br.text)[0]))).to.deep.equal(['sent through the new host']);
    expect((await h.task(old.docId, old.uuids[0]))?.state).to.equal('forwarded-by-gateway');
  });

  it('a token for another workspace on the same host strands what the old one sent', async () => {
    h = await startSentinelHarness({
      sim: { ...STAYS_WIRED, workspaces: [{ token: SIM_TOKEN, name: 'Ministry' }, { token: 'other-token', name: 'NGO' }] },
    });
    const old = await h.addPending([{ to: '+254712345678', text: 'sent by the first workspace' }]);
    const before = await h.waitForState(old.docId, old.uuids[0], 'forwarded-by-gateway');
    await h.vault.set('rapidpro:outgoing', 'other-token');
    const status = await eventually(() => (h.sentinel.status().stranded?.length ? h.sentinel.status() : undefined));
    expect(status.stranded).to.deep.equal([{ url: h.sim.url, account: before.rapidpro?.account ?? null, messages: 1 }]);
    const polledWithNewToken = h.sim.requests().filter((r) => r.path === MESSAGES && r.headers.authorization === 'Token other-token');
    expect(polledWithNewToken.every((r) => r.workspace === 'NGO')).to.equal(true);
  });

  it('a new token for the same workspace keeps following what the old one sent', async () => {
    h = await startSentinelHarness({ sim: { ...STAYS_WIRED, workspaces: [{ token: SIM_TOKEN, extraTokens: ['rotated-token'] }] } });
    const { docId, uuids } = await h.addPending([{ to: '+254712345678', text: 'survives a token rotation' }]);
    await h.waitForState(docId, uuids[0], 'forwarded-by-gateway');
    await h.vault.set('rapidpro:outgoing', 'rotated-token');
    await eventually(() => h.sim.requests().some((r) => r.path === MESSAGES && r.headers.authorization === 'Token rotated-token') || undefined);
    const [message] = h.sim.messages();
    h.sim.setMessageStatus(message.id, 'delivered');
    const task = await h.waitForState(docId, uuids[0], 'delivered');
    expect(task.rapidpro?.tracking_stopped_at).to.equal(undefined);
    expect(h.sentinel.status().stranded ?? []).to.deep.equal([]);
  });
});
