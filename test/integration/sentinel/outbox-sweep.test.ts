import { expect } from 'chai';
import crypto from 'node:crypto';
import type { MessageDoc, Task } from '../../../shared-libs/messages/src';
import { createOutbox } from '../../../sentinel/src/outbox';
import { sweepOutbox } from '../../../sentinel/src/outbox-sweep';
import { freshDb, TestDb } from '../../helpers/store';

function pendingTask(to: string): Task {
  const at = '2026-01-01T00:00:00.000Z';
  return { messages: [{ uuid: crypto.randomUUID(), to, message: 'same time for all' }], state: 'pending', state_history: [{ state: 'pending', timestamp: at }] };
}

describe('sentinel: the sweep over pending messages', () => {
  let db: TestDb;
  beforeEach(async () => {
    db = await freshDb();
  });
  afterEach(async () => {
    await db.drop();
  });

  it('finds every pending message when many share one due time, across pages, on the real store', async () => {
    // One reported_date for all (a bulk import, a group message): many rows under one view key,
    // and one document with more rows under that key than a page holds.
    const reported = Date.parse('2026-01-01T00:00:00.000Z');
    const docs: MessageDoc[] = Array.from({ length: 9 }, (_, i) => ({ _id: `bulk-${i}`, type: 'data_record', reported_date: reported, tasks: [pendingTask(`+25471200000${i}`)] }));
    docs.push({ _id: 'bulk-big', type: 'data_record', reported_date: reported, tasks: Array.from({ length: 7 }, (_, i) => pendingTask(`+25471300000${i}`)) });
    const main = db.couch.db(db.target.dbName);
    for (const doc of docs) {
      await main.put(doc);
    }
    const outbox = createOutbox();
    const result = await sweepOutbox(main, outbox, Date.now, 3);
    expect(result).to.deep.equal({ docs: 10, due: 16 });
    expect(outbox.size()).to.equal(16);
  });
});
