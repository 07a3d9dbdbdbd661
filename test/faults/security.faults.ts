/**
 * Security of the API (issue 5), from outside over real sockets, extending test/integration/api:
 * the admin endpoints against anonymous callers, wrong passwords, real non-admin CouchDB users
 * (CHT app admins included) and their session cookies, with nothing saved by a refused call; a
 * RapidPro URL with credentials in it refused in every spelling, and nothing saved; body size
 * limits, compressed bodies included; the security headers on every kind of response; the vault
 * holding ciphertext only; the incoming token compared in constant time; a long secret not breaking
 * the log's redaction. The final scan of every log and response for every secret is in
 * zz-secret-scan.faults.ts; every response here is recorded for it.
 */
import { expect } from 'chai';
import crypto from 'node:crypto';
import zlib from 'node:zlib';
import sinon from 'sinon';
import { tokensMatch } from '../../api/src/routes/rapidpro-incoming';
import { metaDbName, vaultDbName } from '../../shared-libs/couch/src';
import { credentialDocId } from '../../shared-libs/credentials/src';
import { incomingDocId } from '../../shared-libs/messages/src';
import { startApi, TestApi } from '../helpers/api';
import { basic, HttpResponse, request } from '../helpers/http';
import { freshDb, TestDb } from '../helpers/store';
import { observe, registerSecret, registerStoreSecrets, responseText } from './zz-secret-scan.faults';

const V2 = '/api/v2/sms/rapidpro/incoming-messages';
const V1 = '/api/v1/sms/radpidpro/incoming-messages';
const MIB = 1024 * 1024;
const SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'cache-control': 'no-store',
};

type Res = HttpResponse;

/** One request over a fresh socket, recorded for the secret scan. */
async function call(base: string, method: string, path: string, headers: Record<string, string | string[]> = {}, body?: string | Buffer): Promise<Res> {
  const res = await request(`${base}${path}`, { method, headers, body, timeoutMs: 60000 });
  observe(`security ${method} ${path.slice(0, 60)}`, responseText(res.status, res.headers, res.text));
  return res;
}

function expectSecurityHeaders(res: Res, what: string): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
    expect(res.headers[name], `${what}: ${name}`).to.equal(value);
  }
  expect(res.headers, `${what}: X-Powered-By`).to.not.have.property('x-powered-by');
}

function expectJsonError(res: Res, status: number, what: string): void {
  expect(res.status, `${what}: ${res.text.slice(0, 200)}`).to.equal(status);
  expect(res.headers['content-type'], what).to.match(/^application\/json/);
  const body = res.json as { code?: unknown; error?: unknown };
  expect(body?.code, what).to.equal(status);
  expect(body?.error, what).to.be.a('string').and.not.equal('');
}

async function createUser(db: TestDb, name: string, password: string, roles: string[]): Promise<void> {
  await db.couch.request({ db: '_users', doc: `org.couchdb.user:${name}`, method: 'put', body: { _id: `org.couchdb.user:${name}`, name, password, roles, type: 'user' } });
}

describe('security (issue 5)', function () {
  this.timeout(120000);
  const incomingToken = `sec-incoming-${crypto.randomBytes(16).toString('hex')}`;
  const outgoingToken = `sec-outgoing-${crypto.randomBytes(16).toString('hex')}`;
  const suffix = crypto.randomBytes(3).toString('hex');
  const user = { name: `sec-user-${suffix}`, password: `sec-user-pw-${crypto.randomBytes(10).toString('hex')}` };
  const appAdmin = { name: `sec-app-admin-${suffix}`, password: `sec-app-admin-pw-${crypto.randomBytes(10).toString('hex')}` };
  let db: TestDb;
  let api: TestApi;
  let admin: string;

  before(async () => {
    db = await freshDb();
    await registerStoreSecrets();
    for (const [label, value] of [
      ['security incoming token', incomingToken],
      ['security outgoing token', outgoingToken],
      ['non-admin password', user.password],
      ['app admin password', appAdmin.password],
    ]) {
      registerSecret(label, value);
    }
    api = await startApi(db, { cacheTtlMs: 100 });
    admin = basic(db.target.username ?? 'admin', db.target.password ?? '');
    await createUser(db, user.name, user.password, []);
    // A CHT app administrator is not a CouchDB server admin.
    await createUser(db, appAdmin.name, appAdmin.password, ['admin', 'national_admin']);
    const put = (key: string, secret: string) => call(api.url, 'PUT', `/api/v1/credentials/${key}`, { Authorization: admin, 'Content-Type': 'text/plain' }, secret);
    expect((await put('rapidpro:incoming', incomingToken)).status).to.equal(200);
    expect((await put('rapidpro:outgoing', outgoingToken)).status).to.equal(200);
    expect((await call(api.url, 'PUT', '/api/v1/settings', { Authorization: admin, 'Content-Type': 'application/json' }, JSON.stringify({ locale: 'en', sms: { outgoing_service: 'rapidpro', rapidpro: { url: 'https://textit.example' } } }))).status).to.equal(200);
  });
  after(async () => {
    await api?.close();
    await db?.drop();
  });

  /** Revisions of everything a refused call could have changed. */
  async function revisions(): Promise<string> {
    const vault = await db.couch.db(vaultDbName(db.target.dbName)).allDocs({});
    const settings = await db.couch.db(db.target.dbName).get<{ _id: string; _rev: string }>('settings');
    return JSON.stringify({ vault: vault.rows.map((r) => [r.id, r.value.rev]), settings: settings?._rev });
  }

  describe('credentials and settings refuse everyone but CouchDB server admins', () => {
    const endpoints: Array<[string, string, string?]> = [
      ['PUT', '/api/v1/credentials/rapidpro:incoming', 'stolen-incoming-key'],
      ['PUT', '/api/v1/credentials/rapidpro:outgoing', 'stolen-outgoing-key'],
      ['PUT', '/api/v1/credentials/rapidpro%3Aoutgoing', 'stolen-outgoing-key'],
      ['GET', '/api/v1/settings'],
      ['PUT', '/api/v1/settings', JSON.stringify({ sms: { rapidpro: { url: 'https://evil.example' } } })],
      ['PUT', '/api/v1/settings?replace=true', JSON.stringify({})],
    ];

    it('answers 401 (with WWW-Authenticate) to anonymous callers and to wrong or malformed credentials', async () => {
      const before = await revisions();
      const anonymous: Array<[string, Record<string, string>]> = [
        ['no credentials', {}],
        ['a wrong admin password', { Authorization: basic(db.target.username ?? 'admin', 'not-the-password') }],
        ['the admin password with a character more', { Authorization: basic(db.target.username ?? 'admin', `${db.target.password ?? ''}x`) }],
        ['an unknown user', { Authorization: basic('nobody-at-all', 'x') }],
        ['an empty Basic', { Authorization: 'Basic ' }],
        ['Basic without a colon', { Authorization: `Basic ${Buffer.from('admin').toString('base64')}` }],
        ['Basic that is not base64', { Authorization: 'Basic %%%' }],
        ['the incoming token', { Authorization: `Token ${incomingToken}` }],
        ['a Bearer token', { Authorization: 'Bearer abc' }],
        ['a forged AuthSession cookie', { Cookie: `AuthSession=${Buffer.from(`admin:${Date.now().toString(16)}:forged`).toString('base64url')}` }],
      ];
      for (const [method, path, body] of endpoints) {
        for (const [label, headers] of anonymous) {
          const res = await call(api.url, method, path, { 'Content-Type': 'text/plain', ...headers }, body);
          expectJsonError(res, 401, `${method} ${path} with ${label}`);
          expect(res.headers['www-authenticate'], `${method} ${path} with ${label}`).to.match(/^Basic /);
          expectSecurityHeaders(res, `${method} ${path} with ${label}`);
        }
      }
      expect(await revisions(), 'nothing saved').to.equal(before);
    });

    it('answers 403 "Insufficient permissions" to real CouchDB users who are not server admins, CHT app admins included', async () => {
      const before = await revisions();
      for (const [method, path, body] of endpoints) {
        for (const who of [user, appAdmin]) {
          const res = await call(api.url, method, path, { Authorization: basic(who.name, who.password), 'Content-Type': 'text/plain' }, body);
          expectJsonError(res, 403, `${method} ${path} as ${who.name}`);
          expect(res.json).to.deep.equal({ code: 403, error: 'Insufficient permissions' });
          expectSecurityHeaders(res, `${method} ${path} as ${who.name}`);
        }
      }
      expect(await revisions(), 'nothing saved').to.equal(before);
    });

    it('refuses a non-admin\'s own CouchDB session cookie too, and a wrong password right after a good one', async () => {
      // CouchDB's own answer (not recorded for the scan: it rightly holds the cookie).
      const login = await request(`${db.target.publicServerUrl.replace(/\/+$/, '')}/_session`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: user.name, password: user.password }) });
      const cookie = String(login.headers['set-cookie']?.[0] ?? '').split(';')[0];
      expect(cookie, 'CouchDB gave the user a session cookie').to.match(/^AuthSession=.{8,}/);
      registerSecret(`${user.name}'s session cookie`, cookie.slice('AuthSession='.length));
      const before = await revisions();
      for (const [method, path, body] of endpoints) {
        const res = await call(api.url, method, path, { Cookie: cookie, 'Content-Type': 'text/plain' }, body);
        // 403 from a real CouchDB; the embedded store's guard accepts only the admin's Basic credentials: 401.
        expect([401, 403], `${method} ${path} with ${user.name}'s cookie`).to.include(res.status);
        expectJsonError(res, res.status, `${method} ${path} with a cookie`);
      }
      // A good admin call is remembered for a few seconds: the memory is of those exact credentials.
      expect((await call(api.url, 'GET', '/api/v1/settings', { Authorization: admin })).status).to.equal(200);
      const wrong = await call(api.url, 'PUT', '/api/v1/credentials/rapidpro:incoming', { Authorization: basic(db.target.username ?? 'admin', 'wrong') }, 'x');
      expectJsonError(wrong, 401, 'a wrong password right after a good one');
      expect(await revisions(), 'nothing saved').to.equal(before);
      expect(await api.vault.get('rapidpro:incoming')).to.equal(incomingToken);
    });

    it('never gives a credential back, whatever the method or the caller', async () => {
      for (const method of ['GET', 'HEAD', 'POST', 'DELETE', 'PATCH', 'OPTIONS']) {
        for (const auth of [{}, { Authorization: admin }] as Array<Record<string, string>>) {
          for (const path of ['/api/v1/credentials/rapidpro:incoming', '/api/v1/credentials/rapidpro%3Aoutgoing']) {
            const res = await call(api.url, method, path, auth);
            expect(res.status, `${method} ${path}`).to.equal(405);
            expect(res.text).to.not.include(incomingToken).and.not.include(outgoingToken);
          }
        }
      }
    });
  });

  describe('sms.rapidpro.url with credentials in it', () => {
    // Passwords that cannot occur in an error message by chance, so an echo would show.
    const urls = [
      'http://user:Pw1-Qx7@rapidpro.example.org',
      'https://user:Pw2-Qx7@rapidpro.example.org/prefix',
      'https://admin:Pw3-Qx7@textit.in:8443',
      'https://token-only@textit.in',
      'https://:Pw4-Qx7@textit.in',
      'HTTPS://USER:PW5-QX7@TEXTIT.IN',
      'https://us%65r:Pw6%40Qx7@textit.in',
      'https://user:Pw7-Qx7@127.0.0.1:8000',
      'https://user:Pw8-Qx7@[::1]:8000/',
      'https://textit.in@evil.example',
      'https://a:Pw9-Qx7@c:d@evil.example',
      ' https://user:Pw10-Qx7@textit.in ',
    ];

    for (const replace of [false, true]) {
      it(`is refused with 400 naming the field, in every spelling, and nothing is saved${replace ? ' (?replace=true)' : ''}`, async () => {
        const before = await revisions();
        const accepted: string[] = [];
        for (const url of urls) {
          const res = await call(api.url, 'PUT', `/api/v1/settings${replace ? '?replace=true' : ''}`, { Authorization: admin, 'Content-Type': 'application/json' }, JSON.stringify({ sms: { outgoing_service: 'rapidpro', rapidpro: { url } } }));
          if (res.status !== 400) {
            accepted.push(`${url} -> ${res.status} ${res.text.slice(0, 120)}`);
            continue;
          }
          expectJsonError(res, 400, url);
          expect((res.json as { error: string }).error, url).to.include('sms.rapidpro.url');
          const password = /:\/\/[^/@]*:([^@/]+)@/.exec(url)?.[1];
          if (password) {
            expect(res.text, `the password of ${url} is not echoed`).to.not.include(password);
          }
        }
        expect(accepted, 'URLs with a user or password that were saved').to.deep.equal([]);
        expect(await revisions(), 'nothing saved').to.equal(before);
        const settings = await call(api.url, 'GET', '/api/v1/settings', { Authorization: admin });
        expect((settings.json as { sms: { rapidpro: { url: string } } }).sms.rapidpro.url).to.equal('https://textit.example');
      });
    }

    it('still accepts the plain URL forms', async () => {
      for (const url of ['https://textit.in', 'http://rapidpro.example.org:8000/prefix', 'https://textit.example']) {
        const res = await call(api.url, 'PUT', '/api/v1/settings', { Authorization: admin, 'Content-Type': 'application/json' }, JSON.stringify({ sms: { rapidpro: { url } } }));
        expect(res.status, url).to.equal(200);
      }
    });
  });

  describe('request bodies are size-limited (413), and nothing is saved', () => {
    const auth = { Authorization: `Token ${incomingToken}` };

    it('incoming: 1 MiB + 1 byte, by Content-Length and chunked', async () => {
      const body = (id: string, size: number) => {
        const base = JSON.stringify({ id, from: '+254712345678', content: '' });
        return base.slice(0, -1) + ',"pad":"' + 'p'.repeat(size - base.length - 9) + '"}';
      };
      const exact = body('sec-413-a', MIB + 1);
      expect(Buffer.byteLength(exact)).to.equal(MIB + 1);
      for (const path of [V2, V1]) {
        expectJsonError(await call(api.url, 'POST', path, { ...auth, 'Content-Type': 'application/json' }, exact), 413, `${path} by Content-Length`);
        expectJsonError(await call(api.url, 'POST', path, { ...auth, 'Transfer-Encoding': 'chunked' }, body('sec-413-b', MIB + 1)), 413, `${path} chunked`);
      }
      for (const id of ['sec-413-a', 'sec-413-b']) {
        expect(await db.couch.db(db.target.dbName).get(incomingDocId(id)), id).to.equal(undefined);
      }
    });

    it('incoming: a gzip bomb is refused by its inflated size', async () => {
      const inflated = Buffer.concat([Buffer.from('{"id":"sec-bomb","from":"+254712345678","content":"'), Buffer.alloc(64 * MIB, 0x61), Buffer.from('"}')]);
      const bomb = zlib.gzipSync(inflated, { level: 9 });
      expect(bomb.length).to.be.below(MIB / 4);
      const res = await call(api.url, 'POST', V2, { ...auth, 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }, bomb);
      expectJsonError(res, 413, 'gzip bomb');
      expect(await db.couch.db(db.target.dbName).get(incomingDocId('sec-bomb'))).to.equal(undefined);
    });

    it('credentials: over 64 KiB; settings: over 10 MiB', async () => {
      const before = await revisions();
      const credential = await call(api.url, 'PUT', '/api/v1/credentials/rapidpro:outgoing', { Authorization: admin, 'Content-Type': 'text/plain' }, Buffer.alloc(64 * 1024 + 1, 0x6b));
      expectJsonError(credential, 413, 'credential over 64 KiB');
      const big = JSON.stringify({ note: 'n'.repeat(10 * MIB) });
      const settings = await call(api.url, 'PUT', '/api/v1/settings', { Authorization: admin, 'Content-Type': 'application/json' }, big);
      expectJsonError(settings, 413, 'settings over 10 MiB');
      expect(await revisions(), 'nothing saved').to.equal(before);
      expect(await api.vault.get('rapidpro:outgoing')).to.equal(outgoingToken);
    });
  });

  it('sets the security headers on every kind of response', async () => {
    const cases: Array<[number, string, string, Record<string, string>, string?]> = [
      [200, 'POST', V2, { Authorization: `Token ${incomingToken}` }, JSON.stringify({ id: 'sec-headers', from: '+254712345678', content: 'hi' })],
      [200, 'POST', V1, { Authorization: `Token ${incomingToken}` }, JSON.stringify({ id: 'sec-headers', from: '+254712345678', content: 'hi' })],
      [403, 'POST', V2, {}, '{}'],
      [403, 'POST', V2, { Authorization: 'Token wrong' }, '{}'],
      [400, 'POST', V2, { Authorization: `Token ${incomingToken}` }, '{"id":'],
      [400, 'POST', V2, { Authorization: `Token ${incomingToken}` }, '{}'],
      [413, 'POST', V2, { Authorization: `Token ${incomingToken}` }, JSON.stringify({ id: 'sec-big', from: '+1', content: 'c'.repeat(MIB) })],
      [415, 'POST', V2, { Authorization: `Token ${incomingToken}`, 'Content-Encoding': 'x-unknown' }, '{}'],
      [405, 'GET', V2, {}],
      [401, 'GET', '/api/v1/settings', {}],
      [403, 'GET', '/api/v1/settings', { Authorization: basic(user.name, user.password) }],
      [200, 'GET', '/api/v1/settings', { Authorization: admin }],
      [400, 'PUT', '/api/v1/settings', { Authorization: admin }, '[]'],
      [400, 'PUT', '/api/v1/credentials/rapidpro:incoming', { Authorization: admin }, ''],
      [405, 'DELETE', '/api/v1/credentials/rapidpro:incoming', { Authorization: admin }],
      [200, 'GET', '/health', {}],
      [200, 'HEAD', '/health', {}],
      [405, 'POST', '/health', {}],
      [404, 'GET', '/nope', {}],
      [404, 'GET', '/%ZZ', {}],
    ];
    for (const [status, method, path, headers, body] of cases) {
      const res = await call(api.url, method, path, headers, body);
      expect(res.status, `${method} ${path}: ${res.text.slice(0, 160)}`).to.equal(status);
      expectSecurityHeaders(res, `${method} ${path} (${status})`);
      if (method !== 'HEAD') {
        expect(res.headers['content-type'], `${method} ${path}`).to.match(/^application\/json/);
      }
      if (status >= 400) {
        expectJsonError(res, status, `${method} ${path}`);
      }
    }
  });

  it('keeps only ciphertext in the vault, and no secret in any of the three databases', async () => {
    const odd = `sec-odd-${crypto.randomBytes(8).toString('hex')}-ünïcødé-🙂`;
    registerSecret('odd credential', odd);
    expect((await call(api.url, 'PUT', '/api/v1/credentials/fuzz%3Aodd%20key', { Authorization: admin, 'Content-Type': 'text/plain; charset=utf-8' }, odd)).status).to.equal(200);
    // The same secret stored twice gives two different ciphertexts (a fresh IV each time).
    const vaultDb = db.couch.db(vaultDbName(db.target.dbName));
    const first = await vaultDb.get<{ _id: string; password: string }>(credentialDocId('rapidpro:incoming'));
    expect((await call(api.url, 'PUT', '/api/v1/credentials/rapidpro:incoming', { Authorization: admin }, incomingToken)).status).to.equal(200);
    const second = await vaultDb.get<{ _id: string; password: string }>(credentialDocId('rapidpro:incoming'));
    expect(second?.password).to.match(/^[0-9a-f]{32}:[0-9a-f]+$/);
    expect(second?.password).to.not.equal(first?.password);

    const forms = (s: string) => [s, Buffer.from(s).toString('base64'), Buffer.from(s).toString('hex'), encodeURIComponent(s)];
    for (const name of [vaultDbName(db.target.dbName), db.target.dbName, metaDbName(db.target.dbName)]) {
      const all = await db.couch.db(name).allDocs<unknown>({ include_docs: true });
      const text = JSON.stringify(all.rows);
      for (const secret of [incomingToken, outgoingToken, odd, db.target.password ?? '']) {
        for (const form of forms(secret)) {
          expect(text.includes(form), `${name} holds a secret (${form.slice(0, 12)}…)`).to.equal(false);
        }
      }
    }
    expect(await api.vault.get('fuzz:odd key')).to.equal(odd);
  });

  describe('the incoming token comparison', () => {
    let spy: sinon.SinonSpy<Parameters<typeof crypto.timingSafeEqual>, boolean>;
    beforeEach(() => {
      spy = sinon.spy(crypto, 'timingSafeEqual');
    });
    afterEach(() => {
      spy.restore();
    });

    const digest = (text: string) => crypto.createHash('sha256').update(text, 'utf8').digest();
    /** The calls that compared exactly these two values (CouchDB's guard uses timingSafeEqual too). */
    const comparisons = (given: string, expected: string) =>
      spy.getCalls().filter((c) => Buffer.isBuffer(c.args[0]) && Buffer.isBuffer(c.args[1]) && Buffer.from(c.args[0] as Uint8Array).equals(digest(given)) && Buffer.from(c.args[1] as Uint8Array).equals(digest(expected)));

    it('goes through crypto.timingSafeEqual on two equal-length digests, whatever the lengths of the tokens', () => {
      for (const given of ['', 'x', incomingToken.slice(0, -1), incomingToken, `${incomingToken}x`, 'y'.repeat(10000)]) {
        spy.resetHistory();
        expect(tokensMatch(given, incomingToken)).to.equal(given === incomingToken);
        expect(spy.callCount, given.slice(0, 20)).to.equal(1);
        const [a, b] = spy.firstCall.args as [Uint8Array, Uint8Array];
        expect(a.length).to.equal(32);
        expect(b.length).to.equal(32);
      }
    });

    it('is the comparison the webhook makes, for a right token and for wrong ones of any length', async () => {
      for (const given of [incomingToken, 'short', `${incomingToken}-longer`, incomingToken.replace(/.$/, '0')]) {
        spy.resetHistory();
        const res = await call(api.url, 'POST', V2, { Authorization: `Token ${given}`, 'Content-Type': 'application/json' }, JSON.stringify({ id: `sec-ct-${crypto.randomBytes(4).toString('hex')}`, from: '+254712345678', content: 'x' }));
        expect(res.status, given.slice(0, 20)).to.equal(given === incomingToken ? 200 : 403);
        const made = comparisons(given, incomingToken);
        expect(made, `one constant-time comparison for ${given.slice(0, 20)}`).to.have.length(1);
        expect(made[0].returnValue).to.equal(given === incomingToken);
      }
    });
  });

  it('keeps logging, and keeps the secret out of the log, after a credential longer than a regular expression can hold', async () => {
    // Once broke the log's redaction ("Regular expression too large"): a 500 page with the secret and a stack in it, then a crash.
    const long = `sec-long-${crypto.randomBytes(8).toString('hex')}-${'L'.repeat(60000)}`;
    registerSecret('a 60 KB credential', long);
    const res = await call(api.url, 'PUT', '/api/v1/credentials/sec:long', { Authorization: admin, 'Content-Type': 'text/plain' }, long);
    expect(res.status, res.text.slice(0, 200)).to.equal(200);
    expect(res.json).to.deep.equal({ ok: true });
    const health = await call(api.url, 'GET', '/health');
    expect(health.status).to.equal(200);
    expect(await api.vault.get('sec:long')).to.equal(long);
    expect(db.logs.text()).to.include('Stored credential "sec:long"');
    expect(db.logs.text()).to.not.include(long.slice(0, 40));
  });
});
