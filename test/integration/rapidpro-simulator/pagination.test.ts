import { expect } from 'chai';
import { request } from 'node:http';
import { createManualClock, formatDatetime, type ManualClock } from '../../rapidpro-simulator';
import { call, results, startSim, TOKEN, type Harness } from './helpers';

const T0 = Date.UTC(2026, 4, 4, 10, 0, 0);

interface Envelope {
  next: string | null;
  previous: string | null;
  results: Array<{ id: number }>;
}

/** GET with an explicit Host header (fetch does not let a test choose it). */
function getWithHost(url: string, host: string): Promise<Envelope> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { Host: host, Authorization: `Token ${TOKEN}` } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve(JSON.parse(body) as Envelope));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('rapidpro-simulator: cursor pagination (reference §4.2)', () => {
  let h: Harness;
  let clock: ManualClock;

  const page = async (url: string): Promise<Envelope> => {
    const res = await call(url);
    expect(res.status, res.text).to.equal(200);
    expect(Object.keys(res.json as object)).to.deep.equal(['next', 'previous', 'results']);
    return res.json as Envelope;
  };

  /** Follows `next` from `url`, returning every id in order and the number of pages. */
  const sweep = async (url: string): Promise<{ ids: number[]; pages: number }> => {
    const ids: number[] = [];
    let pages = 0;
    for (let next: string | null = url; next; pages++) {
      const p: Envelope = await page(next);
      ids.push(...p.results.map((m) => m.id));
      next = p.next;
    }
    return { ids, pages };
  };

  before(async () => {
    h = await startSim();
  });
  after(() => h.close());
  beforeEach(() => {
    clock = createManualClock({ startMs: T0 });
    h.sim.reset({ clock, pageSize: 3, progression: [] });
  });

  it('pages with the configured size and an absolute next URL keeping the other parameters, sorted', async () => {
    h.sim.addMessages({ count: 7, direction: 'out', createdOn: T0, spacingMs: 1000 });
    clock.setTime(T0 + 60_000);
    const url = `${h.url}/api/v2/messages.json?folder=sent&after=${formatDatetime(T0 * 1000)}`;
    const first = await page(url);
    expect(first.results).to.have.length(3);
    expect(first.previous).to.equal(null);
    expect(first.next).to.match(new RegExp(`^${h.url}/api/v2/messages\\.json\\?after=2026-05-04T10%3A00%3A00Z&cursor=[^&]+&folder=sent$`));
    const all = await sweep(url);
    expect(all.pages).to.equal(3);
    expect(all.ids).to.deep.equal(h.sim.messages().map((m) => m.id).reverse());
  });

  it('builds next from the Host the client used', async () => {
    h.sim.addMessages({ count: 4, createdOn: T0 });
    const env = await getWithHost(`${h.url}/api/v2/messages.json`, 'rapidpro.example.org:8443');
    expect(env.next).to.match(/^http:\/\/rapidpro\.example\.org:8443\/api\/v2\/messages\.json\?cursor=/);
  });

  it('offers previous links that lead back to the same pages', async () => {
    h.sim.addMessages({ count: 8, createdOn: T0 });
    const p1 = await page(`${h.url}/api/v2/messages.json`);
    const p2 = await page(p1.next as string);
    const p3 = await page(p2.next as string);
    expect(p3.next).to.equal(null);
    expect(p3.results).to.have.length(2);
    const back2 = await page(p3.previous as string);
    expect(back2.results).to.deep.equal(p2.results);
    const back1 = await page(back2.previous as string);
    expect(back1.results).to.deep.equal(p1.results);
    expect(back1.previous).to.equal(null);
    expect(back1.next).to.not.equal(null);
  });

  it('answers 404 {"detail": "Invalid cursor"} for a bad cursor', async () => {
    for (const cursor of ['nope!', 'bm9wZQ==', Buffer.from('p=1&i=x&r=0').toString('base64')]) {
      const res = await h.api(`/api/v2/messages.json?cursor=${encodeURIComponent(cursor)}`);
      expect(res.status, cursor).to.equal(404);
      expect(res.json).to.deep.equal({ detail: 'Invalid cursor' });
    }
    expect((await h.api('/api/v2/broadcasts.json?cursor=zzz')).status).to.equal(404);
  });

  it('keeps cursors stable while new messages arrive', async () => {
    h.sim.addMessages({ count: 9, direction: 'out', createdOn: T0, spacingMs: 10 });
    const original = h.sim.messages().map((m) => m.id);
    const p1 = await page(`${h.url}/api/v2/messages.json`);
    clock.advance(1000);
    h.sim.addMessages({ count: 5, direction: 'in' }); // newer than everything
    h.sim.seedBroadcast({ urns: ['tel:+254711000001'] });
    const rest = await sweep(p1.next as string);
    const seen = [...p1.results.map((m) => m.id), ...rest.ids];
    expect(seen).to.deep.equal([...original].reverse());
  });

  it('pages broadcasts the same way', async () => {
    for (let i = 0; i < 5; i++) h.sim.seedBroadcast({ urns: [`tel:+25471100000${i}`], createdOn: T0 + i });
    const all = await sweep(`${h.url}/api/v2/broadcasts.json`);
    expect(all.pages).to.equal(2);
    expect(all.ids).to.deep.equal(h.sim.broadcasts().map((b) => b.id).reverse());
  });

  it('sweeps a 50,000-message workspace page by page without losing or repeating a row', async () => {
    h.sim.reset({ clock, progression: [] }); // default page size 250
    h.sim.addMessages({ count: 30_000, direction: 'in', createdOn: T0, spacingMs: 20 });
    h.sim.addMessages({ count: 20_000, direction: 'out', createdOn: T0 + 5, spacingMs: 30 });
    clock.setTime(T0 + 3_600_000);
    const everything = await sweep(`${h.url}/api/v2/messages.json?after=${formatDatetime(T0 * 1000)}`);
    expect(everything.pages).to.equal(200);
    expect(new Set(everything.ids).size).to.equal(50_000);
    const sent = await sweep(`${h.url}/api/v2/messages.json?folder=sent&after=${formatDatetime((T0 + 300_000) * 1000)}`);
    const expected = h.sim.messages().filter((m) => m.direction === 'out' && m.createdOnMs >= T0 + 300_000);
    expect(sent.ids).to.deep.equal(expected.map((m) => m.id).reverse());
    expect(results(await h.api(`/api/v2/messages.json?broadcast=1`))).to.deep.equal([]);
  });
});
