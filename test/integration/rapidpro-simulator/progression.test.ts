import { expect } from 'chai';
import {
  createManualClock,
  formatDatetime,
  type BroadcastEvent,
  type ManualClock,
  type MessageEvent,
  type MessageRecord,
} from '../../rapidpro-simulator';
import { results, startSim, type Harness } from './helpers';

const T0 = Date.UTC(2026, 4, 4, 10, 0, 0);
const iso = (ms: number): string => formatDatetime(ms * 1000);
const A = 'tel:+254711000001';
const B = 'tel:+254711000002';

describe('rapidpro-simulator: asynchronous messages and status progression', () => {
  let h: Harness;
  let clock: ManualClock;
  let messageEvents: MessageEvent[];
  let broadcastEvents: BroadcastEvent[];

  const onlyMessage = (): MessageRecord => {
    const all = h.sim.messages();
    expect(all).to.have.length(1);
    return all[0];
  };

  before(async () => {
    h = await startSim();
    h.sim.events.on('message', (e: MessageEvent) => messageEvents.push(e));
    h.sim.events.on('broadcast', (e: BroadcastEvent) => broadcastEvents.push(e));
  });
  after(() => h.close());
  beforeEach(() => {
    messageEvents = [];
    broadcastEvents = [];
    clock = createManualClock({ startMs: T0 });
    h.sim.reset({
      clock,
      messageCreationDelayMs: 2000,
      progression: [
        { status: 'wired', afterMs: 1000 },
        { status: 'sent', afterMs: 3000 },
        { status: 'delivered', afterMs: 10_000 },
      ],
    });
  });

  it('creates one queued message per URN only after the creation delay (rp9: queued -> sent)', async () => {
    const res = await h.post({ urns: [A, B], text: 'hello' });
    const id = (res.json as { id: number }).id;
    expect(results(await h.api(`/api/v2/messages.json?broadcast=${id}`))).to.deep.equal([]);
    clock.advance(1999);
    expect(h.sim.messages()).to.have.length(0);
    expect(results(await h.api('/api/v2/broadcasts.json'))[0].status).to.equal('queued');
    clock.advance(1);
    const msgs = results(await h.api(`/api/v2/messages.json?broadcast=${id}`));
    expect(msgs.map((m) => [m.urn, m.status, m.broadcast, m.direction, m.text, m.sent_on])).to.deep.equal([
      [B, 'queued', id, 'out', 'hello', null],
      [A, 'queued', id, 'out', 'hello', null],
    ]);
    expect(msgs[1].created_on).to.equal(iso(T0 + 2000));
    expect(results(await h.api('/api/v2/broadcasts.json'))[0].status).to.equal('sent');
    expect(messageEvents.filter((e) => e.type === 'created')).to.have.length(2);
  });

  it('upstream: pending -> queued -> started -> completed, with progress', async () => {
    h.sim.configure({ mode: 'upstream' });
    await h.post({ urns: [A, B, A], text: 'hello' });
    expect(broadcastEvents.map((e) => e.broadcast.status)).to.deep.equal(['pending']);
    clock.advance(2000);
    expect(broadcastEvents.map((e) => [e.type, e.broadcast.status])).to.deep.equal([
      ['created', 'pending'], ['status', 'queued'], ['status', 'started'], ['status', 'completed'],
    ]);
    expect(broadcastEvents[1].broadcast.progress).to.deep.equal({ total: 2, started: 0 });
    const [b] = results(await h.api('/api/v2/broadcasts.json'));
    expect(b).to.deep.include({ status: 'completed', progress: { total: 2, started: 2 } });
    expect(results(await h.api('/api/v2/messages.json'))[0].uuid).to.be.a('string');
  });

  it('follows the default steps: modified_on bumps each time, sent_on is set once', async () => {
    await h.post({ urns: [A], text: 'x' });
    clock.advance(2000);
    const created = T0 + 2000;
    expect(onlyMessage()).to.deep.include({ status: 'queued', sentOn: null, modifiedOn: iso(created) });
    clock.advance(1000);
    expect(onlyMessage()).to.deep.include({ status: 'wired', sentOn: iso(created + 1000), modifiedOn: iso(created + 1000) });
    clock.advance(2000);
    expect(onlyMessage()).to.deep.include({ status: 'sent', sentOn: iso(created + 1000), modifiedOn: iso(created + 3000) });
    clock.advance(7000);
    expect(onlyMessage()).to.deep.include({ status: 'delivered', sentOn: iso(created + 1000), modifiedOn: iso(created + 10_000) });
    expect(messageEvents.filter((e) => e.type === 'status').map((e) => [e.previousStatus, e.message.status])).to.deep.equal([
      ['queued', 'wired'], ['wired', 'sent'], ['sent', 'delivered'],
    ]);
  });

  it('uses per-URN rules (exact, then regex) before the default, and applies backwards steps as they come', async () => {
    h.sim.configure({
      progressionRules: [
        { urn: A, steps: [{ status: 'delivered', afterMs: 100 }, { status: 'sent', afterMs: 200 }] },
        { urnPattern: '^tel:\\+2547110', steps: [{ status: 'errored', afterMs: 50 }, { status: 'failed', afterMs: 500 }] },
      ],
    });
    await h.post({ urns: [A, B, 'tel:+12025550100'], text: 'x' });
    clock.advance(2000 + 200);
    const byUrn = (urn: string) => h.sim.messages().find((m) => m.urn === urn);
    expect(byUrn(A)).to.deep.include({ status: 'sent', sentOn: iso(T0 + 2100) }); // late "sent" after "delivered"
    expect(byUrn(B)).to.deep.include({ status: 'errored', sentOn: null });
    expect(byUrn('tel:+12025550100')?.status).to.equal('queued'); // default list: wired at +1000
    clock.advance(300); // B was created 1 µs after A, so its step is still 1 µs away
    expect(byUrn(B)?.status).to.equal('errored');
    clock.advance(0.001);
    expect(byUrn(B)).to.deep.include({ status: 'failed', sentOn: null });
  });

  it('clears sent_on on errored/failed and sets it again on the next wired/sent', async () => {
    h.sim.configure({
      progression: [
        { status: 'sent', afterMs: 10 },
        { status: 'errored', afterMs: 20 },
        { status: 'sent', afterMs: 30 },
        { status: 'failed', afterMs: 40 },
        { status: 'delivered', afterMs: 50 },
      ],
    });
    await h.post({ urns: [A], text: 'x' });
    const created = T0 + 2000;
    const seen: Array<[string, string | null]> = [];
    for (let i = 0; i < 6; i++) {
      clock.setTime(created + i * 10);
      seen.push([onlyMessage().status, onlyMessage().sentOn]);
    }
    expect(seen).to.deep.equal([
      ['queued', null],
      ['sent', iso(created + 10)],
      ['errored', null],
      ['sent', iso(created + 30)],
      ['failed', null],
      ['delivered', iso(created + 50)],
    ]);
  });

  it('setMessageStatus writes now and cancels the remaining steps', async () => {
    await h.post({ urns: [A], text: 'x' });
    clock.advance(2500);
    const { id } = onlyMessage();
    h.sim.setMessageStatus(id, 'failed');
    expect(onlyMessage()).to.deep.include({ status: 'failed', modifiedOn: iso(T0 + 2500) });
    clock.advance(60_000);
    expect(onlyMessage().status).to.equal('failed');
    expect(clock.pendingTimers()).to.equal(0);
    expect(() => h.sim.setMessageStatus(id, 'read')).to.throw(/upstream only/);
    expect(() => h.sim.setMessageStatus(id, 'sent', 'unknown-token')).to.throw(/unknown workspace token/);
    expect(() => h.sim.setMessageStatus(999, 'sent')).to.throw(/no message 999/);
  });

  it('accepts read steps on upstream only', async () => {
    expect(() => h.sim.configure({ progression: [{ status: 'read', afterMs: 1 }] })).to.throw(/upstream only/);
    h.sim.configure({ mode: 'upstream', progression: [{ status: 'delivered', afterMs: 1 }, { status: 'read', afterMs: 2 }] });
    await h.post({ urns: [A], text: 'x' });
    clock.advance(2002);
    expect(results(await h.api('/api/v2/messages.json'))[0].status).to.equal('read');
  });

  it('stops scheduled work on reset', async () => {
    await h.post({ urns: [A], text: 'x' });
    expect(clock.pendingTimers()).to.equal(1);
    h.sim.reset({ clock });
    expect(clock.pendingTimers()).to.equal(0);
    clock.advance(60_000);
    expect(h.sim.messages()).to.deep.equal([]);
  });
});
