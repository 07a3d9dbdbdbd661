import { expect } from 'chai';
import type { BulkResult, CouchDb, DocStub } from '../../../../shared-libs/couch/src';
import { CouchError, createGroupCommit } from '../../../../shared-libs/couch/src';

/** A database whose _bulk_docs calls wait until the test answers them. */
function fakeDb() {
  const calls: Array<{ docs: DocStub[]; answer(results: BulkResult[]): void; fail(err: unknown): void }> = [];
  const db = {
    bulkDocs: (docs: DocStub[]) =>
      new Promise<BulkResult[]>((resolve, reject) => {
        calls.push({ docs, answer: resolve, fail: reject });
      }),
  } as unknown as CouchDb;
  return { db, calls };
}

const doc = (id: string): DocStub => ({ _id: id });
const ok = (docs: DocStub[]): BulkResult[] => docs.map((d) => ({ id: d._id, rev: '1-a' }));
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('group commit', () => {
  it('writes a lone document at once', async () => {
    const { db, calls } = fakeDb();
    const creator = createGroupCommit(db);
    const outcome = creator.create(doc('a'));
    expect(calls.map((c) => c.docs.map((d) => d._id))).to.deep.equal([['a']]);
    calls[0].answer(ok(calls[0].docs));
    expect(await outcome).to.equal('created');
  });

  it('writes the documents that arrive during a write together, in the next request', async () => {
    const { db, calls } = fakeDb();
    const creator = createGroupCommit(db);
    const first = creator.create(doc('a'));
    const rest = ['b', 'c', 'd'].map((id) => creator.create(doc(id)));
    expect(calls).to.have.length(1);
    calls[0].answer(ok(calls[0].docs));
    expect(await first).to.equal('created');
    await tick();
    expect(calls.map((c) => c.docs.map((d) => d._id))).to.deep.equal([['a'], ['b', 'c', 'd']]);
    calls[1].answer(ok(calls[1].docs));
    expect(await Promise.all(rest)).to.deep.equal(['created', 'created', 'created']);
  });

  it('keeps to maxBatch and maxInFlight', async () => {
    const { db, calls } = fakeDb();
    const creator = createGroupCommit(db, { maxBatch: 2, maxInFlight: 2 });
    const all = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((id) => creator.create(doc(id)));
    const ids = () => calls.map((c) => c.docs.map((d) => d._id));
    expect(ids(), 'two requests under way, the rest waiting').to.deep.equal([['a'], ['b']]);
    calls[0].answer(ok(calls[0].docs));
    await tick();
    expect(ids()).to.deep.equal([['a'], ['b'], ['c', 'd']]);
    calls[1].answer(ok(calls[1].docs));
    await tick();
    expect(ids()).to.deep.equal([['a'], ['b'], ['c', 'd'], ['e', 'f']]);
    calls[2].answer(ok(calls[2].docs));
    calls[3].answer(ok(calls[3].docs));
    await tick();
    calls[4].answer(ok(calls[4].docs));
    expect(await Promise.all(all)).to.deep.equal(Array(7).fill('created'));
    expect(ids()[4]).to.deep.equal(['g']);
  });

  it('sends one copy of a document asked for twice while it waits: the first is created, the second exists', async () => {
    const { db, calls } = fakeDb();
    const creator = createGroupCommit(db);
    const blocker = creator.create(doc('x'));
    const twice = [creator.create(doc('dup')), creator.create(doc('dup'))];
    calls[0].answer(ok(calls[0].docs));
    await blocker;
    await tick();
    expect(calls[1].docs.map((d) => d._id)).to.deep.equal(['dup']);
    calls[1].answer(ok(calls[1].docs));
    expect(await Promise.all(twice)).to.deep.equal(['created', 'exists']);
  });

  it('reports each document on its own: a conflict means it exists, another refusal is that document\'s error', async () => {
    const { db, calls } = fakeDb();
    const creator = createGroupCommit(db);
    const blocker = creator.create(doc('x'));
    const [a, b, c] = ['a', 'b', 'c'].map((id) => creator.create(doc(id)));
    calls[0].answer(ok(calls[0].docs));
    await blocker;
    await tick();
    // Out of order on purpose: documents are matched by id when the order is not the one given.
    calls[1].answer([
      { id: 'c', rev: '1-c' },
      { id: 'a', error: 'conflict', reason: 'Document update conflict.' },
      { id: 'b', error: 'forbidden', reason: 'only admins may do that' },
    ]);
    expect(await a).to.equal('exists');
    expect(await c).to.equal('created');
    const err = await b.then(() => undefined, (e: unknown) => e);
    expect(err).to.be.instanceOf(CouchError);
    expect((err as CouchError).kind).to.equal('forbidden');
  });

  it('fails every document of a request that fails, and goes on with the next ones', async () => {
    const { db, calls } = fakeDb();
    const creator = createGroupCommit(db);
    const blocker = creator.create(doc('x'));
    const lost = [creator.create(doc('a')), creator.create(doc('a')), creator.create(doc('b'))];
    calls[0].answer(ok(calls[0].docs));
    await blocker;
    await tick();
    calls[1].fail(new CouchError('unavailable', 'CouchDB did not answer'));
    for (const p of lost) {
      const err = await p.then(() => undefined, (e: unknown) => e);
      expect((err as CouchError).kind).to.equal('unavailable');
    }
    const later = creator.create(doc('b'));
    expect(calls).to.have.length(3);
    calls[2].answer(ok(calls[2].docs));
    expect(await later).to.equal('created');
  });
});
