import crypto from 'node:crypto';
import { expect } from 'chai';
import { createCouchClient, embeddedTarget, setupDatabases, CouchTarget } from '../../../shared-libs/couch/src';
import { startEmbeddedCouch, EmbeddedCouch } from '../../../shared-libs/embedded-couch/src/server';
import { createLogger } from '../../../shared-libs/logger/src';
import { incomingDocId } from '../../../shared-libs/messages/src';
import { writeSentinelStatus } from '../../../shared-libs/sentinel-status/src';
import { startApi, TestApi } from '../../helpers/api';
import { basic, eventually, request } from '../../helpers/http';
import { captureLogs } from '../../helpers/logs';
import { tempDir, TestDb } from '../../helpers/store';

/** Health, and what every endpoint does while the store is down and after it returns (§3.1, §3.4). */
describe('GET /health, and a store that goes away', function () {
  const dataDir = tempDir();
  const adminPassword = crypto.randomBytes(8).toString('hex');
  const serverSecret = crypto.randomBytes(8).toString('hex');
  const quiet = createLogger({ component: 'store', level: 'error' });
  let store: EmbeddedCouch;
  let target: CouchTarget;
  let db: TestDb;
  let api: TestApi;
  const TOKEN = 'down-test-token';

  const startStore = (port: number) => startEmbeddedCouch({ dataDir, port, adminPassword, serverSecret, logger: quiet });
  const post = (id: string) =>
    request(api.url + '/api/v2/sms/rapidpro/incoming-messages', {
      method: 'POST',
      headers: { Authorization: `Token ${TOKEN}` },
      body: JSON.stringify({ id, from: '+254712345678', content: 'during an outage' }),
    });

  before(async () => {
    store = await startStore(0);
    target = { ...embeddedTarget(store.port, adminPassword), dbName: 'down-test' };
    const couch = createCouchClient({ target, requestTimeoutMs: 2000 });
    const logs = captureLogs();
    const logger = createLogger({ component: 'test', level: 'debug', stream: logs.stream });
    await setupDatabases(couch, logger);
    db = { target, couch, logger, logs, drop: async () => undefined };
    api = await startApi(db, { cacheTtlMs: 60000 });
    await api.vault.set('rapidpro:incoming', TOKEN);
  });
  after(async () => {
    await api.close();
    await store.close();
  });

  it('answers 200 with CouchDB reachable and the sentinel not reporting yet', async () => {
    const res = await request(api.url + '/health');
    expect(res.status).to.equal(200);
    const body = res.json as { status: string; couchdb: { reachable: boolean; url: string }; sentinel: { running: boolean } };
    expect(body.status).to.equal('ok');
    expect(body.couchdb).to.deep.include({ reachable: true, url: `http://127.0.0.1:${store.port}` });
    expect(body.sentinel.running).to.equal(false);
    expect(res.text).to.not.include(adminPassword);
  });

  it("reports the sentinel's last send and poll cycles", async () => {
    await writeSentinelStatus(db.couch, {
      instance: 'host:1:abc',
      updated_at: new Date().toISOString(),
      heartbeat_ms: 5000,
      active: true,
      last_send_cycle: '2026-11-23T10:00:00.000Z',
      last_poll_cycle: '2026-11-23T10:00:01.000Z',
    });
    const body = (await request(api.url + '/health')).json as { sentinel: Record<string, unknown> };
    expect(body.sentinel).to.deep.include({ running: true, active: true, last_send_cycle: '2026-11-23T10:00:00.000Z', last_poll_cycle: '2026-11-23T10:00:01.000Z' });
  });

  it('says the sentinel is not running when its heartbeat is old', async () => {
    await writeSentinelStatus(db.couch, { instance: 'x', updated_at: new Date(Date.now() - 600000).toISOString(), heartbeat_ms: 5000, active: true });
    const body = (await request(api.url + '/health')).json as { sentinel: { running: boolean; state: string } };
    expect(body.sentinel.running).to.equal(false);
    expect(body.sentinel.state).to.match(/not running/);
  });

  describe('while the store is down', () => {
    const port = () => Number(new URL(target.publicServerUrl).port);
    before(async () => {
      await store.close();
    });

    it('answers the webhook 503 (not 500, not 200)', async () => {
      const res = await post('run-outage');
      expect(res.status).to.equal(503);
      expect(res.json).to.deep.equal({ code: 503, error: 'The database is not available; try again shortly' });
    });

    it('answers /health 503', async () => {
      const res = await request(api.url + '/health');
      expect(res.status).to.equal(503);
      expect(res.json).to.deep.include({ status: 'unavailable', error: 'CouchDB is not reachable' });
    });

    it('answers the admin endpoints 503', async () => {
      const res = await request(api.url + '/api/v1/settings', { headers: { Authorization: basic('admin', adminPassword) } });
      expect(res.status).to.equal(503);
    });

    it('recovers by itself when the store returns, and had written nothing half-way', async () => {
      store = await startStore(port());
      const res = await eventually(async () => {
        const r = await post('run-outage');
        return r.status === 200 ? r : undefined;
      }, 10000, 'the webhook to work again');
      expect(res.json).to.deep.equal({ saved: 1 });
      const doc = await db.couch.db(target.dbName).get<{ _id: string; _rev: string }>(incomingDocId('run-outage'));
      expect(doc?._rev).to.match(/^1-/);
      expect((await request(api.url + '/health')).status).to.equal(200);
    });
  });
});
