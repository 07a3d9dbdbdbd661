import { expect } from 'chai';
import { createManualClock, formatDatetime, type BroadcastRecord, type ManualClock } from '../../rapidpro-simulator';
import { results, startSim, type Harness } from './helpers';

const T0 = Date.UTC(2026, 4, 4, 10, 0, 0);
const at = (ms: number): string => formatDatetime((T0 + ms) * 1000);
const M = '/api/v2/messages.json';

describe('rapidpro-simulator: GET messages.json (reference §4)', () => {
  let h: Harness;
  let clock: ManualClock;
  let delivered: BroadcastRecord;
  let queued: BroadcastRecord;
  let failed: BroadcastRecord;

  const ids = async (query: string, token?: string): Promise<number[]> => {
    const res = await h.api(`${M}${query}`, { token });
    expect(res.status, `${query}: ${res.text}`).to.equal(200);
    return results(res).map((m) => m.id as number);
  };
  const idsOf = (direction: 'in' | 'out', filter: (m: { broadcast: number | null; visibility: string; flow: unknown }) => boolean = () => true) =>
    h.sim.messages().filter((m) => m.direction === direction && filter(m)).map((m) => m.id);

  before(async () => {
    h = await startSim();
  });
  after(() => h.close());
  beforeEach(() => {
    clock = createManualClock({ startMs: T0 });
    h.sim.reset({ clock, progression: [], workspaces: [{ token: 'sim-token' }, { token: 'other' }] });
    h.sim.addMessages({ count: 2, direction: 'in', createdOn: T0 + 500 });
    h.sim.addMessages({ count: 1, direction: 'in', viaFlow: true, createdOn: T0 + 600 });
    h.sim.addMessages({ count: 1, direction: 'in', visibility: 'archived', createdOn: T0 + 700 });
    delivered = h.sim.seedBroadcast({ urns: ['tel:+254711000001', 'tel:+254711000002'], createdOn: T0 + 1000, messageStatus: 'delivered' });
    queued = h.sim.seedBroadcast({ urns: ['tel:+254711000003'], createdOn: T0 + 2000, messageStatus: 'queued' });
    failed = h.sim.seedBroadcast({ urns: ['tel:+254711000004'], createdOn: T0 + 3000, messageStatus: 'failed' });
    h.sim.seedBroadcast({ workspaceToken: 'other', urns: ['tel:+254711000001'], createdOn: T0 + 1500 });
    clock.setTime(T0 + 10_000);
  });

  it('lists both directions ordered by -created_on, -id, with rp9 fields in order', async () => {
    const res = await h.api(M);
    const all = h.sim.messages('sim-token');
    expect(results(res).map((m) => m.id)).to.deep.equal([...all].sort((a, b) => b.createdOnMs - a.createdOnMs || b.id - a.id).map((m) => m.id));
    expect(results(res)).to.have.length(8);
    expect(Object.keys(results(res)[0])).to.deep.equal([
      'id', 'broadcast', 'contact', 'urn', 'channel', 'direction', 'type', 'status', 'archived', 'visibility',
      'text', 'labels', 'flow', 'attachments', 'created_on', 'sent_on', 'modified_on', 'media',
    ]);
    expect(results(res)[0]).to.deep.include({ broadcast: failed.id, direction: 'out', type: 'text', status: 'failed', created_on: at(3000), sent_on: null });
  });

  it('upstream adds uuid and quick_replies and moves id and broadcast to the end', async () => {
    h.sim.configure({ mode: 'upstream' });
    const first = results(await h.api(M))[0];
    expect(Object.keys(first)).to.deep.equal([
      'uuid', 'contact', 'urn', 'channel', 'direction', 'type', 'status', 'archived', 'visibility', 'text', 'labels',
      'flow', 'attachments', 'quick_replies', 'created_on', 'sent_on', 'modified_on', 'media', 'id', 'broadcast',
    ]);
  });

  it('filters by id, and refuses a non-integer id', async () => {
    const [one] = failed.messageIds;
    expect(await ids(`?id=${one}`)).to.deep.equal([one]);
    expect(await ids(`?id=${one}&folder=sent`)).to.deep.equal([]);
    expect(await ids(`?id=${one}`, 'other')).to.deep.equal([]);
    const bad = await h.api(`${M}?id=abc`);
    expect(bad.status).to.equal(400);
    expect(bad.json).to.deep.equal({ detail: 'Value for id must be an integer' });
  });

  it('filters by uuid on upstream (400 when invalid) and ignores it on rp9', async () => {
    const target = h.sim.messages().find((m) => m.id === queued.messageIds[0]);
    expect(await ids(`?uuid=not-a-uuid`)).to.have.length(8);
    h.sim.configure({ mode: 'upstream' });
    expect(await ids(`?uuid=${target?.uuid}`)).to.deep.equal(queued.messageIds);
    const bad = await h.api(`${M}?uuid=xyz`);
    expect(bad.status).to.equal(400);
    expect(bad.json).to.deep.equal({ detail: "Param 'uuid': xyz is not a valid UUID." });
  });

  it('filters by broadcast id; a non-integer broadcast is a plain-text 500', async () => {
    expect(await ids(`?broadcast=${delivered.id}`)).to.deep.equal([...delivered.messageIds].reverse());
    expect(await ids(`?broadcast=${h.sim.broadcasts('other')[0].id}`)).to.deep.equal([]);
    const bad = await h.api(`${M}?broadcast=1,2`);
    expect(bad.status).to.equal(500);
    expect(bad.text).to.equal('Server Error. Site administrators have been notified.');
  });

  it('filters by contact UUID; an unknown contact gives no results', async () => {
    const contact = h.sim.messages().find((m) => m.id === delivered.messageIds[1])?.contact.uuid;
    expect(await ids(`?contact=${contact}`)).to.deep.equal([delivered.messageIds[1]]);
    expect(await ids('?contact=6f1c0c3e-2b8e-4f7d-9a44-1d2e3f4a5b6c')).to.deep.equal([]);
  });

  it('filters by folder, case-insensitively; an unknown folder gives an empty 200', async () => {
    const desc = (list: number[]) => [...list].sort((a, b) => b - a);
    expect(await ids('?folder=inbox')).to.deep.equal(desc(idsOf('in', (m) => m.visibility === 'visible' && m.flow === null)));
    expect(await ids('?folder=flows')).to.deep.equal(idsOf('in', (m) => m.flow !== null));
    expect(await ids('?folder=Archived')).to.deep.equal(idsOf('in', (m) => m.visibility === 'archived'));
    expect(await ids('?folder=outbox')).to.deep.equal(queued.messageIds);
    expect(await ids('?folder=SENT')).to.deep.equal(desc(delivered.messageIds));
    expect(await ids('?folder=failed')).to.deep.equal(failed.messageIds);
    expect(await ids('?folder=nonsense')).to.deep.equal([]);
    expect(await ids('?folder=incoming')).to.have.length(4); // rp9 only
    h.sim.configure({ mode: 'upstream' });
    expect(await ids('?folder=incoming')).to.deep.equal([]);
  });

  it('puts errored messages in the outbox and read ones in sent (upstream)', async () => {
    h.sim.setMessageStatus(queued.messageIds[0], 'errored');
    expect(await ids('?folder=outbox')).to.deep.equal(queued.messageIds);
    h.sim.configure({ mode: 'upstream' });
    h.sim.setMessageStatus(queued.messageIds[0], 'read');
    expect(await ids('?folder=sent')).to.include(queued.messageIds[0]);
  });

  it('allows only one of contact, folder, label, broadcast (empty values do not count)', async () => {
    for (const q of ['?folder=sent&broadcast=1', '?contact=x&label=y', '?folder=inbox&contact=x&broadcast=1']) {
      const res = await h.api(`${M}${q}`);
      expect(res.status, q).to.equal(400);
      expect(res.json).to.deep.equal({ detail: 'You may only specify one of the contact, folder, label, broadcast parameters' });
    }
    expect((await h.api(`${M}?folder=&broadcast=${delivered.id}`)).status).to.equal(200);
    expect(await ids('?label=Important')).to.deep.equal([]);
  });

  it('applies before/after inclusively on created_on; unparseable dates give empty results', async () => {
    expect(await ids(`?after=${at(1000)}&before=${at(2000)}`)).to.deep.equal([queued.messageIds[0], ...[...delivered.messageIds].reverse()]);
    expect(await ids(`?after=${encodeURIComponent(at(2000))}`)).to.deep.equal([failed.messageIds[0], queued.messageIds[0]]);
    expect(await ids('?after=2026-05-04T10:00:02.000001Z&before=2026-05-04T12:00:02%2B02:00')).to.deep.equal([]);
    expect(await ids('?after=2026-05-04T10:00:02.000001Z&before=2026-05-04T12:00:03.000000%2B02:00')).to.deep.equal(failed.messageIds);
    expect(await ids('?before=20260504T100000.6Z')).to.have.length(3);
    for (const bad of ['yesterday', '2026-13-01', '2026-02-30T00:00:00Z']) expect(await ids(`?after=${bad}`), bad).to.deep.equal([]);
  });

  it('orders folder=sent by -sent_on, -id while filtering on created_on', async () => {
    const [first, second] = delivered.messageIds;
    h.sim.setMessageStatus(second, 'errored');
    h.sim.setMessageStatus(first, 'errored');
    clock.advance(1000);
    h.sim.setMessageStatus(second, 'sent');
    clock.advance(1000);
    h.sim.setMessageStatus(first, 'wired');
    h.sim.setMessageStatus(queued.messageIds[0], 'sent'); // created later, sent at the same moment
    expect(await ids('?folder=sent')).to.deep.equal([queued.messageIds[0], first, second]);
    expect(await ids(`?folder=sent&before=${at(1500)}`)).to.deep.equal([first, second]);
    expect(await ids(`?folder=sent&before=${at(1000)}`)).to.deep.equal([first]); // second was created 1 µs later
  });
});

describe('rapidpro-simulator: GET broadcasts.json (reference §3.6)', () => {
  let h: Harness;
  before(async () => {
    h = await startSim();
  });
  after(() => h.close());

  it('filters by id, uuid (upstream), before/after and orders by -created_on, -id', async () => {
    h.sim.reset({ mode: 'upstream', clock: createManualClock({ startMs: T0 }) });
    const b1 = h.sim.seedBroadcast({ urns: ['tel:+254711000001'], createdOn: T0 + 1000 });
    const b2 = h.sim.seedBroadcast({ urns: ['tel:+254711000002'], createdOn: T0 + 1000 });
    const b3 = h.sim.seedBroadcast({ urns: ['tel:+254711000003'], createdOn: T0 + 5000, createMessages: false });
    const list = async (q: string) => results(await h.api(`/api/v2/broadcasts.json${q}`));
    expect((await list('')).map((b) => b.id)).to.deep.equal([b3.id, b2.id, b1.id]);
    expect(await list('')).to.satisfy((bs: Array<Record<string, unknown>>) => bs[0].status === 'pending' && bs[1].status === 'completed');
    expect((await list('')).map((b) => b.progress)).to.deep.equal([{ total: -1, started: 0 }, { total: 1, started: 1 }, { total: 1, started: 1 }]);
    expect((await list(`?id=${b2.id}`)).map((b) => b.id)).to.deep.equal([b2.id]);
    expect((await list(`?uuid=${b1.uuid}`)).map((b) => b.id)).to.deep.equal([b1.id]);
    expect((await list(`?after=${at(1000)}&before=${at(1000)}`)).map((b) => b.id)).to.deep.equal([b2.id, b1.id]);
    expect(await list('?after=garbage')).to.deep.equal([]);
    const bad = await h.api('/api/v2/broadcasts.json?uuid=nope');
    expect(bad.json).to.deep.equal({ detail: "Param 'uuid': nope is not a valid UUID." });
    const badId = await h.api('/api/v2/broadcasts.json?id=1.5');
    expect(badId.status).to.equal(400);
    expect(badId.json).to.deep.equal({ detail: 'Value for id must be an integer' });
  });

  it('shows rp9 statuses: queued before the messages exist, sent after', async () => {
    h.sim.reset({ clock: createManualClock({ startMs: T0 }) });
    h.sim.seedBroadcast({ urns: ['tel:+254711000001'], createMessages: false });
    h.sim.seedBroadcast({ urns: ['tel:+254711000002'] });
    const res = results(await h.api('/api/v2/broadcasts.json'));
    expect(res.map((b) => b.status)).to.deep.equal(['sent', 'queued']);
    expect(Object.keys(res[0])).to.deep.equal(['id', 'urns', 'contacts', 'groups', 'text', 'attachments', 'base_language', 'status', 'created_on']);
  });
});
