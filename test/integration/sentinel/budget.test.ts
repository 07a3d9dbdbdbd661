/**
 * The hourly request budget, lived through on a clock 360 times faster than real time (an hour in
 * ten seconds), so that windows really slide. Only the clock is changed: the sentinel's own code
 * counts, waits and persists its budget as it does in production.
 */
import { expect } from 'chai';
import { createScaledClock } from '../../../sentinel/src/clock';
import { eventually } from '../../helpers/http';
import { SentinelHarness, startSentinelHarness } from '../../helpers/sentinel';
import { describeEarlyCall, earlyCalls, maxInWindow } from '../../helpers/rapidpro-log';

const SCALE = 360;
const HOUR_MS = 3600 * 1000;
const REAL_HOUR_MS = HOUR_MS / SCALE;
const LIMIT = 20;

describe('sentinel: the hourly request budget', function () {
  this.timeout(90000);
  let h: SentinelHarness;
  afterEach(async () => {
    await h.close();
  });

  it('never makes more than requests_per_hour calls in any sliding hour, sends first, also across a restart', async () => {
    const clock = createScaledClock({ scale: SCALE });
    const minute = 60 * 1000;
    h = await startSentinelHarness({
      clock,
      rapidpro: { requests_per_hour: LIMIT, poll_interval_seconds: 60 },
      // The budget counts a call before it is made; the margin on its hour covers the time until
      // RapidPro sees it (10 s in production). At 360× the real time in transit (CouchDB writes, then
      // the request, on a loaded machine) is many simulated seconds: 216 s here is 600 real ms.
      budget: { windowMs: HOUR_MS + 216 * 1000 },
      // Timings in simulated time: renewing the lease every simulated second would be 360 writes a second.
      options: { leaseTtlMs: 20 * minute, leaseRenewMs: minute, heartbeatMs: minute, idleRecheckMs: minute, sweepIntervalMs: 60 * minute, stopGraceMs: minute },
      start: false,
    });
    const docs = await Promise.all(Array.from({ length: 60 }, (_, i) => h.addPending([{ to: `+2547160000${String(i).padStart(2, '0')}`, text: `budgeted ${i}` }])));
    const started = clock.now();
    await h.sentinel.start();

    await eventually(() => (clock.now() - started > 1.1 * HOUR_MS ? true : undefined), 30000, 'a simulated hour to pass');
    const firstHour = h.sim.requests().filter((r) => r.realTimeMs - h.sim.requests()[0].realTimeMs < REAL_HOUR_MS);
    expect(firstHour.filter((r) => r.method === 'POST').length, 'sends come before polls').to.be.at.least(LIMIT - 2);
    await h.sentinel.stop();
    // A new process starts with the budget already spent in this hour, read back from CouchDB.
    await h.startAnother();
    await eventually(() => (clock.now() - started > 2.3 * HOUR_MS ? true : undefined), 30000, 'more simulated time to pass');

    const log = h.sim.requests();
    expect(maxInWindow(log.map((r) => r.realTimeMs), REAL_HOUR_MS), 'calls in the busiest sliding hour').to.be.at.most(LIMIT);
    expect(log.length, 'it keeps using the budget as the window slides').to.be.at.least(2 * LIMIT);
    // The operator is told when sending stops for the budget, at most once a minute: not on every check (~140 here).
    const told = h.db.logs.lines().filter((l) => /Not sending for about .*: the hourly request budget \(sms\.rapidpro\.requests_per_hour = 20\) is used up/.test(l));
    expect(told.length, told.join('\n')).to.be.within(1, 10);
    // Deliveries are seen by polls, which get few slots while messages wait: allow for the next one.
    await eventually(
      async () => ((await Promise.all(docs.map((d) => h.task(d.docId, d.uuids[0])))).filter((t) => t?.state === 'delivered').length >= LIMIT ? true : undefined),
      30000,
      `at least ${LIMIT} messages to be delivered`,
    );
  });

  it('a Retry-After from RapidPro holds for the next sentinel too', async () => {
    h = await startSentinelHarness({ sim: { throttle: { rates: { 'v2.broadcasts': 1 }, windowMs: 4000 } } });
    const a = await h.addPending([{ to: '+254712000001', text: 'first of two' }]);
    const b = await h.addPending([{ to: '+254712000002', text: 'second of two' }]);
    const throttled = await eventually(() => h.sim.requests().find((r) => r.status === 429));
    await h.sentinel.stop();
    await h.startAnother();
    await h.waitForState(a.docId, a.uuids[0], 'delivered', 20000);
    await h.waitForState(b.docId, b.uuids[0], 'delivered', 20000);
    const log = h.sim.requests();
    expect(log.filter((r) => r.realTimeMs > throttled.realTimeMs).length).to.be.at.least(1);
    // Only a poll the first sentinel already had under way may arrive inside the wait.
    expect(earlyCalls(log).early.map(describeEarlyCall), 'calls before Retry-After had passed').to.deep.equal([]);
    expect(h.sim.broadcasts()).to.have.length(2);
  });
});
