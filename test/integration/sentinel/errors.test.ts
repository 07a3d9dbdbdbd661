import { expect } from 'chai';
import type { FaultSpec } from '../../rapidpro-simulator';
import { eventually } from '../../helpers/http';
import { describeEarlyCall, earlyCalls } from '../../helpers/rapidpro-log';
import { SentinelHarness, startSentinelHarness } from '../../helpers/sentinel';

const BROADCASTS = '/api/v2/broadcasts.json';
const posts = (h: SentinelHarness) => h.sim.requests().filter((r) => r.method === 'POST' && r.path === BROADCASTS);

/** Resolves after the sentinel has finished `n` more status checks. */
function polls(h: SentinelHarness, n: number): Promise<void> {
  return new Promise((resolve) => {
    let seen = 0;
    const on = () => {
      if (++seen >= n) {
        h.sentinel.events.off('poll', on);
        resolve();
      }
    };
    h.sentinel.events.on('poll', on);
  });
}

describe('sentinel: each class of RapidPro error', function () {
  this.timeout(30000);
  let h: SentinelHarness;
  afterEach(async () => {
    await h?.close();
  });

  describe('400: RapidPro refuses the message', () => {
    beforeEach(async () => {
      h = await startSentinelHarness();
    });

    it('fails it with RapidPro\'s reason in state_details, and never sends it again', async () => {
      const { docId, uuids } = await h.addPending([{ to: '12', text: 'no country code' }]);
      const task = await h.waitForState(docId, uuids[0], 'failed');
      expect(task.state_details).to.equal('Failed: RapidPro refused it: urns.0: Invalid URN: tel:12. Ensure phone numbers contain country codes.');
      await polls(h, 3);
      expect(posts(h)).to.have.length(1);
    });

    it('fails only the refused recipient of a batch; the others go in the next broadcast', async () => {
      const { docId, uuids } = await h.addPending([
        { to: '+254712000001', text: 'same text for all' },
        { to: '999', text: 'same text for all' },
        { to: '+254712000003', text: 'same text for all' },
      ]);
      await h.waitForState(docId, uuids[0], 'delivered');
      await h.waitForState(docId, uuids[2], 'delivered');
      const bad = await h.waitForState(docId, uuids[1], 'failed');
      expect(bad.state_details).to.match(/Invalid URN: tel:999/);
      expect(posts(h).map((p) => [...(p.body as { urns: string[] }).urns].sort())).to.deep.equal([
        ['tel:+254712000001', 'tel:+254712000003', 'tel:999'],
        ['tel:+254712000001', 'tel:+254712000003'],
      ]);
      expect(h.sim.broadcasts()).to.have.length(1);
    });
  });

  describe('401/403: the token is refused', () => {
    beforeEach(async () => {
      h = await startSentinelHarness({ start: false });
      await h.vault.set('rapidpro:outgoing', 'wrong-token');
      await h.sentinel.start();
    });

    it('stops sending, keeps the message waiting, tells the operator, and resumes when the token is fixed', async () => {
      const { docId, uuids } = await h.addPending([{ to: '+254712345678', text: 'after the token is fixed' }]);
      const reason = await eventually(() => h.sentinel.status().idle_reason?.match(/refused the API token/) ? h.sentinel.status().idle_reason : undefined);
      expect(reason).to.match(/PUT \/api\/v1\/credentials\/rapidpro:outgoing/);
      const calls = h.sim.requests().length;
      await new Promise((r) => setTimeout(r, 600));
      expect(h.sim.requests().length, 'no more calls with a refused token').to.equal(calls);
      expect((await h.task(docId, uuids[0]))?.state).to.equal('pending');
      expect(h.db.logs.text()).to.not.include('wrong-token');
      await h.vault.set('rapidpro:outgoing', 'sim-token');
      await h.waitForState(docId, uuids[0], 'delivered');
    });
  });

  describe('404: the URL is wrong', () => {
    beforeEach(async () => {
      h = await startSentinelHarness();
      await h.setRapidPro({ url: `${h.sim.url}/wrong-prefix` });
    });

    it('keeps the message waiting, says so, and sends once the URL is fixed', async () => {
      const { docId, uuids } = await h.addPending([{ to: '+254712345678', text: 'after the URL is fixed' }]);
      await eventually(() => (h.sentinel.status().idle_reason?.includes('404') ? true : undefined));
      expect((await h.task(docId, uuids[0]))?.state).to.equal('pending');
      await h.setRapidPro({ url: h.sim.url });
      await h.waitForState(docId, uuids[0], 'delivered');
      expect(h.sim.broadcasts()).to.have.length(1);
    });
  });

  describe('429: over RapidPro\'s rate limit', () => {
    beforeEach(async () => {
      h = await startSentinelHarness({ sim: { throttle: { rates: { 'v2.broadcasts': 2, v2: 100 }, windowMs: 2000 } } });
    });

    it('makes no call before Retry-After has passed, and sends everything once', async () => {
      const docs = await Promise.all([1, 2, 3, 4, 5].map((i) => h.addPending([{ to: `+25471200000${i}`, text: `throttled ${i}` }])));
      for (const d of docs) {
        await h.waitForState(d.docId, d.uuids[0], 'delivered', 20000);
      }
      const log = h.sim.requests();
      const throttled = log.filter((r) => r.status === 429);
      expect(throttled.length).to.be.at.least(1);
      for (const t of throttled) {
        expect(log.some((r) => r.realTimeMs > t.realTimeMs && r.path === t.path), 'a send after the 429').to.equal(true);
      }
      // A poll the other loop already had under way when the 429 came back is not a retry.
      const { early, inFlight } = earlyCalls(log);
      expect(early.map(describeEarlyCall), 'calls before Retry-After had passed').to.deep.equal([]);
      expect(inFlight.length, 'calls already under way when a 429 came back').to.be.at.most(throttled.length);
      expect(h.sim.broadcasts()).to.have.length(5);
    });
  });

  describe('RapidPro down, slow or answering garbage', () => {
    beforeEach(async () => {
      // A 1 s request timeout, so a hang becomes a timeout within the test.
      h = await startSentinelHarness({ rapidpro: { request_timeout_seconds: 1 } });
    });

    const once = async (fault: FaultSpec, expectReconcile: boolean) => {
      h.sim.injectFaults([{ method: 'POST', path: BROADCASTS, times: 1, ...fault }]);
      const { docId, uuids } = await h.addPending([{ to: '+254712345678', text: `fault ${fault.kind} ${fault.phase ?? 'before'}` }]);
      const task = await h.waitForState(docId, uuids[0], 'delivered', 20000);
      expect(h.sim.broadcasts(), 'exactly one broadcast').to.have.length(1);
      expect(task.gateway_ref).to.equal(h.sim.broadcasts()[0].id);
      const listed = h.sim.requests().some((r) => r.method === 'GET' && r.path === BROADCASTS);
      expect(listed, 'checked RapidPro before sending again').to.equal(expectReconcile);
      return task;
    };

    it('500 before RapidPro acts: sends again after a pause, once', async () => {
      await once({ kind: 'status', status: 500, phase: 'before' }, true);
      expect(posts(h)).to.have.length(2);
    });

    it('500 after RapidPro created the broadcast: finds it, and never sends it twice', async () => {
      await once({ kind: 'status', status: 500, phase: 'after' }, true);
      expect(posts(h)).to.have.length(1);
    });

    it('503 after: the same', async () => {
      await once({ kind: 'status', status: 503, phase: 'after' }, true);
      expect(posts(h)).to.have.length(1);
    });

    it('a hang past the timeout after RapidPro acted: finds it, once', async () => {
      await once({ kind: 'hang', phase: 'after' }, true);
      expect(posts(h)).to.have.length(1);
    });

    it('a dropped connection after RapidPro acted: finds it, once', async () => {
      await once({ kind: 'drop', phase: 'after' }, true);
      expect(posts(h)).to.have.length(1);
    });

    it('an empty 200 before RapidPro acted: never marks it sent, sends it again once', async () => {
      h.sim.injectFaults([{ kind: 'empty', phase: 'before', method: 'POST', path: BROADCASTS, times: 1 }]);
      const { docId, uuids } = await h.addPending([{ to: '+254712345678', text: 'empty answer' }]);
      // Once the sentinel has dealt with the empty answer (it says so), the message must still be waiting.
      await eventually(() => (h.db.logs.lines().some((l) => l.includes('No clear answer from RapidPro')) ? true : undefined));
      expect((await h.task(docId, uuids[0]))?.state, 'not marked as received on an empty answer').to.equal('pending');
      expect(posts(h), 'not sent again before it was checked').to.have.length(1);
      await h.waitForState(docId, uuids[0], 'delivered', 20000);
      expect(posts(h)).to.have.length(2);
      expect(h.sim.broadcasts()).to.have.length(1);
    });

    it('an HTML 200 after RapidPro acted: finds it, once', async () => {
      await once({ kind: 'html', phase: 'after' }, true);
      expect(posts(h)).to.have.length(1);
    });

    it('a message whose send is being settled does not hold up new ones', async () => {
      h.sim.injectFaults([{ kind: 'hang', phase: 'after', method: 'POST', path: BROADCASTS, times: 1 }]);
      const stuck = await h.addPending([{ to: '+254712345601', text: 'answer lost' }]);
      await eventually(() => h.sim.requests().find((r) => r.fault?.kind === 'hang'));
      const fresh = await h.addPending([{ to: '+254712345602', text: 'written later' }]);
      const freshPost = await eventually(() => posts(h).find((r) => JSON.stringify(r.body).includes('+254712345602')), 20000, 'the new message to be sent');
      const settling = h.sim.requests().filter((r) => r.method === 'GET' && r.path === BROADCASTS && r.realTimeMs <= freshPost.realTimeMs);
      expect(settling, 'the new message went before the lost answer was settled').to.deep.equal([]);
      await h.waitForState(fresh.docId, fresh.uuids[0], 'delivered', 20000);
      await h.waitForState(stuck.docId, stuck.uuids[0], 'delivered', 20000);
      expect(posts(h)).to.have.length(2);
      expect(h.sim.broadcasts()).to.have.length(2);
    });

    it('RapidPro not listening: no tight loop, and it sends once it is back', async () => {
      const url = h.sim.url;
      await h.setRapidPro({ url: 'http://127.0.0.1:9' });
      const { docId, uuids } = await h.addPending([{ to: '+254712345678', text: 'while RapidPro is down' }]);
      await new Promise((r) => setTimeout(r, 3000));
      const tries = h.db.logs.lines().filter((l) => /ECONNREFUSED/.test(l)).length;
      expect(tries, 'a handful of tries in 3 s, not a tight loop').to.be.within(1, 8);
      expect((await h.task(docId, uuids[0]))?.state).to.equal('pending');
      await h.setRapidPro({ url });
      await h.waitForState(docId, uuids[0], 'delivered', 20000);
      expect(h.sim.broadcasts()).to.have.length(1);
    });
  });
});
