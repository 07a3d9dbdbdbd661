import { PassThrough } from 'node:stream';
import { expect } from 'chai';
import sinon from 'sinon';
import { createContextSource } from '../../../sentinel/src/context';
import type { Budget } from '../../../sentinel/src/budget';
import type { Vault } from '../../../shared-libs/credentials/src';
import { createLogger } from '../../../shared-libs/logger/src';
import type { RapidProClient, WorkspaceInfo } from '../../../shared-libs/rapidpro/src';
import type { SettingsStore } from '../../../shared-libs/settings/src';

const SETTINGS = { sms: { outgoing_service: 'rapidpro', rapidpro: { url: 'https://rapidpro.example' } } };

function setup(workspace: () => Promise<unknown>) {
  const rapidpro = { workspace: sinon.stub().callsFake(workspace) };
  const budget = { take: sinon.stub().resolves({ ok: true }) };
  let now = 0;
  const source = createContextSource({
    settings: { get: async () => SETTINGS } as unknown as SettingsStore,
    vault: { get: async () => 'outgoing-token' } as unknown as Vault,
    rapidpro: rapidpro as unknown as RapidProClient,
    budget: budget as unknown as Budget,
    logger: createLogger({ component: 'test', level: 'error', stream: new PassThrough() }),
    clock: { now: () => now, sleep: async () => undefined },
  });
  return { source, rapidpro, budget, advance: (ms: number) => (now += ms) };
}

describe('sentinel context: the RapidPro workspace lookup', () => {
  it('asks RapidPro once when the send and poll loops need the account at the same time', async () => {
    let answer: (v: { ok: true; value: WorkspaceInfo }) => void = () => undefined;
    const { source, rapidpro, budget } = setup(() => new Promise((resolve) => (answer = resolve)));
    const both = Promise.all([source.current(), source.current()]);
    await new Promise((resolve) => setImmediate(resolve));
    answer({ ok: true, value: { uuid: 'ws-1', name: 'Clinic' } as WorkspaceInfo });
    const [a, b] = await both;
    expect(rapidpro.workspace.callCount).to.equal(1);
    expect(budget.take.callCount, 'one budget slot spent').to.equal(1);
    expect(a.ok && a.context.account).to.equal('workspace:ws-1');
    expect(b.ok && b.context.account).to.equal('workspace:ws-1');
    await source.current();
    expect(rapidpro.workspace.callCount, 'the account is remembered').to.equal(1);
  });

  it('shares a failed lookup too, and asks again only after the backoff', async () => {
    const failure = { ok: false, failure: { kind: 'unavailable', message: 'RapidPro answered 503' } };
    const { source, rapidpro, advance } = setup(async () => failure);
    const [a, b] = await Promise.all([source.current(), source.current()]);
    expect(rapidpro.workspace.callCount).to.equal(1);
    expect(a.ok || b.ok).to.equal(false);
    await source.current();
    expect(rapidpro.workspace.callCount, 'no new lookup inside the backoff').to.equal(1);
    advance(10 * 60 * 1000);
    await source.current();
    expect(rapidpro.workspace.callCount).to.equal(2);
  });
});
