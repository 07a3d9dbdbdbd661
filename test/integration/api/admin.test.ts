import { expect } from 'chai';
import { credentialDocId } from '../../../shared-libs/credentials/src';
import { metaDbName, vaultDbName } from '../../../shared-libs/couch/src';
import { startApi, TestApi } from '../../helpers/api';
import { basic, request } from '../../helpers/http';
import { freshDb, TestDb } from '../../helpers/store';

/** A CouchDB user who is not a server admin. */
async function createUser(db: TestDb, name: string, password: string): Promise<void> {
  await db.couch
    .request({ db: '_users', doc: `org.couchdb.user:${name}`, method: 'put', body: { _id: `org.couchdb.user:${name}`, name, password, roles: [], type: 'user' } })
    .catch((err: { kind?: string }) => {
      if (err.kind !== 'conflict') {
        throw err;
      }
    });
}

describe('admin endpoints (CONTRACT §3.2, §3.3)', () => {
  let db: TestDb;
  let api: TestApi;
  let admin: string;
  const user = { name: `user-${Date.now()}`, password: 'user-password' };

  before(async () => {
    db = await freshDb();
    api = await startApi(db, { cacheTtlMs: 100 });
    admin = basic(db.target.username ?? 'admin', db.target.password ?? '');
    await createUser(db, user.name, user.password);
  });
  after(async () => {
    await api.close();
    await db.drop();
  });

  const call = (method: string, path: string, headers: Record<string, string> = {}, body?: string) =>
    request(api.url + path, { method, headers, body });

  describe('PUT /api/v1/credentials/:key', () => {
    it('answers 401 without credentials', async () => {
      const res = await call('PUT', '/api/v1/credentials/rapidpro:incoming', { 'Content-Type': 'text/plain' }, 'x');
      expect(res.status).to.equal(401);
      expect(res.json).to.deep.include({ code: 401 });
    });

    it('answers 401 for a wrong password', async () => {
      const res = await call('PUT', '/api/v1/credentials/rapidpro:incoming', { Authorization: basic('admin', 'wrong') }, 'x');
      expect(res.status).to.equal(401);
    });

    it('answers 403 "Insufficient permissions" for a user who is not a server admin', async () => {
      const res = await call('PUT', '/api/v1/credentials/rapidpro:incoming', { Authorization: basic(user.name, user.password) }, 'x');
      expect(res.status).to.equal(403);
      expect(res.json).to.deep.equal({ code: 403, error: 'Insufficient permissions' });
    });

    it('answers 400 "Missing required request body" for an empty body', async () => {
      const res = await call('PUT', '/api/v1/credentials/rapidpro:incoming', { Authorization: admin, 'Content-Type': 'text/plain' }, '');
      expect(res.status).to.equal(400);
      expect(res.json).to.deep.equal({ code: 400, error: 'Missing required request body' });
    });

    it('stores the secret encrypted in <db>-vault as credential:<key>', async () => {
      const res = await call('PUT', '/api/v1/credentials/rapidpro:outgoing', { Authorization: admin, 'Content-Type': 'text/plain' }, 'outgoing-secret-value');
      expect(res.status).to.equal(200);
      expect(res.json).to.deep.equal({ ok: true });
      const doc = await db.couch.db(vaultDbName(db.target.dbName)).get<{ _id: string; password: string }>(credentialDocId('rapidpro:outgoing'));
      expect(doc?._id).to.equal('credential:rapidpro:outgoing');
      expect(doc?.password).to.match(/^[0-9a-f]{32}:[0-9a-f]+$/);
      expect(JSON.stringify(doc)).to.not.include('outgoing-secret-value');
      expect(await api.vault.get('rapidpro:outgoing')).to.equal('outgoing-secret-value');
    });

    it('treats an encoded key (rapidpro%3Aincoming) as the same key, and accepts curl\'s default form type', async () => {
      const res = await call('PUT', '/api/v1/credentials/rapidpro%3Aincoming', { Authorization: admin, 'Content-Type': 'application/x-www-form-urlencoded' }, 'in-secret');
      expect(res.status).to.equal(200);
      expect(await api.vault.get('rapidpro:incoming')).to.equal('in-secret');
    });

    it('never gives a secret back over HTTP', async () => {
      for (const method of ['GET', 'POST', 'DELETE']) {
        const res = await call(method, '/api/v1/credentials/rapidpro:outgoing', { Authorization: admin });
        expect(res.status).to.equal(405);
        expect(res.text).to.not.include('outgoing-secret-value');
      }
    });

    it('answers 400 without a key', async () => {
      const res = await call('PUT', '/api/v1/credentials', { Authorization: admin }, 'x');
      expect(res.status).to.equal(400);
      expect(res.json).to.deep.equal({ code: 400, error: 'Missing required param "key"' });
    });

    it('keeps the secret and the admin password out of the log', async () => {
      expect(db.logs.text()).to.include('Stored credential "rapidpro:outgoing"');
      expect(db.logs.text()).to.not.include('outgoing-secret-value');
      expect(db.logs.text()).to.not.include(db.target.password ?? '(none)');
    });
  });

  describe('GET and PUT /api/v1/settings', () => {
    const json = (extra: Record<string, string> = {}) => ({ Authorization: admin, 'Content-Type': 'application/json', ...extra });

    it('answers 401 and 403 to non-admins', async () => {
      expect((await call('GET', '/api/v1/settings')).status).to.equal(401);
      expect((await call('GET', '/api/v1/settings', { Authorization: basic(user.name, user.password) })).json).to.deep.equal({ code: 403, error: 'Insufficient permissions' });
      expect((await call('PUT', '/api/v1/settings', { Authorization: basic(user.name, user.password) }, '{}')).status).to.equal(403);
    });

    it('answers {} before any settings exist', async () => {
      const res = await call('GET', '/api/v1/settings', { Authorization: admin });
      expect(res.status).to.equal(200);
      expect(res.json).to.deep.equal({});
    });

    it('merges a PUT into the settings doc, the way CHT stores it', async () => {
      await call('PUT', '/api/v1/settings', json(), JSON.stringify({ locale: 'en', sms: { outgoing_service: 'medic-gateway', duplicate_limit: 5 } }));
      const res = await call('PUT', '/api/v1/settings', json(), JSON.stringify({ sms: { outgoing_service: 'rapidpro', rapidpro: { url: 'https://textit.in' } } }));
      expect(res.status).to.equal(200);
      expect(res.json).to.deep.equal({ success: true, updated: true });
      const expected = { locale: 'en', sms: { outgoing_service: 'rapidpro', duplicate_limit: 5, rapidpro: { url: 'https://textit.in' } } };
      expect((await call('GET', '/api/v1/settings', { Authorization: admin })).json).to.deep.equal(expected);
      const doc = await db.couch.db(db.target.dbName).get<{ _id: string; settings: unknown }>('settings');
      expect(doc?.settings).to.deep.equal(expected);
    });

    it('says when nothing changed', async () => {
      const res = await call('PUT', '/api/v1/settings', json(), JSON.stringify({ locale: 'en' }));
      expect(res.json).to.deep.equal({ success: true, updated: false });
    });

    it('replaces everything with ?replace=true', async () => {
      await call('PUT', '/api/v1/settings?replace=true', json(), JSON.stringify({ sms: { outgoing_service: 'rapidpro' } }));
      expect((await call('GET', '/api/v1/settings', { Authorization: admin })).json).to.deep.equal({ sms: { outgoing_service: 'rapidpro' } });
    });

    it('refuses an invalid sms section with 400 naming the field, and saves nothing', async () => {
      const before = await db.couch.db(db.target.dbName).get<{ _id: string; _rev: string }>('settings');
      const res = await call('PUT', '/api/v1/settings', json(), JSON.stringify({ sms: { rapidpro: { url: 'https://admin:pw@textit.in', requests_per_hour: -3 } } }));
      expect(res.status).to.equal(400);
      const body = res.json as { error: string; details: Array<{ path: string }> };
      expect(body.error).to.include('"sms.rapidpro.url"');
      expect(body.details.map((d) => d.path)).to.deep.equal(['sms.rapidpro.url', 'sms.rapidpro.requests_per_hour']);
      expect(res.text).to.not.include('admin:pw');
      const after = await db.couch.db(db.target.dbName).get<{ _id: string; _rev: string }>('settings');
      expect(after?._rev).to.equal(before?._rev);
    });

    it('refuses a body that is not a JSON object', async () => {
      for (const body of ['nope', '[1]', '']) {
        const res = await call('PUT', '/api/v1/settings', json(), body);
        expect(res.status).to.equal(400);
      }
    });
  });

  it('creates the vault readable by admins only, and its own bookkeeping database', async () => {
    const security = await db.couch.request<{ members: { roles: string[] } }>({ db: vaultDbName(db.target.dbName), path: '_security' });
    expect(security.members.roles).to.deep.equal(['_admin']);
    expect(await db.couch.db(metaDbName(db.target.dbName)).info()).to.have.property('db_name', metaDbName(db.target.dbName));
  });

  it('answers unknown paths with a JSON 404 and sets security headers', async () => {
    const res = await call('GET', '/nope');
    expect(res.status).to.equal(404);
    expect(res.json).to.deep.equal({ code: 404, error: 'Not found' });
    expect(res.headers['x-content-type-options']).to.equal('nosniff');
    expect(res.headers['x-frame-options']).to.equal('DENY');
    expect(res.headers['content-security-policy']).to.include("default-src 'none'");
    expect(res.headers).to.not.have.property('x-powered-by');
  });
});
