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

  it('answers a document asked for again while its first write is under way: it exists', async () => {
    const { db, calls } = fakeDb();
    const creator = createGroupCommit(db);
    const first = creator.create(doc('dup'));
    const again = creator.create(doc('dup'));
    calls[0].answer(ok(calls[0].docs));
    expect(await first).to.equal('created');
    await tick();
    expect(calls[1].docs.map((d) => d._id)).to.deep.equal(['dup']);
    calls[1].answer([{ id: 'dup', error: 'conflict', reason: 'Document update conflict.' }]);
    expect(await again).to.equal('exists');
  });

  it('fails every document, without crashing, when the answer is not a list of results', async () => {
    const { db, calls } = fakeDb();
    const creator = createGroupCommit(db);
    const blocker = creator.create(doc('x'));
    const pending = [creator.create(doc('a')), creator.create(doc('b'))];
    calls[0].answer(ok(calls[0].docs));
    await blocker;
    await tick();
    calls[1].answer({ ok: true } as unknown as BulkResult[]);
    for (const p of pending) {
      const err = await p.then(() => undefined, (e: unknown) => e);
      expect((err as CouchError).kind).to.equal('unavailable');
    }
    const later = creator.create(doc('c'));
    calls[2].answer([null, ...ok(calls[2].docs)] as unknown as BulkResult[]);
    expect(await later, 'a null row is skipped, the document is matched by id').to.equal('created');
  });

  it('treats a per-document error it does not know as the store being unavailable', async () => {
    const { db, calls } = fakeDb();
    const creator = createGroupCommit(db);
    const outcome = creator.create(doc('a'));
    calls[0].answer([{ id: 'a', error: 'unknown_error', reason: 'function_clause' }]);
    const err = await outcome.then(() => undefined, (e: unknown) => e);
    expect((err as CouchError).kind).to.equal('unavailable');
  });

  it('writes each document of a batch CouchDB refused as a whole (400) on its own, so one bad document fails alone', async () => {
    const { db, calls } = fakeDb();
    const creator = createGroupCommit(db);
    const blocker = creator.create(doc('x'));
    const [good, bad] = [creator.create(doc('good')), creator.create(doc('bad'))];
    calls[0].answer(ok(calls[0].docs));
    await blocker;
    await tick();
    calls[1].fail(new CouchError('bad_request', 'CouchDB answered 400: invalid UTF-8 JSON', 400));
    await tick();
    expect(calls[2].docs.map((d) => d._id)).to.deep.equal(['good']);
    calls[2].answer(ok(calls[2].docs));
    await tick();
    expect(calls[3].docs.map((d) => d._id)).to.deep.equal(['bad']);
    calls[3].fail(new CouchError('bad_request', 'CouchDB answered 400: invalid UTF-8 JSON', 400));
    expect(await good).to.equal('created');
    const err = await bad.then(() => undefined, (e: unknown) => e);
    expect((err as CouchError).kind).to.equal('bad_request');
  });

  it('fails the documents waiting behind a request the store did not answer, rather than making them wait as long again', async () => {
    const { db, calls } = fakeDb();
    const creator = createGroupCommit(db, { maxBatch: 1 });
    const first = creator.create(doc('a'));
    const waiting = [creator.create(doc('b')), creator.create(doc('c'))];
    calls[0].fail(new CouchError('unavailable', 'CouchDB did not answer: timeout'));
    for (const p of [first, ...waiting]) {
      const err = await p.then(() => undefined, (e: unknown) => e);
      expect((err as CouchError).kind).to.equal('unavailable');
    }
    expect(calls, 'no request for the ones that were waiting').to.have.length(1);
  });

  it('keeps a batch within maxBatchBytes; a larger document goes alone', async () => {
    const { db, calls } = fakeDb();
    const creator = createGroupCommit(db, { maxBatchBytes: 200 });
    const big = (id: string, size = 120) => ({ _id: id, text: 'x'.repeat(size) });
    const blocker = creator.create(doc('x'));
    const all = [creator.create(big('a')), creator.create(big('b')), creator.create(doc('c')), creator.create(big('huge', 500))];
    calls[0].answer(ok(calls[0].docs));
    await blocker;
    for (let i = 1; i < 4; i++) {
      await tick();
      calls[i].answer(ok(calls[i].docs));
    }
    expect(await Promise.all(all)).to.deep.equal(Array(4).fill('created'));
    expect(calls.map((c) => c.docs.map((d) => d._id))).to.deep.equal([['x'], ['a'], ['b', 'c'], ['huge']]);
  });
});
