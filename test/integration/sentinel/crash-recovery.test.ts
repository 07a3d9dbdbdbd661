/**
 * kill -9 at the worst moments: a real sentinel process dies while its broadcast request is open,
 * either before RapidPro acted on it or after, or while it sends, seen from a sentinel on another
 * machine. Whoever sends next must find out what happened, and send each message exactly once.
 */
import { expect } from 'chai';
import { ChildProcess, fork } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { metaDbName } from '../../../shared-libs/couch/src';
import { eventually } from '../../helpers/http';
import { SentinelHarness, startSentinelHarness } from '../../helpers/sentinel';
import type { TestDb } from '../../helpers/store';
import type { RequestLogEntry } from '../../rapidpro-simulator';

const SENTINEL_MAIN = path.join(__dirname, '..', '..', '..', 'sentinel', 'src', 'main.js');
const BROADCASTS = '/api/v2/broadcasts.json';

function couchUrl(db: TestDb): string {
  return `${db.target.serverUrl.replace(/\/$/, '')}/${db.target.dbName}`;
}

function startSentinelProcess(db: TestDb): Promise<ChildProcess> {
  const child = fork(SENTINEL_MAIN, [], { env: { ...process.env, COUCH_URL: couchUrl(db), LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`the sentinel process exited with ${code} before it was ready`)));
  });
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

describe('sentinel: kill -9 while a broadcast request is open', function () {
  this.timeout(60000);
  let h: SentinelHarness;
  let child: ChildProcess | undefined;
  beforeEach(async () => {
    // The in-process sentinel says it runs on this machine, so it can take over at once from a dead local process.
    // A 1 s request timeout, so the open request the kill interrupts is settled within the test.
    h = await startSentinelHarness({ start: false, host: os.hostname(), rapidpro: { request_timeout_seconds: 1 } });
  });
  afterEach(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      await killed(child);
    }
    await h.close();
  });

  for (const phase of ['before', 'after'] as const) {
    it(`RapidPro ${phase === 'before' ? 'had not yet created' : 'had already created'} the broadcast: the next sentinel sends it exactly once`, async () => {
      h.sim.injectFaults([{ kind: 'hang', phase, method: 'POST', path: BROADCASTS, times: 1 }]);
      child = await startSentinelProcess(h.db);
      const { docId, uuids } = await h.addPending([{ to: '+254712345678', text: `killed with the request open (${phase})` }]);
      await eventually(() => h.sim.requests().find((r: RequestLogEntry) => r.fault?.kind === 'hang'));
      // The attempt was on record before the request left: that is what makes the kill safe.
      const attempts = await h.db.couch.db(metaDbName(h.db.target.dbName)).allDocs({ startkey: 'attempt:', endkey: 'attempt:\ufff0' });
      expect(attempts.rows).to.have.length(1);
      expect((await h.task(docId, uuids[0]))?.state).to.equal('pending');

      await killed(child);
      await h.sentinel.start();
      const task = await h.waitForState(docId, uuids[0], 'delivered', 20000);
      expect(h.sim.broadcasts(), 'broadcasts RapidPro holds').to.have.length(1);
      expect(task.gateway_ref).to.equal(h.sim.broadcasts()[0].id);
      const posts = h.sim.requests().filter((r) => r.method === 'POST' && r.path === BROADCASTS);
      expect(posts).to.have.length(phase === 'before' ? 2 : 1);
      const lookups = h.sim.requests().filter((r) => r.method === 'GET' && r.path === BROADCASTS);
      expect(lookups.length, 'asked RapidPro what it holds before sending again').to.be.at.least(1);
    });
  }
});

describe('sentinel: kill -9 of the sender on another machine', function () {
  this.timeout(90000);
  let h: SentinelHarness;
  let child: ChildProcess | undefined;
  before(async () => {
    // The in-process sentinel says it runs on another host, so it cannot tell whether the holder's
    // process is alive: it must wait out the lease, with the production TTL (15 s), as every sentinel has.
    h = await startSentinelHarness({ start: false, options: { leaseTtlMs: 15000, leaseRenewMs: 3000 } });
  });
  after(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      await killed(child);
    }
    await h.close();
  });

  it('takes over once the dead holder has not renewed the lease for its TTL, and sends each message once', async () => {
    child = await startSentinelProcess(h.db);
    const docs = await Promise.all(Array.from({ length: 30 }, (_, i) => h.addPending([{ to: `+2547170000${String(i).padStart(2, '0')}`, text: `across machines ${i}` }])));
    await eventually(() => (h.sim.broadcasts().length >= 5 ? true : undefined), 20000, 'the first sentinel to be sending');
    await h.sentinel.start();
    await killed(child);
    const killedAt = Date.now();

    for (const d of docs) {
      await h.waitForState(d.docId, d.uuids[0], 'delivered', 45000);
    }
    const tookOver = h.db.logs.lines().find((l) => l.includes('Took over the sender lease'));
    expect(tookOver, 'taken over because the holder stopped renewing, not because its process was seen dead').to.match(/has not renewed it for \d+ s/);
    const texts = h.sim.broadcasts().map((b) => String(Object.values(b.text)[0]));
    expect(new Set(texts).size, 'no text sent twice').to.equal(30);
    expect(texts).to.have.length(30);
    // Never while the holder might still be alive: its last renewal was at most 3 s before the kill,
    // and the lease is taken only after it has stood unrenewed for 15 s, so not before kill + 12 s.
    const firstAfterKill = h.sim.requests().find((r) => r.method === 'POST' && r.path === BROADCASTS && r.realTimeMs > killedAt);
    expect(firstAfterKill, 'the new sentinel sent the rest').to.not.equal(undefined);
    expect(firstAfterKill!.realTimeMs - killedAt, 'ms from the kill to the next broadcast').to.be.at.least(11000);
  });
});
