import { expect } from 'chai';
import { startSim, type Harness } from './helpers';

const MESSAGES = '/api/v2/messages.json';

describe('rapidpro-simulator: routing and authentication', () => {
  let h: Harness;

  before(async () => {
    h = await startSim({
      workspaces: [
        { token: 'sim-token', name: 'Alpha', extraTokens: ['alpha-2'] },
        { token: 'beta-token', name: 'Beta' },
      ],
    });
  });
  after(() => h.close());
  beforeEach(() => h.sim.reset({
    workspaces: [
      { token: 'sim-token', name: 'Alpha', extraTokens: ['alpha-2'] },
      { token: 'beta-token', name: 'Beta' },
    ],
  }));

  const refusals: Array<[string, Record<string, string>, string]> = [
    ['no Authorization header', {}, 'Authentication credentials were not provided.'],
    ['another scheme', { Authorization: 'Bearer sim-token' }, 'Authentication credentials were not provided.'],
    ['"Token" with no key', { Authorization: 'Token' }, 'Invalid token header. No credentials provided.'],
    ['a key with spaces', { Authorization: 'Token sim token' }, 'Invalid token header. Token string should not contain spaces.'],
    ['an unknown token', { Authorization: 'Token nope' }, 'Invalid token'],
    ['Basic with an unknown token', { Authorization: `Basic ${Buffer.from('me@x.org:nope').toString('base64')}` }, 'Invalid token or email'],
    ['Basic that is not base64', { Authorization: 'Basic %%%' }, 'Invalid basic header. Credentials not correctly base64 encoded.'],
  ];
  for (const [label, headers, detail] of refusals) {
    it(`answers 403 {"detail": "${detail}"} for ${label}`, async () => {
      const res = await h.api(MESSAGES, { token: null, headers });
      expect(res.status).to.equal(403);
      expect(res.json).to.deep.equal({ detail });
      expect(res.headers.get('x-temba-org')).to.equal(null);
    });
  }

  it('matches the Token keyword case-insensitively and accepts Basic with the token as password', async () => {
    expect((await h.api(MESSAGES, { token: null, headers: { Authorization: 'token sim-token' } })).status).to.equal(200);
    expect((await h.api(MESSAGES, { token: null, headers: { Authorization: 'TOKEN   sim-token ' } })).status).to.equal(200);
    const basic = `Basic ${Buffer.from('admin@example.org:beta-token').toString('base64')}`;
    const res = await h.api(MESSAGES, { token: null, headers: { Authorization: basic } });
    expect(res.status).to.equal(200);
    expect(h.sim.requests().at(-1)?.workspace).to.equal('Beta');
  });

  it('adds X-Temba-Org on authenticated rp9 answers only, not upstream', async () => {
    const rp9 = await h.api(MESSAGES, { token: 'beta-token' });
    expect(rp9.headers.get('x-temba-org')).to.match(/^\d+$/);
    expect(rp9.headers.get('x-temba-org')).to.not.equal((await h.api(MESSAGES)).headers.get('x-temba-org'));
    h.sim.configure({ mode: 'upstream' });
    expect((await h.api(MESSAGES)).headers.get('x-temba-org')).to.equal(null);
  });

  it('checks authentication before throttling, and refused requests use no quota', async () => {
    h.sim.configure({ throttle: { rates: { 'v2.messages': 2 } } });
    for (let i = 0; i < 5; i++) expect((await h.api(MESSAGES, { token: 'bad' })).status).to.equal(403);
    expect((await h.api(MESSAGES)).status).to.equal(200);
    expect((await h.api(MESSAGES)).status).to.equal(200);
    expect((await h.api(MESSAGES)).status).to.equal(429);
    const afterLimit = await h.api(MESSAGES, { token: 'bad' });
    expect(afterLimit.status).to.equal(403);
    expect(afterLimit.json).to.deep.equal({ detail: 'Invalid token' });
  });

  it('keeps each workspace apart: data and throttle buckets, shared by the tokens of one workspace', async () => {
    h.sim.configure({ throttle: { rates: { 'v2.messages': 1 } } });
    expect((await h.api(MESSAGES, { token: 'sim-token' })).status).to.equal(200);
    expect((await h.api(MESSAGES, { token: 'alpha-2' })).status).to.equal(429);
    expect((await h.api(MESSAGES, { token: 'beta-token' })).status).to.equal(200);

    const created = await h.post({ urns: ['tel:+254712345678'], text: 'hi' }, { token: 'beta-token' });
    expect(created.status).to.equal(201);
    expect(h.sim.broadcasts('beta-token').map((b) => b.id)).to.deep.equal([(created.json as { id: number }).id]);
    expect(h.sim.broadcasts('sim-token')).to.deep.equal([]);
    expect((await h.api('/api/v2/broadcasts.json', { token: 'alpha-2' })).json).to.deep.equal({ next: null, previous: null, results: [] });
  });

  it('answers GET workspace.json with the workspace of the token (same uuid for every token of one workspace), in the v2 scope', async () => {
    const a = await h.api('/api/v2/workspace.json', { token: 'sim-token' });
    const a2 = await h.api('/api/v2/workspace.json', { token: 'alpha-2' });
    const b = await h.api('/api/v2/workspace.json', { token: 'beta-token' });
    expect(a.status).to.equal(200);
    const body = a.json as { uuid: string; name: string; languages: string[]; anon: boolean };
    expect(Object.keys(body)).to.deep.equal(['uuid', 'name', 'country', 'languages', 'timezone', 'date_style', 'anon']);
    expect(body.uuid).to.match(/^[0-9a-f-]{36}$/);
    expect((a2.json as { uuid: string }).uuid).to.equal(body.uuid);
    expect((b.json as { uuid: string }).uuid).to.not.equal(body.uuid);
    expect((await h.api('/api/v2/workspace.json', { token: 'bad' })).status).to.equal(403);
    h.sim.configure({ throttle: { rates: { v2: 1 } } });
    expect((await h.api('/api/v2/workspace.json', { token: 'beta-token' })).status).to.equal(429);
  });

  it('treats a token removed by configure as unknown (switching accounts)', async () => {
    h.sim.configure({ workspaces: [{ token: 'beta-token', name: 'Beta' }] });
    const res = await h.api(MESSAGES, { token: 'sim-token' });
    expect(res.status).to.equal(403);
    expect(res.json).to.deep.equal({ detail: 'Invalid token' });
    expect((await h.api(MESSAGES, { token: 'beta-token' })).status).to.equal(200);
  });

  it('answers 404 {"detail": "Not found."} for other /api/ paths, without authentication', async () => {
    for (const path of ['/api/v2/contacts.json', '/api/v2/messages', '/api/v2/messages.json/', '/api/v1/broadcasts.json']) {
      const res = await h.api(path, { token: null });
      expect(res.status, path).to.equal(404);
      expect(res.json, path).to.deep.equal({ detail: 'Not found.' });
    }
  });

  it('answers 405 for a wrong method, after authentication', async () => {
    const del = await h.api('/api/v2/broadcasts.json', { method: 'DELETE' });
    expect(del.status).to.equal(405);
    expect(del.json).to.deep.equal({ detail: 'Method "DELETE" not allowed.' });
    expect(del.headers.get('allow')).to.equal('GET, POST, HEAD, OPTIONS');
    const put = await h.api(MESSAGES, { method: 'PUT', rawBody: '{}' });
    expect(put.json).to.deep.equal({ detail: 'Method "PUT" not allowed.' });
    expect((await h.api(MESSAGES, { method: 'DELETE', token: null })).status).to.equal(403);
    const head = await h.api(MESSAGES, { method: 'HEAD' });
    expect(head.status).to.equal(200);
    expect(head.text).to.equal('');
  });
});
