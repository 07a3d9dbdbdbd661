import { expect } from 'chai';
import { isForward, setTaskState, Task, TaskState } from '../../../../shared-libs/messages/src';

const NOW = '2026-11-23T10:00:00.000Z';

describe('setTaskState (CHT semantics)', () => {
  it('sets state, details, gateway_ref and appends history', () => {
    const task: Task = { messages: [], state: 'pending', state_history: [{ state: 'pending', timestamp: 'x' }] };
    expect(setTaskState(task, 'received-by-gateway', 'Queued', 42, NOW)).to.equal(true);
    expect(task).to.deep.include({ state: 'received-by-gateway', state_details: 'Queued', gateway_ref: 42 });
    expect(task.state_history).to.deep.equal([
      { state: 'pending', timestamp: 'x' },
      { state: 'received-by-gateway', state_details: 'Queued', timestamp: NOW },
    ]);
  });

  it('creates state_history when missing', () => {
    const task: Task = { state: 'pending' };
    setTaskState(task, 'failed', 'Bad number', undefined, NOW);
    expect(task.state_history).to.deep.equal([{ state: 'failed', state_details: 'Bad number', timestamp: NOW }]);
    expect(task).to.not.have.property('gateway_ref');
  });

  it('is a no-op when state, details and ref are unchanged', () => {
    const task: Task = { state: 'sent', state_details: 'Sent', gateway_ref: 7, state_history: [{ state: 'sent', timestamp: 'x' }] };
    expect(setTaskState(task, 'sent', 'Sent', 7, NOW)).to.equal(false);
    expect(setTaskState(task, 'sent', undefined, undefined, NOW)).to.equal(false);
    expect(task.state_history).to.have.length(1);
  });

  it('writes a new entry when only the details change', () => {
    const task: Task = { state: 'sent', state_details: 'Sent', state_history: [{ state: 'sent', timestamp: 'x' }] };
    expect(setTaskState(task, 'sent', 'No longer followed', undefined, NOW)).to.equal(true);
    expect(task.state_history).to.have.length(2);
  });

  it('clears details and ref when not given, as CHT does', () => {
    const task: Task = { state: 'received-by-gateway', state_details: 'Queued', gateway_ref: 9, state_history: [] };
    setTaskState(task, 'pending', undefined, undefined, NOW);
    expect(task).to.not.have.property('state_details');
    expect(task).to.not.have.property('gateway_ref');
  });
});

describe('isForward (the no-backwards rule)', () => {
  const cases: Array<[string, TaskState, boolean]> = [
    ['pending', 'received-by-gateway', true],
    ['pending', 'failed', true],
    ['forwarded-to-gateway', 'sent', true],
    ['received-by-gateway', 'forwarded-by-gateway', true],
    ['received-by-gateway', 'received-by-gateway', false],
    ['forwarded-by-gateway', 'received-by-gateway', false],
    ['sent', 'delivered', true],
    ['sent', 'failed', true],
    ['sent', 'forwarded-by-gateway', false],
    ['delivered', 'sent', false],
    ['delivered', 'failed', false],
    ['failed', 'delivered', false],
    ['cleared', 'sent', false],
    ['muted', 'received-by-gateway', false],
    ['nonsense', 'sent', false],
  ];
  for (const [from, to, expected] of cases) {
    it(`${from} -> ${to}: ${expected ? 'forward' : 'refused'}`, () => {
      expect(isForward(from, to)).to.equal(expected);
    });
  }
});
