import { expect } from 'chai';
import type { Task } from '../../../shared-libs/messages/src';
import { MESSAGE_STATUSES, mapBroadcastStatus, mapMessageStatus } from '../../../shared-libs/rapidpro/src';
import { recordAccepted, recordRefused, recordStatus, recordTrackingStopped, summarise } from '../../../sentinel/src/task-records';

const origin = { url: 'https://rp.example', account: 'workspace:w1', attempt: 'attempt:1', nowIso: '2026-11-23T10:00:00.000Z' };

function pendingTask(uuids = ['m1']): Task {
  return {
    state: 'pending',
    messages: uuids.map((uuid, i) => ({ uuid, to: `+25471234567${i}`, message: 'hi' })),
    state_history: [{ state: 'pending', timestamp: '2026-11-23T09:00:00.000Z' }],
  };
}

function accept(task: Task, uuid = 'm1', status = 'queued') {
  return recordAccepted(task, origin, {
    uuid,
    urn: 'tel:+254712345670',
    broadcastId: 48213,
    createdOn: '2026-11-23T10:00:00.100000Z',
    broadcastStatus: status,
    mapping: mapBroadcastStatus(status),
    requeued: false,
  });
}

describe('task records', () => {
  it('records an accepted broadcast the way CHT reads it', () => {
    const task = pendingTask();
    accept(task);
    expect(task).to.deep.include({ state: 'received-by-gateway', state_details: 'Queued', gateway_ref: 48213 });
    expect(task.state_history?.at(-1)).to.deep.equal({ state: 'received-by-gateway', state_details: 'Queued', timestamp: origin.nowIso });
    expect(task.rapidpro).to.deep.equal({
      url: 'https://rp.example',
      account: 'workspace:w1',
      attempt: 'attempt:1',
      sent_at: origin.nowIso,
      messages: [{ uuid: 'm1', urn: 'tel:+254712345670', broadcast_id: 48213, created_on: '2026-11-23T10:00:00.100000Z', state: 'received-by-gateway', details: 'Queued' }],
    });
  });

  it('uses the upstream uuid as gateway_ref when there is no id', () => {
    const task = pendingTask();
    recordAccepted(task, origin, { uuid: 'm1', urn: 'tel:+1', broadcastUuid: 'b-uuid', createdOn: 'x', mapping: mapBroadcastStatus('pending'), requeued: false });
    expect(task.gateway_ref).to.equal('b-uuid');
  });

  it('maps every RapidPro message status, and moves only forward', () => {
    const task = pendingTask();
    accept(task);
    const steps: Array<[string, string, boolean]> = [
      ['wired', 'forwarded-by-gateway', true],
      ['queued', 'forwarded-by-gateway', false],
      ['errored', 'forwarded-by-gateway', false],
      ['sent', 'sent', true],
      ['wired', 'sent', false],
      ['delivered', 'delivered', true],
      ['sent', 'delivered', false],
      ['failed', 'delivered', false],
      ['read', 'delivered', false],
    ];
    for (const [status, state, changed] of steps) {
      const mapping = mapMessageStatus(status);
      expect(mapping, status).to.not.equal(undefined);
      expect(recordStatus(task, 'm1', status, mapping!, origin.nowIso), status).to.equal(changed);
      expect(task.state, status).to.equal(state);
    }
    expect(task.state_history?.map((h) => h.state)).to.deep.equal(['pending', 'received-by-gateway', 'forwarded-by-gateway', 'sent', 'delivered']);
  });

  it('records errored as news without moving the state', () => {
    const task = pendingTask();
    accept(task);
    expect(recordStatus(task, 'm1', 'errored', mapMessageStatus('errored')!, origin.nowIso)).to.equal(true);
    expect(task).to.deep.include({ state: 'received-by-gateway', state_details: 'Errored: RapidPro will try again' });
  });

  it('maps read to delivered with its own words, and failed to failed', () => {
    expect(MESSAGE_STATUSES.read).to.deep.equal({ state: 'delivered', details: 'Read' });
    const task = pendingTask();
    accept(task);
    recordStatus(task, 'm1', 'failed', mapMessageStatus('failed')!, origin.nowIso);
    expect(task).to.deep.include({ state: 'failed', state_details: 'Failed' });
  });

  it('refuses to guess an unknown status', () => {
    expect(mapMessageStatus('exploded')).to.equal(undefined);
    expect(mapMessageStatus('__proto__')).to.equal(undefined);
    expect(mapBroadcastStatus('exploded')).to.deep.equal({ state: 'received-by-gateway', details: 'Queued' });
  });

  it('fails a broadcast RapidPro reports as failed or interrupted', () => {
    for (const status of ['failed', 'interrupted']) {
      const task = pendingTask();
      accept(task, 'm1', status);
      expect(task.state).to.equal('failed');
    }
  });

  it('fails a refused message with the reason', () => {
    const task = pendingTask();
    recordRefused(task, origin, { uuid: 'm1', urn: 'tel:12', details: 'Failed: RapidPro refused it: Invalid URN', requeued: false });
    expect(task).to.deep.include({ state: 'failed', state_details: 'Failed: RapidPro refused it: Invalid URN' });
    expect(task).to.not.have.property('gateway_ref');
  });

  it('keeps a task with several messages pending until all are sent, then sums them up', () => {
    const task = pendingTask(['m1', 'm2']);
    accept(task, 'm1');
    expect(task.state).to.equal('pending');
    expect(summarise(task)).to.equal(undefined);
    accept(task, 'm2');
    expect(task.state).to.equal('received-by-gateway');
    recordStatus(task, 'm1', 'delivered', mapMessageStatus('delivered')!, origin.nowIso);
    expect(task.state).to.equal('received-by-gateway');
    recordStatus(task, 'm2', 'sent', mapMessageStatus('sent')!, origin.nowIso);
    expect(task.state).to.equal('sent');
    recordStatus(task, 'm2', 'failed', mapMessageStatus('failed')!, origin.nowIso);
    expect(task.state).to.equal('failed');
  });

  it('stops following a task and says so in state_details, keeping its state', () => {
    const task = pendingTask();
    accept(task);
    recordStatus(task, 'm1', 'sent', mapMessageStatus('sent')!, origin.nowIso);
    expect(recordTrackingStopped(task, 'No final status from RapidPro within 48 hours; no longer followed', origin.nowIso)).to.equal(true);
    expect(task).to.deep.include({ state: 'sent', state_details: 'No final status from RapidPro within 48 hours; no longer followed', gateway_ref: 48213 });
    expect(task.rapidpro?.tracking_stopped_at).to.equal(origin.nowIso);
    expect(recordTrackingStopped(task, 'again', origin.nowIso)).to.equal(false);
  });
});
