import { PassThrough } from 'node:stream';
import zlib from 'node:zlib';
import { expect } from 'chai';
import type { NextFunction, Request, Response } from 'express';
import { HttpError } from '../../../api/src/middleware/errors';
import { rawBody } from '../../../api/src/middleware/raw-body';

/** A request stream with the few parts of IncomingMessage the middleware uses. */
function fakeRequest(headers: Record<string, string>): PassThrough & { headers: Record<string, string>; complete: boolean; body?: unknown } {
  return Object.assign(new PassThrough(), { headers, complete: false });
}

function run(req: ReturnType<typeof fakeRequest>, limit = 1024): Promise<{ error?: unknown; headers: Record<string, string> }> {
  const headers: Record<string, string> = {};
  const res = { setHeader: (name: string, value: string) => (headers[name] = value) } as unknown as Response;
  return new Promise((resolve) => {
    const next: NextFunction = (error?: unknown) => resolve({ error, headers });
    rawBody(limit)(req as unknown as Request, res, next);
  });
}

describe('rawBody', () => {
  it('inflates a gzip body into req.body', async () => {
    const req = fakeRequest({ 'content-encoding': 'gzip' });
    const done = run(req);
    req.end(zlib.gzipSync('{"id":"1"}'));
    req.complete = true;
    expect((await done).error).to.equal(undefined);
    expect(String(req.body)).to.equal('{"id":"1"}');
  });

  it('treats an empty Content-Encoding as none', async () => {
    const req = fakeRequest({ 'content-encoding': '' });
    const done = run(req);
    req.end('plain');
    expect((await done).error).to.equal(undefined);
    expect(String(req.body)).to.equal('plain');
  });

  it('ends with a 400 when the client goes away in the middle of a compressed body', async () => {
    const req = fakeRequest({ 'content-encoding': 'gzip' });
    const done = run(req);
    req.write(zlib.gzipSync('x'.repeat(5000)).subarray(0, 20));
    req.destroy();
    const { error } = await done;
    expect(error).to.be.instanceOf(HttpError);
    expect((error as HttpError).status).to.equal(400);
  });

  it('answers 413 when the inflated body passes the limit, and asks for the connection to close', async () => {
    const req = fakeRequest({ 'content-encoding': 'gzip' });
    const done = run(req, 100);
    req.write(zlib.gzipSync('x'.repeat(5000)));
    const { error, headers } = await done;
    expect((error as HttpError).status).to.equal(413);
    expect(headers.Connection).to.equal('close');
  });
});
