import { expect } from 'chai';
import type { MessageDoc, Task } from '../../../shared-libs/messages/src';
import { createOutbox } from '../../../sentinel/src/outbox';

function task(uuid: string, to: string, text: string, state = 'pending', due = 1000, extra: Partial<Task> = {}): Task {
  return { state, due, messages: [{ uuid, to, message: text }], state_history: [{ state, timestamp: new Date(0).toISOString() }], ...extra };
}

function doc(id: string, tasks: Task[], scheduled: Task[] = []): MessageDoc {
  return { _id: id, type: 'data_record', tasks, scheduled_tasks: scheduled };
}

const never = () => false;

describe('outbox', () => {
  it('takes pending and forwarded-to-gateway messages from tasks and scheduled_tasks, nothing else', () => {
    const outbox = createOutbox();
    outbox.offer(
      doc(
        'd1',
        [task('a', '+1', 'x'), task('b', '+2', 'y', 'forwarded-to-gateway'), task('c', '+3', 'z', 'sent'), task('d', '+4', 'w', 'scheduled')],
        [task('e', '+5', 'v'), task('f', '+6', 'u', 'denied')],
      ),
      0,
    );
    expect(outbox.entries().map((e) => e.uuid).sort()).to.deep.equal(['a', 'b', 'e']);
  });

  it('ignores messages without uuid, to or message', () => {
    const outbox = createOutbox();
    outbox.offer(doc('d', [{ state: 'pending', messages: [{ uuid: 'a', to: '+1' }, { to: '+1', message: 'x' }, { uuid: 'c', message: 'x' }] }]), 0);
    expect(outbox.size()).to.equal(0);
  });

  it('gives the oldest due first, then groups identical texts to distinct recipients', () => {
    const outbox = createOutbox();
    outbox.offer(doc('d1', [task('late', '+1', 'hello', 'pending', 3000)]), 0);
    outbox.offer(doc('d2', [task('early', '+2', 'other', 'pending', 1000)]), 0);
    outbox.offer(doc('d3', [task('same1', '+3', 'hello', 'pending', 2000), task('same2', '+4', 'hello', 'pending', 2500), task('dupe', '+3', 'hello', 'pending', 2600)]), 0);
    expect(outbox.next(0, never).map((e) => e.uuid)).to.deep.equal(['early']);
    outbox.remove(['early']);
    expect(outbox.next(0, never).map((e) => e.uuid)).to.deep.equal(['same1', 'same2', 'late']);
  });

  it('caps a batch at the limit', () => {
    const outbox = createOutbox();
    outbox.offer(doc('d', Array.from({ length: 250 }, (_, i) => task(`m${i}`, `+${1000 + i}`, 'same'))), 0);
    expect(outbox.next(0, never)).to.have.length(100);
    expect(outbox.next(0, never, 1)).to.have.length(1);
  });

  it('skips busy and deferred messages, so newer ones are not stuck behind them', () => {
    const outbox = createOutbox();
    outbox.offer(doc('d', [task('old', '+1', 'a', 'pending', 1), task('busy', '+2', 'b', 'pending', 2), task('new', '+3', 'c', 'pending', 3)]), 0);
    outbox.defer(['old'], 5000, 'RapidPro answered 503');
    expect(outbox.next(0, (u) => u === 'busy').map((e) => e.uuid)).to.deep.equal(['new']);
    expect(outbox.nextRetryAt(0)).to.equal(5000);
    expect(outbox.next(5000, never).map((e) => e.uuid)).to.deep.equal(['old']);
    expect(outbox.entries().find((e) => e.uuid === 'old')).to.deep.include({ tries: 1, lastError: 'RapidPro answered 503' });
  });

  it('drops messages whose document no longer has them due', () => {
    const outbox = createOutbox();
    outbox.offer(doc('d', [task('a', '+1', 'x'), task('b', '+2', 'y')]), 0);
    outbox.offer(doc('d', [task('a', '+1', 'x', 'cleared'), task('b', '+2', 'y')]), 0);
    expect(outbox.entries().map((e) => e.uuid)).to.deep.equal(['b']);
    outbox.forgetDoc('d');
    expect(outbox.size()).to.equal(0);
  });

  it('does not send again a message already handed to RapidPro in this round', () => {
    const outbox = createOutbox();
    const t = task('a', '+1', 'x');
    t.messages?.push({ uuid: 'b', to: '+2', message: 'y' });
    t.rapidpro = { url: 'u', account: 'a', attempt: 'x', sent_at: new Date(5000).toISOString(), messages: [{ uuid: 'a', urn: 'tel:+1', created_on: '', state: 'received-by-gateway' }] };
    outbox.offer(doc('d', [t]), 0);
    expect(outbox.entries().map((e) => e.uuid)).to.deep.equal(['b']);
  });

  it('sends a task again, as a whole, when someone set it back to pending after it was sent', () => {
    const outbox = createOutbox();
    const t = task('a', '+1', 'x', 'pending', 1, {
      rapidpro: { url: 'u', account: 'a', attempt: 'x', sent_at: new Date(5000).toISOString(), messages: [{ uuid: 'a', urn: 'tel:+1', created_on: '', state: 'failed' }] },
      state_history: [
        { state: 'pending', timestamp: new Date(1000).toISOString() },
        { state: 'failed', timestamp: new Date(5000).toISOString() },
        { state: 'pending', timestamp: new Date(9000).toISOString() },
      ],
    });
    outbox.offer(doc('d', [t]), 0);
    expect(outbox.entries()).to.have.length(1);
    expect(outbox.entries()[0]).to.deep.include({ uuid: 'a', requeued: true });
  });

  it("orders by CHT's due: task.due, then task.timestamp, then the doc's reported_date", () => {
    const outbox = createOutbox();
    outbox.offer({ _id: 'r', reported_date: 3000, tasks: [{ state: 'pending', messages: [{ uuid: 'byReported', to: '+1', message: 'a' }] }] }, 0);
    outbox.offer(doc('t', [{ state: 'pending', timestamp: new Date(2000).toISOString(), messages: [{ uuid: 'byTimestamp', to: '+2', message: 'b' }] }]), 0);
    outbox.offer(doc('d', [task('byDue', '+3', 'c', 'pending', 1000)]), 0);
    const order: string[] = [];
    for (let e = outbox.next(0, never); e.length; e = outbox.next(0, never)) {
      order.push(e[0].uuid);
      outbox.remove([e[0].uuid]);
    }
    expect(order).to.deep.equal(['byDue', 'byTimestamp', 'byReported']);
  });
});
