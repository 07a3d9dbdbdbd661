import { expect } from 'chai';
import type { BroadcastRecord, MessageRecord, RequestLogEntry } from '../../rapidpro-simulator';
import { call, startSim, type Harness } from './helpers';

describe('rapidpro-simulator: control endpoints over HTTP', () => {
  let h: Harness;
  const control = (path: string, method = 'GET', body?: unknown) => call(`${h.url}/_sim${path}`, { method, body, token: null });

  before(async () => {
    h = await startSim();
  });
  after(() => h.close());
  beforeEach(() => h.sim.reset());

  it('reports health and configuration', async () => {
    const health = await control('/health');
    expect(health.json).to.deep.equal({ ok: true, mode: 'rp9', url: h.url });
    const config = (await control('/config')).json as Record<string, unknown>;
    expect(config).to.deep.include({ mode: 'rp9', pageSize: 250, primaryLanguage: 'eng' });
    expect(config.presetRates).to.deep.equal({ v2: 2500, 'v2.broadcasts': 36000, 'v2.messages': 2500 });
    expect(config).to.not.have.property('clock');
  });

  it('configures and resets', async () => {
    const configured = await control('/configure', 'POST', {
      mode: 'upstream',
      pageSize: 2,
      throttle: { rates: { 'v2.messages': 1 }, windowMs: 60000 },
      progressionRules: [{ urnPattern: '^tel:\\+1', steps: [{ status: 'failed', afterMs: 5 }] }],
    });
    expect(configured.status).to.equal(200);
    expect(configured.json).to.deep.include({ mode: 'upstream', pageSize: 2 });
    expect((configured.json as { progressionRules: unknown[] }).progressionRules).to.deep.equal([{ urnPattern: '^tel:\\+1', steps: [{ status: 'failed', afterMs: 5 }] }]);
    expect(h.sim.options.throttle).to.deep.equal({ rates: { 'v2.messages': 1 }, windowMs: 60000 });
    expect((await h.api('/api/v2/messages.json')).status).to.equal(200);
    expect((await h.api('/api/v2/messages.json')).status).to.equal(429);

    const reset = await control('/reset', 'POST', { workspaces: [{ token: 'fresh', name: 'Fresh' }] });
    expect(reset.json).to.deep.include({ mode: 'rp9', pageSize: 250 });
    expect((await h.api('/api/v2/messages.json', { token: 'fresh' })).status).to.equal(200);
    expect((await h.api('/api/v2/messages.json')).status).to.equal(403);
  });

  it('answers 400 with the reason for bad input, 404/405 for unknown routes', async () => {
    const bad = await control('/configure', 'POST', { mode: 'rp8' });
    expect(bad.status).to.equal(400);
    expect(bad.json).to.deep.equal({ error: 'mode must be rp9 or upstream, got rp8' });
    expect((await control('/configure', 'POST', { pageSize: 0 })).status).to.equal(400);
    expect(h.sim.options.pageSize).to.equal(250);
    expect((await call(`${h.url}/_sim/configure`, { method: 'POST', rawBody: '{', token: null })).status).to.equal(400);
    expect((await control('/nothing')).status).to.equal(404);
    expect((await control('/reset', 'GET')).status).to.equal(405);
  });

  it('injects, lists and clears faults', async () => {
    const added = await control('/faults', 'POST', [{ kind: 'status', status: 503, times: 2 }]);
    expect((added.json as { faults: Array<{ remaining: number }> }).faults[0].remaining).to.equal(2);
    expect((await control('/faults', 'POST', { faults: [{ kind: 'drop' }] })).status).to.equal(200);
    expect(((await control('/faults')).json as { faults: unknown[] }).faults).to.have.length(2);
    expect((await h.api('/api/v2/messages.json')).status).to.equal(503);
    await control('/faults', 'DELETE');
    expect((await h.api('/api/v2/messages.json')).status).to.equal(200);
    expect((await control('/faults', 'POST', [{ kind: 'nope' }])).status).to.equal(400);
  });

  it('serves the request log (since an index) without logging, throttling or faulting itself', async () => {
    h.sim.configure({ throttle: { rates: { 'v2.messages': 1 } } });
    h.sim.injectFaults([{ kind: 'drop' }]);
    for (let i = 0; i < 3; i++) expect((await control('/health')).status).to.equal(200);
    await h.api('/api/v2/messages.json?x=1', { headers: { 'X-Test': 'a' } }).catch(() => undefined);
    await h.api('/api/v2/messages.json?x=2');
    await h.api('/api/v2/messages.json?x=3');
    const all = (await control('/requests')).json as { requests: RequestLogEntry[]; next: number };
    expect(all.requests.map((r) => [r.index, r.query.x, r.status])).to.deep.equal([[0, '1', null], [1, '2', 200], [2, '3', 429]]);
    expect(all.next).to.equal(3);
    expect(all.requests[0].headers['x-test']).to.equal('a');
    const since = (await control('/requests?since=2')).json as { requests: RequestLogEntry[]; next: number };
    expect(since.requests.map((r) => r.index)).to.deep.equal([2]);
    await control('/requests', 'DELETE');
    expect(((await control('/requests')).json as { requests: unknown[] }).requests).to.deep.equal([]);
  });

  it('seeds, lists and changes data', async () => {
    const seeded = await control('/seed/broadcast', 'POST', { urns: ['tel:+254712345678', 'tel:+254712345679'], text: 'hi', messageStatus: 'sent' });
    const { broadcast } = seeded.json as { broadcast: BroadcastRecord };
    expect(broadcast).to.deep.include({ status: 'sent', urns: ['tel:+254712345678', 'tel:+254712345679'] });
    expect(((await control('/seed/messages', 'POST', { count: 5, direction: 'in' })).json)).to.deep.equal({ added: 5 });
    const listed = (await control('/broadcasts?token=sim-token')).json as { broadcasts: BroadcastRecord[] };
    expect(listed.broadcasts.map((b) => b.id)).to.deep.equal([broadcast.id]);
    const ofBroadcast = (await control(`/messages?broadcast=${broadcast.id}`)).json as { messages: MessageRecord[] };
    expect(ofBroadcast.messages.map((m) => m.status)).to.deep.equal(['sent', 'sent']);
    expect(((await control('/messages?status=handled')).json as { messages: unknown[] }).messages).to.have.length(5);
    const changed = await control(`/messages/${broadcast.messageIds[0]}/status`, 'POST', { status: 'delivered' });
    expect((changed.json as { message: MessageRecord }).message.status).to.equal('delivered');
    expect((await control(`/messages/${broadcast.messageIds[0]}/status`, 'POST', { status: 'handled' })).status).to.equal(400);
    expect((await control('/seed/broadcast', 'POST', { urns: ['tel:12'] })).json).to.deep.equal({ error: 'Invalid URN: tel:12' });
    expect((await control('/broadcasts?token=nope')).status).to.equal(400);
  });
});
