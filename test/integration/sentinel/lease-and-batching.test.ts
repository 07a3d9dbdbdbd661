import { expect } from 'chai';
import { eventually } from '../../helpers/http';
import { SentinelHarness, startSentinelHarness } from '../../helpers/sentinel';

const BROADCASTS = '/api/v2/broadcasts.json';

describe('sentinel: batching and two sentinels on one database', function () {
  this.timeout(60000);
  let h: SentinelHarness;
  afterEach(async () => {
    await h.close();
  });

  it('sends 150 recipients of one text as broadcasts of 100 and 50, and follows each message on its own', async () => {
    h = await startSentinelHarness({ start: false });
    const recipients = Array.from({ length: 150 }, (_, i) => ({ to: `+2547130${String(i).padStart(5, '0')}`, text: 'Clinic closed on Monday' }));
    const docs = await Promise.all([h.addPending(recipients.slice(0, 90)), h.addPending(recipients.slice(90))]);
    await h.sentinel.start();
    await eventually(async () => {
      const tasks = await h.tasks(docs.map((d) => d.docId));
      return tasks.every((t) => t.state === 'delivered') || undefined;
    }, 30000, 'all 150 to be delivered');
    const sizes = h.sim.broadcasts().map((br) => br.urns.length).sort((a, b) => b - a);
    expect(sizes).to.deep.equal([100, 50]);
    const byId = new Map(h.sim.broadcasts().map((br) => [br.id, new Set(br.urns)]));
    for (const d of docs) {
      for (const uuid of d.uuids) {
        const task = await h.task(d.docId, uuid);
        const urn = `tel:${task?.messages?.[0]?.to}`;
        expect(byId.get(task?.gateway_ref as number)?.has(urn), `${urn} is in the broadcast its task names`).to.equal(true);
        expect(task?.rapidpro?.messages).to.have.length(1);
      }
    }
  });

  it('two sentinels: only the lease holder calls RapidPro, and the other takes over when it stops', async () => {
    h = await startSentinelHarness();
    const second = await h.startAnother();
    const sentBy = new Map<string, number>();
    h.sentinel.events.on('sent', () => sentBy.set('first', (sentBy.get('first') ?? 0) + 1));
    second.events.on('sent', () => sentBy.set('second', (sentBy.get('second') ?? 0) + 1));

    const first = await Promise.all(Array.from({ length: 20 }, (_, i) => h.addPending([{ to: `+2547140000${String(i).padStart(2, '0')}`, text: `round one ${i}` }])));
    for (const d of first) {
      await h.waitForState(d.docId, d.uuids[0], 'delivered');
    }
    expect(sentBy.size, 'only one of them sent').to.equal(1);
    const [holder] = [...sentBy.keys()];

    await (holder === 'first' ? h.sentinel : second).stop();
    const next = await Promise.all(Array.from({ length: 5 }, (_, i) => h.addPending([{ to: `+2547150000${String(i).padStart(2, '0')}`, text: `round two ${i}` }])));
    for (const d of next) {
      await h.waitForState(d.docId, d.uuids[0], 'delivered', 20000);
    }
    expect(sentBy.has(holder === 'first' ? 'second' : 'first'), 'the other one took over').to.equal(true);
    const texts = h.sim.broadcasts().map((br) => String(Object.values(br.text)[0]));
    expect(texts).to.have.length(25);
    expect(new Set(texts).size, 'no text was sent twice').to.equal(25);
    expect(h.sim.requests().filter((r) => r.method === 'POST' && r.path === BROADCASTS)).to.have.length(25);
  });
});
