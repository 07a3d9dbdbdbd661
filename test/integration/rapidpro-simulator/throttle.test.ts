import { expect } from 'chai';
import { createManualClock, RATE_PRESETS, SCOPE_OF, type ManualClock } from '../../rapidpro-simulator';
import { rateFor, resolveOptions, defaultOptions } from '../../rapidpro-simulator/options';
import { createThrottle, throttledDetail } from '../../rapidpro-simulator/throttle';
import { startSim, type Harness } from './helpers';

const MESSAGES = '/api/v2/messages.json';
const BROADCASTS = '/api/v2/broadcasts.json';

describe('rapidpro-simulator: throttling', () => {
  let h: Harness;
  let clock: ManualClock;

  before(async () => {
    h = await startSim();
  });
  after(() => h.close());
  beforeEach(() => {
    clock = createManualClock({ startMs: Date.UTC(2026, 4, 4, 10, 0, 0) });
    h.sim.reset({ clock, throttle: { rates: { 'v2.messages': 3 }, windowMs: 60_000 } });
  });

  it('refuses the request after N in the window with DRF\'s exact Retry-After and body', async () => {
    for (let i = 0; i < 3; i++) {
      expect((await h.api(MESSAGES)).status).to.equal(200);
      clock.advance(10_500);
    }
    // oldest at t=0, now t=31.5 s: wait = 60 - 31.5 = 28.5 -> ceil 29
    const res = await h.api(MESSAGES);
    expect(res.status).to.equal(429);
    expect(res.headers.get('retry-after')).to.equal('29');
    expect(res.json).to.deep.equal({ detail: 'Request was throttled. Expected available in 29 seconds.' });
  });

  it('records allowed requests only: refused ones do not push the window back', async () => {
    for (let i = 0; i < 3; i++) await h.api(MESSAGES);
    for (let i = 0; i < 5; i++) {
      clock.advance(10_000);
      expect((await h.api(MESSAGES)).status).to.equal(429);
    }
    clock.advance(9_999); // t = 59.999 s: the first three (t=0) are still in the window
    expect((await h.api(MESSAGES)).headers.get('retry-after')).to.equal('1');
    clock.advance(1); // t = 60 s: the three at t=0 leave the window (DRF drops times <= now - window)
    expect((await h.api(MESSAGES)).status).to.equal(200);
  });

  it('says "1 second." in the singular', async () => {
    for (let i = 0; i < 3; i++) await h.api(MESSAGES);
    clock.advance(59_200);
    const res = await h.api(MESSAGES);
    expect(res.headers.get('retry-after')).to.equal('1');
    expect(res.json).to.deep.equal({ detail: 'Request was throttled. Expected available in 1 second.' });
  });

  it('counts requests that then fail (400, 404 cursor) against the quota', async () => {
    expect((await h.api(`${MESSAGES}?id=x`)).status).to.equal(400);
    expect((await h.api(`${MESSAGES}?cursor=bad`)).status).to.equal(404);
    expect((await h.api(MESSAGES)).status).to.equal(200);
    expect((await h.api(MESSAGES)).status).to.equal(429);
  });

  it('rp9: broadcasts (v2.broadcasts) and messages (v2.messages) have separate buckets', async () => {
    h.sim.configure({ throttle: { rates: { 'v2.broadcasts': 2, 'v2.messages': 1 } } });
    expect((await h.api(MESSAGES)).status).to.equal(200);
    expect((await h.api(MESSAGES)).status).to.equal(429);
    expect((await h.api(BROADCASTS)).status).to.equal(200);
    expect((await h.post({ urns: ['tel:+254712345678'], text: 'x' })).status).to.equal(201);
    expect((await h.post({ urns: ['tel:+254712345678'], text: 'x' })).status).to.equal(429);
  });

  it('upstream: broadcasts count against v2, messages against v2.messages', async () => {
    h.sim.reset({ clock, mode: 'upstream', throttle: { rates: { v2: 2, 'v2.messages': 1, 'v2.broadcasts': 50 } } });
    expect((await h.post({ urns: ['tel:+254712345678'], text: 'x' })).status).to.equal(201);
    expect((await h.api(BROADCASTS)).status).to.equal(200);
    const third = await h.api(BROADCASTS);
    expect(third.status).to.equal(429);
    expect(third.headers.get('retry-after')).to.equal('3600');
    expect((await h.api(MESSAGES)).status).to.equal(200);
    expect((await h.api(MESSAGES)).status).to.equal(429);
  });

  it('applies per-workspace rate overrides over the global ones', async () => {
    h.sim.reset({
      clock,
      throttle: { rates: { 'v2.messages': 1 } },
      workspaces: [{ token: 'sim-token' }, { token: 'big', rates: { 'v2.messages': 3 } }],
    });
    expect((await h.api(MESSAGES, { token: 'big' })).status).to.equal(200);
    expect((await h.api(MESSAGES, { token: 'big' })).status).to.equal(200);
    expect((await h.api(MESSAGES, { token: 'big' })).status).to.equal(200);
    expect((await h.api(MESSAGES, { token: 'big' })).status).to.equal(429);
    expect((await h.api(MESSAGES)).status).to.equal(200);
    expect((await h.api(MESSAGES)).status).to.equal(429);
  });

  it('uses the reference presets and scopes for both lines', () => {
    expect(RATE_PRESETS.rp9).to.deep.equal({ v2: 2500, 'v2.broadcasts': 36000, 'v2.messages': 2500 });
    expect(RATE_PRESETS.upstream).to.deep.equal({ v2: 3600, 'v2.messages': 3600 });
    expect(SCOPE_OF.rp9).to.deep.equal({ broadcasts: 'v2.broadcasts', messages: 'v2.messages', workspace: 'v2' });
    expect(SCOPE_OF.upstream).to.deep.equal({ broadcasts: 'v2', messages: 'v2.messages', workspace: 'v2' });
    const rp9 = resolveOptions(defaultOptions(), {});
    const up = resolveOptions(defaultOptions(), { mode: 'upstream' });
    expect(rateFor(rp9, SCOPE_OF.rp9.broadcasts, {})).to.equal(36000);
    expect(rateFor(up, SCOPE_OF.upstream.broadcasts, {})).to.equal(3600);
    expect(rp9.throttle.windowMs).to.equal(3_600_000);
  });

  it('lets exactly the preset number through per hour (rp9 v2.messages = 2500)', () => {
    const throttle = createThrottle();
    const rate = rateFor(resolveOptions(defaultOptions(), {}), 'v2.messages', {});
    for (let i = 0; i < 2500; i++) expect(throttle.check('1:v2.messages', rate, 3_600_000, i).allowed).to.equal(true);
    // oldest at 0 ms, now 2.5 s: wait = 3600 - 2.5 = 3597.5 -> 3598
    expect(throttle.check('1:v2.messages', rate, 3_600_000, 2500)).to.deep.equal({ allowed: false, waitSeconds: 3598 });
    expect(throttle.history('1:v2.messages')).to.have.length(2500);
  });

  it('gives no Retry-After when the rate was lowered below what the log holds (DRF returns no wait)', async () => {
    h.sim.configure({ throttle: { rates: { 'v2.messages': 3 } } });
    for (let i = 0; i < 3; i++) await h.api(MESSAGES);
    h.sim.configure({ throttle: { rates: { 'v2.messages': 1 } } });
    const res = await h.api(MESSAGES);
    expect(res.status).to.equal(429);
    expect(res.headers.get('retry-after')).to.equal(null);
    expect(res.json).to.deep.equal({ detail: 'Request was throttled.' });
    expect(throttledDetail(2)).to.equal('Request was throttled. Expected available in 2 seconds.');
  });
});
