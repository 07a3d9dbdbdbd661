import http from 'node:http';
import net from 'node:net';
import { expect } from 'chai';
import { describeClientError } from '../../../api/src/http-server';
import { startApi, TestApi } from '../../helpers/api';
import { request } from '../../helpers/http';
import { freshDb, TestDb } from '../../helpers/store';

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  json: unknown;
}

/**
 * Writes bytes on a raw socket (what no well-behaved client would send) and reads the answer until
 * the server closes the connection, so each test also shows that the connection is not held open.
 */
function rawExchange(url: string, bytes: string): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.write(bytes));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head, ...rest] = text.split('\r\n\r\n');
      const [statusLine, ...headerLines] = head.split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of headerLines) {
        const i = line.indexOf(':');
        headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
      }
      const body = rest.join('\r\n\r\n');
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = body;
      }
      resolve({ status: Number(statusLine.split(' ')[1]), headers, json });
    });
  });
}

describe('API: requests refused before routing, and time limits', () => {
  let db: TestDb;
  let api: TestApi;

  before(async () => {
    db = await freshDb();
    // Short limits so a stalled client is cut off within the test; the defaults are 20 s and 60 s.
    api = await startApi(db, { timeouts: { headersTimeoutMs: 400, requestTimeoutMs: 600, checkIntervalMs: 100 } });
  });
  after(async () => {
    await api.close();
    await db.drop();
  });

  it('answers a header line without a colon with a JSON 400 and closes the connection', async () => {
    const res = await rawExchange(api.url, 'GET /health HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n');
    expect(res.status).to.equal(400);
    expect(res.headers['content-type']).to.match(/^application\/json/);
    expect(res.headers.connection).to.equal('close');
    expect(res.json).to.deep.include({ code: 400 });
    expect((res.json as { error: string }).error).to.match(/^Malformed HTTP request: /);
  });

  it('answers a request line that is not HTTP with a JSON 400', async () => {
    const res = await rawExchange(api.url, 'GARBAGE\r\n\r\n');
    expect(res.status).to.equal(400);
    expect(res.json).to.deep.include({ code: 400 });
  });

  it('refuses Content-Length together with chunked encoding (request smuggling) with a JSON 400', async () => {
    const res = await rawExchange(
      api.url,
      'POST /api/v2/sms/rapidpro/incoming-messages HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    );
    expect(res.status).to.equal(400);
    expect(res.json).to.deep.include({ code: 400 });
  });

  it('answers an HTTP/1.1 request without a Host header with a JSON 400', async () => {
    const res = await rawExchange(api.url, 'GET /health HTTP/1.1\r\nConnection: close\r\n\r\n');
    expect(res.status).to.equal(400);
    expect(res.json).to.deep.equal({ code: 400, error: 'Malformed HTTP request: an HTTP/1.1 request needs a Host header' });
  });

  it('answers oversized headers with a JSON 431', async () => {
    const res = await rawExchange(api.url, `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20000)}\r\n\r\n`);
    expect(res.status).to.equal(431);
    expect(res.json).to.deep.equal({ code: 431, error: 'Request headers are too large' });
  });

  it('answers an Expect header other than 100-continue with a JSON 417', async () => {
    const res = await rawExchange(api.url, 'GET /health HTTP/1.1\r\nHost: x\r\nExpect: teapot\r\n\r\n');
    expect(res.status).to.equal(417);
    expect(res.json).to.deep.include({ code: 417 });
  });

  it('answers a client that stops sending its body with a JSON 408 instead of holding the connection', async () => {
    // With a valid token, so the webhook goes on to read the body.
    await api.vault.set('rapidpro:incoming', 'http-errors-token');
    const res = await rawExchange(
      api.url,
      'POST /api/v2/sms/rapidpro/incoming-messages HTTP/1.1\r\nHost: x\r\nAuthorization: Token http-errors-token\r\n' +
        'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"id":',
    );
    expect(res.status).to.equal(408);
    expect(res.json).to.deep.equal({ code: 408, error: 'The request was not received in time' });
  });

  it('closes the connection after a 408 even when the client keeps it open and goes on trickling bytes', async () => {
    await api.vault.set('rapidpro:incoming', 'http-errors-token');
    const { hostname, port } = new URL(api.url);
    // Resolves only when the connection is closed: a server that leaves it open fails by timing out.
    const answer = await new Promise<string>((resolve) => {
      // allowHalfOpen: the client does not close its side when the server ends its own.
      const socket = net.connect({ host: hostname, port: Number(port), allowHalfOpen: true });
      let answer = '';
      const trickle = setInterval(() => socket.write('x'), 50);
      socket.on('connect', () =>
        socket.write(
          'POST /api/v2/sms/rapidpro/incoming-messages HTTP/1.1\r\nHost: x\r\nAuthorization: Token http-errors-token\r\nContent-Length: 100000\r\n\r\n{',
        ),
      );
      socket.on('data', (chunk: Buffer) => (answer += chunk.toString('utf8')));
      socket.on('error', () => undefined);
      socket.on('close', () => {
        clearInterval(trickle);
        resolve(answer);
      });
    });
    expect(answer).to.match(/^HTTP\/1\.1 408 /);
  });

  it('answers a client that never finishes its headers with a JSON 408', async () => {
    const res = await rawExchange(api.url, 'GET /health HTTP/1.1\r\nHost: x\r\n');
    expect(res.status).to.equal(408);
  });

  it('logs what was refused without the request bytes', async () => {
    await rawExchange(api.url, 'GET /health HTTP/1.1\r\nHost: x\r\nAuthorization: Token leaked-in-a-bad-request\r\nBad Header\r\n\r\n');
    const lines = db.logs.lines().filter((l) => l.includes('Refused a request'));
    expect(lines.length).to.be.greaterThan(0);
    expect(db.logs.text()).not.to.include('leaked-in-a-bad-request');
  });

  it('keeps serving well-formed requests after refusing malformed ones', async () => {
    const res = await request(`${api.url}/health`);
    expect(res.status).to.be.oneOf([200, 503]);
    expect(res.json).to.be.an('object');
  });

  it('answers an endless body with 413 at once, without reading the rest first', async () => {
    // The default time limits here: the 413 must not depend on a timeout to arrive.
    const roomy = await startApi(db);
    await roomy.vault.set('rapidpro:incoming', 'http-errors-token');
    const total = 256 * 1024 * 1024;
    const { status, json, sentWhenAnswered } = await new Promise<{ status: number; json: unknown; sentWhenAnswered: number }>((resolve, reject) => {
      const { hostname, port } = new URL(roomy.url);
      let sent = 0;
      let answered = false;
      const req = http.request(
        { host: hostname, port, method: 'POST', path: '/api/v2/sms/rapidpro/incoming-messages', headers: { Authorization: 'Token http-errors-token' } },
        (res) => {
          answered = true;
          const atAnswer = sent;
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text), sentWhenAnswered: atAnswer }));
        },
      );
      // The server closes the connection while the body is still being written.
      req.on('error', (err: NodeJS.ErrnoException) => (answered ? undefined : reject(err)));
      const chunk = Buffer.alloc(64 * 1024, 'a');
      const pump = (): void => {
        while (!answered && sent < total) {
          sent += chunk.length;
          if (!req.write(chunk)) {
            req.once('drain', pump);
            return;
          }
        }
        req.end();
      };
      req.write('{"id":"endless","from":"+254712345678","content":"');
      pump();
    });
    expect(status).to.equal(413);
    expect(json).to.deep.include({ code: 413 });
    await roomy.close();
    expect(sentWhenAnswered, 'bytes the client had written when the 413 came').to.be.below(total / 8);
  });

  it('answers an unknown Content-Encoding with 415 and a body that does not inflate with 400', async () => {
    await api.vault.set('rapidpro:incoming', 'http-errors-token');
    const post = (encoding: string) =>
      request(`${api.url}/api/v2/sms/rapidpro/incoming-messages`, {
        method: 'POST',
        headers: { Authorization: 'Token http-errors-token', 'Content-Encoding': encoding },
        body: '{"id":"enc","from":"+254712345678","content":"x"}',
      });
    const unknown = await post('zip');
    expect(unknown.status).to.equal(415);
    expect(unknown.json).to.deep.include({ code: 415 });
    const broken = await post('gzip');
    expect(broken.status).to.equal(400);
    expect(broken.json).to.deep.equal({ code: 400, error: 'The request body could not be decompressed as its Content-Encoding says' });
  });

  it('answers OPTIONS on the credentials path without a key with a JSON 405', async () => {
    const res = await request(`${api.url}/api/v1/credentials`, { method: 'OPTIONS' });
    expect(res.status).to.equal(405);
    expect(res.headers.allow).to.equal('PUT');
    expect(res.json).to.deep.include({ code: 405 });
  });
});

describe('describeClientError', () => {
  const cases: Array<[{ code?: string; reason?: string }, number, string]> = [
    [{ code: 'HPE_HEADER_OVERFLOW' }, 431, 'Request headers are too large'],
    [{ code: 'ERR_HTTP_REQUEST_TIMEOUT' }, 408, 'The request was not received in time'],
    [{ code: 'HPE_INVALID_HEADER_TOKEN', reason: 'Invalid header token' }, 400, 'Malformed HTTP request: Invalid header token'],
    [{ code: 'HPE_INVALID_METHOD' }, 400, 'Malformed HTTP request: HPE_INVALID_METHOD'],
    [{}, 400, 'Malformed HTTP request: unreadable request'],
  ];
  for (const [err, status, message] of cases) {
    it(`${err.code ?? 'no code'} → ${status}`, () => {
      expect(describeClientError(Object.assign(new Error('x'), err))).to.deep.equal({ status, message });
    });
  }
});
