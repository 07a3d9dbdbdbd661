import { expect } from 'chai';
import { freshDb, TestDb } from '../../helpers/store';

describe('embedded store: changes long-polls answer as CouchDB does', () => {
  let db: TestDb;
  beforeEach(async () => {
    db = await freshDb();
  });
  afterEach(async () => {
    await db.drop();
  });

  it('answers with no results once timeout has passed when nothing changes', async () => {
    const main = db.couch.db(db.target.dbName);
    const since = String((await main.info()).update_seq);
    const res = await main.changes({ feed: 'longpoll', since, timeout: 200 }, { timeoutMs: 10000 });
    expect(res.results).to.deep.equal([]);
    expect(String(res.last_seq)).to.equal(since);
  });

  it('answers with the first change as soon as it is written', async () => {
    const main = db.couch.db(db.target.dbName);
    const since = String((await main.info()).update_seq);
    const waiting = main.changes<{ _id: string }>({ feed: 'longpoll', since, timeout: 30000, include_docs: true }, { timeoutMs: 10000 });
    await main.put({ _id: 'written-while-waiting' });
    const res = await waiting;
    expect(res.results.map((r) => r.id)).to.deep.equal(['written-while-waiting']);
    expect(res.results[0].doc?._id).to.equal('written-while-waiting');
  });
});
