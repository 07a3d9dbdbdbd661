import { expect } from 'chai';
import { failureFromError, failureFromResponse, parseBroadcast, parseMessage, parsePage, readValidationErrors, retryAfterMs } from '../../../../shared-libs/rapidpro/src';

const res = (status: number, data: string, headers: Record<string, string> = {}) => ({ status, data, headers });

describe('RapidPro answers', () => {
  describe('broadcast acceptance', () => {
    it('reads the RapidPro 9.x shape (integer id, status queued)', () => {
      const b = parseBroadcast({ id: 48213, urns: ['tel:+254712345678'], contacts: [], groups: [], text: { eng: 'hello' }, attachments: { eng: [] }, base_language: 'eng', status: 'queued', created_on: '2026-05-04T10:21:33.123456Z' });
      expect(b).to.deep.equal({ id: 48213, uuid: undefined, status: 'queued', urns: ['tel:+254712345678'], text: { eng: 'hello' }, created_on: '2026-05-04T10:21:33.123456Z' });
    });

    it('reads the upstream/TextIt shape (uuid, pending, progress, id last)', () => {
      const b = parseBroadcast({ uuid: '019a2f4e-7c1d-7b3a-9e1f-2b6c8d0a4f11', status: 'pending', progress: { total: -1, started: 0 }, urns: ['tel:+254712345678'], text: { eng: 'hello' }, created_on: '2026-05-04T10:21:33Z', id: 48213 });
      expect(b).to.deep.include({ id: 48213, uuid: '019a2f4e-7c1d-7b3a-9e1f-2b6c8d0a4f11', status: 'pending' });
    });

    it('refuses answers without an id or uuid, or without created_on: they are not acceptances', () => {
      for (const body of [{}, { status: 'queued' }, { id: 1 }, { id: '1', created_on: '2026-01-01T00:00:00Z' }, [], 'ok', null]) {
        expect(parseBroadcast(body), JSON.stringify(body)).to.equal(undefined);
      }
    });

    it('keeps anonymous workspaces (urns null)', () => {
      expect(parseBroadcast({ id: 1, urns: null, text: 'x', created_on: '2026-01-01T00:00:00Z' })).to.deep.include({ urns: null, text: { base: 'x' } });
    });
  });

  describe('message pages', () => {
    it('reads a page and counts malformed items', () => {
      const page = parsePage(
        {
          next: 'https://rp/api/v2/messages.json?after=x&cursor=abc',
          previous: null,
          results: [{ id: 1, broadcast: 7, urn: 'tel:+1', direction: 'out', status: 'delivered', created_on: '2026-01-01T00:00:00Z' }, { id: 'x' }],
        },
        parseMessage,
      );
      expect(page?.next).to.equal('https://rp/api/v2/messages.json?after=x&cursor=abc');
      expect(page?.results).to.have.length(1);
      expect(page?.malformed).to.equal(1);
    });

    it('refuses something that is not a page', () => {
      expect(parsePage({ results: 'x', next: null }, parseMessage)).to.equal(undefined);
      expect(parsePage({ results: [] }, parseMessage)).to.equal(undefined);
    });
  });

  describe('failures', () => {
    const table: Array<[string, ReturnType<typeof res>, boolean, Record<string, unknown>]> = [
      ['400 with URN errors', res(400, JSON.stringify({ urns: { '1': ['Invalid URN: tel:12. Ensure phone numbers contain country codes.'] } })), true, { kind: 'rejected', urnErrors: { 1: 'Invalid URN: tel:12. Ensure phone numbers contain country codes.' } }],
      ['400 non-field', res(400, JSON.stringify({ non_field_errors: ['Must provide either text or attachments.'] })), true, { kind: 'rejected', detail: 'Must provide either text or attachments.' }],
      ['403 invalid token', res(403, JSON.stringify({ detail: 'Invalid token' })), true, { kind: 'unauthorized', detail: 'Invalid token' }],
      ['401', res(401, ''), true, { kind: 'unauthorized' }],
      ['429', res(429, JSON.stringify({ detail: 'Request was throttled. Expected available in 12 seconds.' }), { 'retry-after': '12' }), true, { kind: 'throttled', retryAfterMs: 12000 }],
      ['500 on a POST', res(500, 'Server Error. Site administrators have been notified.'), true, { kind: 'unavailable', ambiguous: true }],
      ['503 on a GET', res(503, ''), false, { kind: 'unavailable', ambiguous: false }],
      ['404', res(404, '<html>'), true, { kind: 'misconfigured', status: 404 }],
      ['302', res(302, '', { location: 'https://login.example/?next=x' }), true, { kind: 'misconfigured', status: 302 }],
    ];
    for (const [label, response, mayHaveActed, expected] of table) {
      it(label, () => {
        expect(failureFromResponse(response, mayHaveActed)).to.deep.include(expected);
      });
    }

    it('tells a refused connection (not sent) from a timeout or reset (maybe acted on)', () => {
      expect(failureFromError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:1' }, true)).to.deep.include({ kind: 'unavailable', ambiguous: false });
      expect(failureFromError({ code: 'ECONNABORTED', message: 'timeout of 30000ms exceeded' }, true)).to.deep.include({ kind: 'unavailable', ambiguous: true, cause: 'no answer before the timeout' });
      expect(failureFromError({ code: 'ECONNRESET', message: 'socket hang up' }, true)).to.deep.include({ kind: 'unavailable', ambiguous: true });
      expect(failureFromError({ code: 'ECONNRESET', message: 'socket hang up' }, false)).to.deep.include({ ambiguous: false });
    });

    it('reads Retry-After as seconds or a date, defaulting to a minute', () => {
      expect(retryAfterMs('7')).to.equal(7000);
      expect(retryAfterMs('0')).to.equal(0);
      expect(retryAfterMs(new Date(70000).toUTCString(), 10000)).to.equal(60000);
      expect(retryAfterMs(undefined)).to.equal(60000);
      expect(retryAfterMs('soon')).to.equal(60000);
    });

    it('flattens nested DRF errors into one sentence', () => {
      expect(readValidationErrors({ text: { eng: ['Ensure this field has no more than 640 characters.'] } }).detail).to.equal('text.eng: Ensure this field has no more than 640 characters.');
    });
  });
});
