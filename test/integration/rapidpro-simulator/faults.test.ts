import { expect } from 'chai';
import type { FaultSpec, RequestLogEntry } from '../../rapidpro-simulator';
import { call, nextEvent, startSim, type Harness } from './helpers';

const BROADCASTS = '/api/v2/broadcasts.json';
const SEND = { urns: ['tel:+254712345678'], text: 'hello' };

describe('rapidpro-simulator: fault injection', () => {
  let h: Harness;
  before(async () => {
    h = await startSim();
  });
  after(() => h.close());
  beforeEach(() => h.sim.reset({ messageCreationDelayMs: 3_600_000, throttle: { rates: { 'v2.broadcasts': 2 } } }));

  /** Sends a POST that is expected to get no answer; resolves once the simulator logged it. */
  const postWithoutAnswer = async (): Promise<{ entry: RequestLogEntry; error: unknown }> => {
    const controller = new AbortController();
    const logged = nextEvent<RequestLogEntry>(h.sim.events, 'request');
    const sent = h.post(SEND, { signal: controller.signal }).then(
      () => null,
      (e: unknown) => e,
    );
    const entry = await logged;
    controller.abort(); // give up, as a client timeout would
    return { entry, error: await sent };
  };

  for (const phase of ['before', 'after'] as const) {
    const created = phase === 'after' ? 1 : 0;

    it(`500 ${phase}: RapidPro's plain-text error; broadcast created: ${created === 1}`, async () => {
      h.sim.injectFaults([{ kind: 'status', status: 500, phase }]);
      const res = await h.post(SEND);
      expect(res.status).to.equal(500);
      expect(res.text).to.equal('Server Error. Site administrators have been notified.');
      expect(h.sim.broadcasts()).to.have.length(created);
      const entry = h.sim.requests().at(-1);
      expect(entry).to.deep.include({ status: 500, fault: { kind: 'status', phase } });
      // the quota: phase before is not processed at all, phase after is
      expect((await h.post(SEND)).status).to.equal(201);
      expect((await h.post(SEND)).status).to.equal(created === 1 ? 429 : 201);
    });

    it(`502/503 ${phase}: a proxy error page`, async () => {
      h.sim.injectFaults([{ kind: 'status', status: 502, phase }, { kind: 'status', status: 503, phase }]);
      const first = await h.post(SEND);
      expect(first.status).to.equal(502);
      expect(first.headers.get('content-type')).to.equal('text/html');
      expect(first.text).to.contain('<title>502 Bad Gateway</title>');
      expect((await h.post(SEND)).status).to.equal(503);
      expect(h.sim.broadcasts()).to.have.length(2 * created);
    });

    it(`hang ${phase}: no answer until the client gives up`, async () => {
      h.sim.injectFaults([{ kind: 'hang', phase }]);
      const { entry, error } = await postWithoutAnswer();
      expect(entry).to.deep.include({ status: null, responseBody: null, fault: { kind: 'hang', phase } });
      expect((error as Error).name).to.equal('AbortError');
      expect(h.sim.broadcasts()).to.have.length(created);
    });

    it(`drop ${phase}: the connection is destroyed`, async () => {
      h.sim.injectFaults([{ kind: 'drop', phase }]);
      const error = await h.post(SEND).then(() => null, (e: unknown) => e);
      expect(error).to.be.instanceOf(TypeError); // fetch failed: other side closed
      expect(h.sim.requests().at(-1)).to.deep.include({ status: null, fault: { kind: 'drop', phase } });
      expect(h.sim.broadcasts()).to.have.length(created);
    });

    it(`empty ${phase}: 200 with no body`, async () => {
      h.sim.injectFaults([{ kind: 'empty', phase }]);
      const res = await h.post(SEND);
      expect(res.status).to.equal(200);
      expect(res.text).to.equal('');
      expect(h.sim.broadcasts()).to.have.length(created);
    });

    it(`html ${phase}: 200 with an HTML page`, async () => {
      h.sim.injectFaults([{ kind: 'html', phase }]);
      const res = await h.post(SEND);
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-type')).to.match(/^text\/html/);
      expect(res.text).to.match(/^<!DOCTYPE html>/);
      expect(h.sim.broadcasts()).to.have.length(created);
    });
  }

  it('matches by method and path, for the next N matching requests only', async () => {
    h.sim.injectFaults([{ kind: 'status', status: 503, method: 'get', path: '/api/v2/messages.json', times: 2 }]);
    expect((await h.post(SEND)).status).to.equal(201);
    expect((await h.api(BROADCASTS)).status).to.equal(200);
    expect(h.sim.pendingFaults()).to.have.length(1);
    expect(h.sim.pendingFaults()[0].remaining).to.equal(2);
    expect((await h.api('/api/v2/messages.json')).status).to.equal(503);
    expect((await h.api('/api/v2/messages.json?folder=sent')).status).to.equal(503);
    expect((await h.api('/api/v2/messages.json')).status).to.equal(200);
    expect(h.sim.pendingFaults()).to.deep.equal([]);
  });

  it('matches a path pattern and replies with a custom status, body and headers', async () => {
    h.sim.injectFaults([{ kind: 'status', status: 429, pathPattern: 'broadcasts', body: '{"detail":"slow down"}', contentType: 'application/json', headers: { 'Retry-After': '7' } }]);
    const res = await h.api(BROADCASTS);
    expect(res.status).to.equal(429);
    expect(res.headers.get('retry-after')).to.equal('7');
    expect(res.json).to.deep.equal({ detail: 'slow down' });
  });

  it('refuses malformed fault specs without queueing any', () => {
    const bad: unknown[] = [{ kind: 'explode' }, { kind: 'status', status: 99 }, { kind: 'hang', times: 0 }, { kind: 'drop', phase: 'during' }];
    for (const spec of bad) {
      expect(() => h.sim.injectFaults([{ kind: 'hang' }, spec as FaultSpec])).to.throw();
    }
    expect(h.sim.pendingFaults()).to.deep.equal([]);
  });

  it('ends hanging requests when the simulator closes', async () => {
    const other = await startSim();
    other.sim.injectFaults([{ kind: 'hang' }]);
    const logged = nextEvent<RequestLogEntry>(other.sim.events, 'request');
    const pending = call(`${other.url}/api/v2/messages.json`).then(() => 'answered', () => 'failed');
    await logged;
    await other.close();
    expect(await pending).to.equal('failed');
  });
});
