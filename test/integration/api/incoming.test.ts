import { expect } from 'chai';
import { incomingDocId, IncomingDataRecord } from '../../../shared-libs/messages/src';
import { startApi, TestApi } from '../../helpers/api';
import { eventually, request } from '../../helpers/http';
import { freshDb, TestDb } from '../../helpers/store';

const V2 = '/api/v2/sms/rapidpro/incoming-messages';
const V1 = '/api/v1/sms/radpidpro/incoming-messages';
const TOKEN = 'incoming-token-0123456789';

describe('POST incoming-messages (CONTRACT §3.1)', () => {
  let db: TestDb;
  let api: TestApi;

  before(async () => {
    db = await freshDb();
    api = await startApi(db, { cacheTtlMs: 200 });
  });
  after(async () => {
    await api.close();
    await db.drop();
  });

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    request(api.url + path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
    });
  const auth = { Authorization: `Token ${TOKEN}` };

  describe('before a key is stored', () => {
    it('answers 403 "Missing authorization token" without a header, even with no key configured', async () => {
      const res = await post(V2, { id: 'a', from: '+1', content: 'x' });
      expect(res.status).to.equal(403);
      expect(res.json).to.deep.equal({ code: 403, error: 'Missing authorization token' });
    });

    it('answers 403 "No incoming key configured"', async () => {
      const res = await post(V2, { id: 'a', from: '+1', content: 'x' }, auth);
      expect(res.status).to.equal(403);
      expect(res.json).to.deep.equal({ code: 403, error: 'No incoming key configured' });
    });
  });

  describe('with the key stored', () => {
    before(async () => {
      await api.vault.set('rapidpro:incoming', TOKEN);
    });

    for (const header of [undefined, 'Bearer x', 'Tokens x', 'token x', 'Token', 'Basic YTpi']) {
      it(`answers 403 "Missing authorization token" for Authorization: ${header ?? '(none)'}`, async () => {
        const res = await post(V2, { id: 'a', from: '+1' }, header ? { Authorization: header } : {});
        expect(res.status).to.equal(403);
        expect(res.json).to.deep.equal({ code: 403, error: 'Missing authorization token' });
      });
    }

    it('answers 403 "Incorrect token" for a wrong token, and for the right one with extra characters', async () => {
      for (const token of ['wrong', `${TOKEN}x`, TOKEN.slice(1)]) {
        const res = await post(V2, { id: 'a', from: '+1' }, { Authorization: `Token ${token}` });
        expect(res.status).to.equal(403);
        expect(res.json).to.deep.equal({ code: 403, error: 'Incorrect token' });
      }
    });

    it('stores a new message as a CHT data_record and answers {"saved":1}', async () => {
      const res = await post(V2, { id: 'run-1', from: '+254712345678', content: 'hello world', ignored: true }, auth);
      expect(res.status).to.equal(200);
      expect(res.json).to.deep.equal({ saved: 1 });
      const doc = await db.couch.db(db.target.dbName).get<IncomingDataRecord>(incomingDocId('run-1'));
      expect(doc).to.deep.include({ type: 'data_record', from: '+254712345678', errors: [], tasks: [], fields: {} });
      expect(doc?.reported_date).to.be.a('number');
      expect(doc?.sms_message).to.deep.equal({ type: 'sms_message', message: 'hello world', from: '+254712345678', form: 'HELLO', gateway_ref: 'run-1' });
      expect(doc).to.not.have.property('ignored');
    });

    it('answers a retry of a stored id with 200 {"saved":0,"duplicate":true} and keeps one document', async () => {
      const res = await post(V2, { id: 'run-1', from: '+254712345678', content: 'hello world' }, auth);
      expect(res.status).to.equal(200);
      expect(res.json).to.deep.equal({ saved: 0, duplicate: true });
      const found = await db.couch.db(db.target.dbName).view('cht-rapidpro', 'messages_by_gateway_ref', { key: 'run-1' });
      expect(found.rows).to.have.length(1);
    });

    it('stores one document when the same id arrives 50 times at once, and answers every post 200', async () => {
      const body = { id: 'run-concurrent', from: '+254712345678', content: 'same message' };
      const results = await Promise.all(Array.from({ length: 50 }, () => post(V2, body, auth)));
      expect(results.map((r) => r.status)).to.deep.equal(Array(50).fill(200));
      expect(results.filter((r) => (r.json as { saved: number }).saved === 1)).to.have.length(1);
      expect(results.filter((r) => (r.json as { duplicate?: boolean }).duplicate === true)).to.have.length(49);
      const found = await db.couch.db(db.target.dbName).view('cht-rapidpro', 'messages_by_gateway_ref', { key: 'run-concurrent' });
      expect(found.rows).to.have.length(1);
    });

    it('stores a burst of 200 messages, each posted twice at once, exactly once each (written together)', async () => {
      const bodies = Array.from({ length: 200 }, (_, i) => ({ id: `burst-${i}`, from: '+254712345678', content: `burst message ${i}` }));
      const results = await Promise.all([...bodies, ...bodies].map((body) => post(V2, body, auth)));
      expect(results.every((r) => r.status === 200), JSON.stringify(results.find((r) => r.status !== 200)?.json)).to.equal(true);
      expect(results.filter((r) => (r.json as { saved: number }).saved === 1)).to.have.length(200);
      expect(results.filter((r) => (r.json as { duplicate?: boolean }).duplicate === true)).to.have.length(200);
      const found = await db.couch.db(db.target.dbName).view<string, unknown>('cht-rapidpro', 'messages_by_gateway_ref', { keys: bodies.map((b) => b.id) });
      expect(found.rows.map((r) => r.key).sort()).to.deep.equal(bodies.map((b) => b.id).sort());
    });

    it('keeps a message whose text holds half a surrogate pair, with U+FFFD in its place (CouchDB refuses it as is)', async () => {
      // JSON text with \u escapes, as a sender writes them: half of one emoji, half of another, then a whole one.
      const res = await post(V2, '{"id":"half-emoji","from":"+254712345678","content":"smile \\ud83d and \\ude00 \\ud83d\\ude00"}', auth);
      expect(res.status).to.equal(200);
      const stored = await db.couch.db(db.target.dbName).view<string, unknown, { sms_message: { message: string } }>('cht-rapidpro', 'messages_by_gateway_ref', { key: 'half-emoji', include_docs: true });
      expect(stored.rows[0].doc?.sms_message.message).to.equal('smile \ufffd and \ufffd \ud83d\ude00');
    });

    it('behaves the same on the legacy v1 path', async () => {
      expect((await post(V1, { id: 'run-v1', from: '+254712345678', content: 'x' }, auth)).json).to.deep.equal({ saved: 1 });
      expect((await post(V1, { id: 'run-v1', from: '+254712345678', content: 'x' }, auth)).json).to.deep.equal({ saved: 0, duplicate: true });
      expect((await post(V1, { id: 'a', from: '+1' }, { Authorization: 'Token nope' })).status).to.equal(403);
    });

    it('parses JSON sent without a Content-Type', async () => {
      const res = await request(api.url + V2, { method: 'POST', headers: auth, body: JSON.stringify({ id: 'run-noct', from: '+254712345678', content: 'x' }) });
      expect(res.status).to.equal(200);
      expect(res.json).to.deep.equal({ saved: 1 });
    });

    it('parses JSON sent as text/plain or a form type', async () => {
      for (const [i, type] of ['text/plain', 'application/x-www-form-urlencoded'].entries()) {
        const res = await post(V2, JSON.stringify({ id: `run-ct-${i}`, from: '+254712345678', content: 'x' }), { ...auth, 'Content-Type': type });
        expect(res.json).to.deep.equal({ saved: 1 });
      }
    });

    it('stores a message with empty or missing content, with the sys.empty error', async () => {
      for (const [id, body] of [['run-empty', { content: '' }], ['run-missing', {}]] as const) {
        const res = await post(V2, { id, from: '+254712345678', ...body }, auth);
        expect(res.json).to.deep.equal({ saved: 1 });
        const doc = await db.couch.db(db.target.dbName).get<IncomingDataRecord>(incomingDocId(id));
        expect(doc?.errors.map((e) => e.code)).to.deep.equal(['sys.empty']);
      }
    });

    const badBodies: Array<[string, string]> = [
      ['malformed JSON', '{"id": "x", '],
      ['an array', '[{"id":"x","from":"+1"}]'],
      ['a number', '42'],
      ['null', 'null'],
      ['nothing', ''],
      ['latin-1 garbage', '\xff\xfe{'],
    ];
    for (const [label, body] of badBodies) {
      it(`answers 400 with a clear message for ${label}`, async () => {
        const res = await post(V2, body, auth);
        expect(res.status).to.equal(400);
        expect((res.json as { error: string }).error).to.match(/JSON|empty/);
      });
    }

    it('answers 400 "Message was not saved" naming missing or empty fields', async () => {
      const cases: Array<[unknown, string[]]> = [
        [{ from: '+1', content: 'x' }, ['id']],
        [{ id: 'x', content: 'x' }, ['from']],
        [{ id: '', from: '', content: 'x' }, ['id', 'from']],
      ];
      for (const [body, fields] of cases) {
        const res = await post(V2, body, auth);
        expect(res.status).to.equal(400);
        const json = res.json as { code: number; error: string; details: Record<string, string> };
        expect(json.code).to.equal(400);
        expect(json.error).to.equal('Message was not saved');
        expect(Object.keys(json.details)).to.deep.equal(fields);
      }
    });

    it('answers 413 for a body over 1 MiB, and stores nothing', async () => {
      const big = JSON.stringify({ id: 'run-big', from: '+254712345678', content: 'x'.repeat(1024 * 1024) });
      const res = await post(V2, big, auth);
      expect(res.status).to.equal(413);
      expect((res.json as { code: number }).code).to.equal(413);
      expect(await db.couch.db(db.target.dbName).get(incomingDocId('run-big'))).to.equal(undefined);
    });

    it('accepts a body just under 1 MiB', async () => {
      const body = JSON.stringify({ id: 'run-near', from: '+254712345678', content: '' });
      const padded = body.slice(0, -1) + ',"pad":"' + 'y'.repeat(1024 * 1024 - body.length - 10) + '"}';
      expect(Buffer.byteLength(padded)).to.be.below(1024 * 1024);
      expect((await post(V2, padded, auth)).json).to.deep.equal({ saved: 1 });
    });

    it('answers errors as JSON even when the client asks for text', async () => {
      const res = await post(V2, { id: 'a', from: '+1' }, { Authorization: 'Token wrong', Accept: 'text/plain' });
      expect(res.headers['content-type']).to.match(/^application\/json/);
      expect(res.json).to.deep.equal({ code: 403, error: 'Incorrect token' });
    });

    it('answers 405 for other methods', async () => {
      const res = await request(api.url + V2, { method: 'GET', headers: auth });
      expect(res.status).to.equal(405);
      expect(res.headers.allow).to.equal('POST');
      expect((res.json as { code: number }).code).to.equal(405);
    });

    it('takes a new token into account within a few seconds, without restart', async () => {
      await api.vault.set('rapidpro:incoming', 'second-token-abcdef');
      await eventually(async () => {
        const res = await post(V2, { id: 'run-rotated', from: '+254712345678', content: 'x' }, { Authorization: 'Token second-token-abcdef' });
        return res.status === 200 ? res : undefined;
      }, 5000, 'the new token to be accepted');
      const old = await post(V2, { id: 'run-old', from: '+254712345678', content: 'x' }, auth);
      expect(old.json).to.deep.equal({ code: 403, error: 'Incorrect token' });
      await api.vault.set('rapidpro:incoming', TOKEN);
    });

    it('never writes a token to the log', async () => {
      await post(V2, { id: 'a', from: '+1' }, { Authorization: `Token ${TOKEN}-wrong` });
      expect(db.logs.text()).to.not.include(TOKEN);
      expect(db.logs.text()).to.match(/POST \/api\/v2\/sms\/rapidpro\/incoming-messages 403 [\d.]+ms req=[0-9a-f]{12}/);
    });
  });
});
