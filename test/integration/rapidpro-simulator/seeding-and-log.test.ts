import { expect } from 'chai';
import { createManualClock, formatDatetime, type RequestLogEntry } from '../../rapidpro-simulator';
import { nextEvent, results, startSim, type Harness } from './helpers';

const T0 = Date.UTC(2026, 4, 4, 10, 0, 0);

describe('rapidpro-simulator: seeding, request log and events', () => {
  let h: Harness;
  before(async () => {
    h = await startSim();
  });
  after(() => h.close());
  beforeEach(() => h.sim.reset({ clock: createManualClock({ startMs: T0 }), progression: [] }));

  it('seeds a broadcast at a chosen time, with messages in a chosen status, bypassing throttle', async () => {
    h.sim.configure({ throttle: { rates: { 'v2.broadcasts': 0 } } });
    const b = h.sim.seedBroadcast({ urns: ['tel:+254 712 345 678'], text: { eng: 'hi', kin: 'Muraho' }, createdOn: '2026-05-01T08:00:00.5Z', messageStatus: 'delivered' });
    expect(b).to.deep.include({ status: 'sent', createdOn: '2026-05-01T08:00:00.500000Z', urns: ['tel:+254712345678'], baseLanguage: 'eng' });
    const [m] = h.sim.messages();
    expect(m).to.deep.include({ broadcast: b.id, status: 'delivered', text: 'hi', createdOn: b.createdOn, sentOn: b.createdOn });
    expect((await h.api('/api/v2/broadcasts.json')).status).to.equal(429);
  });

  it('seeds messages that then follow the progression when asked to', () => {
    h.sim.configure({ progression: [{ status: 'sent', afterMs: 1000 }] });
    const clock = h.sim.options.clock as ReturnType<typeof createManualClock>;
    h.sim.seedBroadcast({ urns: ['tel:+254712345678'], applyProgression: true });
    h.sim.seedBroadcast({ urns: ['tel:+254712345679'] });
    clock.advance(1000);
    expect(h.sim.messages().map((m) => m.status)).to.deep.equal(['sent', 'queued']);
  });

  it('adds bulk traffic: 10,000 incoming and outgoing messages land in the right folders', async () => {
    expect(h.sim.addMessages({ count: 10_000, direction: 'in', createdOn: T0 - 3_600_000, spacingMs: 100 })).to.equal(10_000);
    expect(h.sim.addMessages({ count: 3, direction: 'out', status: 'failed' })).to.equal(3);
    expect(h.sim.messages()).to.have.length(10_003);
    const last = h.sim.messages().at(-1);
    expect(last?.createdOnMs).to.equal(T0); // by default the last one is created now
    const failed = results(await h.api('/api/v2/messages.json?folder=failed'));
    expect(failed).to.have.length(3);
    expect(results(await h.api(`/api/v2/messages.json?folder=inbox&before=${formatDatetime((T0 - 3_600_000) * 1000)}`))).to.have.length(1);
    expect(() => h.sim.addMessages({ count: 1, direction: 'in', status: 'sent' })).to.throw(/incoming/);
    expect(() => h.sim.addMessages({ count: 1, direction: 'out', broadcast: 42 })).to.throw(/no broadcast 42/);
  });

  it('links bulk outgoing messages to an existing broadcast', async () => {
    const b = h.sim.seedBroadcast({ urns: ['tel:+254712345678'] });
    h.sim.addMessages({ count: 4, direction: 'out', broadcast: b.id, status: 'wired' });
    expect(results(await h.api(`/api/v2/messages.json?broadcast=${b.id}`))).to.have.length(5);
    expect(h.sim.broadcasts()[0].messageIds).to.have.length(5);
  });

  it('logs every API request with its details, and emits request events', async () => {
    const event = nextEvent<RequestLogEntry>(h.sim.events, 'request', (e) => e.method === 'POST');
    await h.api('/api/v2/messages.json?folder=sent&x=1&x=2');
    await h.post({ urns: ['tel:+254712345678'], text: 'hi' });
    await h.api('/api/v2/broadcasts.json', { method: 'POST', rawBody: 'not json', headers: { 'Content-Type': 'text/plain' }, token: 'bad' });
    const [get, post, bad] = h.sim.requests();
    expect(get).to.deep.include({ index: 0, method: 'GET', path: '/api/v2/messages.json', query: { folder: 'sent', x: ['1', '2'] }, body: null, status: 200, workspace: 'Simulated Workspace', fault: null, simTimeMs: T0 });
    expect(get.realTimeMs).to.be.closeTo(Date.now(), 60_000);
    expect(get.headers.authorization).to.equal('Token sim-token');
    expect(post).to.deep.include({ method: 'POST', body: { urns: ['tel:+254712345678'], text: 'hi' }, status: 201 });
    expect((post.responseBody as { id: number }).id).to.equal(h.sim.broadcasts()[0].id);
    expect(bad).to.deep.include({ body: 'not json', status: 403, workspace: null, responseBody: { detail: 'Invalid token' } });
    expect((await event).index).to.equal(1);
  });

  it('keeps only the newest entries past maxRequestLogEntries, indexes continuing', async () => {
    h.sim.configure({ maxRequestLogEntries: 2 });
    for (let i = 0; i < 4; i++) await h.api(`/api/v2/messages.json?i=${i}`);
    expect(h.sim.requests().map((r) => r.index)).to.deep.equal([2, 3]);
    expect(h.sim.requests(3).map((r) => r.query.i)).to.deep.equal(['3']);
  });
});
