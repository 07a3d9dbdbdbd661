import { PassThrough } from 'node:stream';
import { expect } from 'chai';
import type { Request, Response } from 'express';
import { errorHandler, HttpError } from '../../../api/src/middleware/errors';
import { CouchError } from '../../../shared-libs/couch/src';
import { createLogger } from '../../../shared-libs/logger/src';

function answer(err: unknown): { status: number; body: { code: number; error: string } } {
  const sent = { status: 0, body: '' };
  const res = {
    locals: {},
    headersSent: false,
    status(code: number) {
      sent.status = code;
      return this;
    },
    type() {
      return this;
    },
    send(body: string) {
      sent.body = body;
      return this;
    },
  } as unknown as Response;
  const logger = createLogger({ component: 'test', level: 'error', stream: new PassThrough() });
  errorHandler(logger)(err, { path: '/x' } as Request, res, () => undefined);
  return { status: sent.status, body: JSON.parse(sent.body) as { code: number; error: string } };
}

describe('API error handler', () => {
  const cases: Array<[string, unknown, number]> = [
    ['an HttpError keeps its status', new HttpError(422, 'nope'), 422],
    ['CouchDB conflict', new CouchError('conflict', 'CouchDB answered 409', 409), 409],
    ['CouchDB refused the data (400)', new CouchError('bad_request', 'CouchDB answered 400: invalid UTF-8 JSON', 400), 400],
    ['CouchDB refused the size (413)', new CouchError('other', 'CouchDB answered 413: too_large', 413), 413],
    ['CouchDB unavailable', new CouchError('unavailable', 'CouchDB did not answer'), 503],
    ['CouchDB refused our credentials', new CouchError('unauthorized', 'CouchDB answered 401', 401), 503],
    ['any other CouchDB answer', new CouchError('not_found', 'CouchDB answered 404: no database', 404), 503],
    ['a bug', new TypeError('x is undefined'), 500],
  ];
  for (const [label, err, status] of cases) {
    it(`${label} → ${status}, as JSON {code, error} without CouchDB's own words`, () => {
      const { status: sent, body } = answer(err);
      expect(sent).to.equal(status);
      expect(body.code).to.equal(status);
      expect(body.error).to.be.a('string').and.not.include('CouchDB answered');
    });
  }
});
