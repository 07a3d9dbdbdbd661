import { expect } from 'chai';
import { HttpError } from '../../../api/src/middleware/errors';
import { parseJsonBody } from '../../../api/src/routes/json-body';
import { readIncomingSms, tokensMatch } from '../../../api/src/routes/rapidpro-incoming';

function problem(fn: () => unknown): HttpError {
  try {
    fn();
  } catch (err) {
    if (err instanceof HttpError) {
      return err;
    }
    throw err;
  }
  throw new Error('expected an HttpError');
}

describe('incoming webhook checks', () => {
  describe('tokensMatch', () => {
    it('matches only the exact token', () => {
      expect(tokensMatch('abc123', 'abc123')).to.equal(true);
      expect(tokensMatch('abc124', 'abc123')).to.equal(false);
      expect(tokensMatch('abc123 ', 'abc123')).to.equal(false);
      expect(tokensMatch('', 'abc123')).to.equal(false);
      expect(tokensMatch('a'.repeat(10000), 'abc123')).to.equal(false);
    });
  });

  describe('parseJsonBody', () => {
    const bad: Array<[string, Buffer | undefined, RegExp]> = [
      ['no body', undefined, /empty/],
      ['empty body', Buffer.alloc(0), /empty/],
      ['malformed JSON', Buffer.from('{"id": '), /not valid JSON/],
      ['an array', Buffer.from('[1,2]'), /must be a JSON object, not an array/],
      ['null', Buffer.from('null'), /not null/],
      ['a string', Buffer.from('"x"'), /not string/],
    ];
    for (const [label, body, message] of bad) {
      it(`refuses ${label} with 400`, () => {
        const err = problem(() => parseJsonBody(body));
        expect(err.status).to.equal(400);
        expect(err.message).to.match(message);
      });
    }

    it('accepts a JSON object with a byte order mark', () => {
      expect(parseJsonBody(Buffer.from('\ufeff{"a":1}'))).to.deep.equal({ a: 1 });
    });
  });

  describe('readIncomingSms', () => {
    it('reads the three fields and ignores others', () => {
      expect(readIncomingSms({ id: 'x', from: '+1', content: 'hi', extra: 1 })).to.deep.equal({ id: 'x', from: '+1', content: 'hi' });
    });

    it('treats missing content as empty text (stored, not lost)', () => {
      expect(readIncomingSms({ id: 'x', from: '+1' })).to.deep.equal({ id: 'x', from: '+1', content: '' });
      expect(readIncomingSms({ id: 'x', from: '+1', content: null }).content).to.equal('');
    });

    it('accepts numbers where text is expected', () => {
      expect(readIncomingSms({ id: 12, from: 254712345678, content: 5 })).to.deep.equal({ id: '12', from: '254712345678', content: '5' });
    });

    const invalid: Array<[Record<string, unknown>, Record<string, string>]> = [
      [{}, { id: 'is required', from: 'is required' }],
      [{ id: '', from: '+1' }, { id: 'is required' }],
      [{ id: '  ', from: '+1' }, { id: 'is required' }],
      [{ id: 'x', from: null }, { from: 'is required' }],
      [{ id: {}, from: '+1' }, { id: 'must be text, not object' }],
      [{ id: 'x', from: ['+1'] }, { from: 'must be text, not an array' }],
      [{ id: 'x', from: '+1', content: { text: 'hi' } }, { content: 'must be text, not object' }],
      [{ id: 'x', from: '+1', content: true }, { content: 'must be text, not boolean' }],
      [{ id: 'x'.repeat(257), from: '+1' }, { id: 'must be at most 256 characters' }],
    ];
    for (const [body, details] of invalid) {
      it(`refuses ${JSON.stringify(body).slice(0, 60)} naming ${Object.keys(details).join(', ')}`, () => {
        const err = problem(() => readIncomingSms(body));
        expect(err.status).to.equal(400);
        expect(err.message).to.equal('Message was not saved');
        expect(err.details).to.deep.equal(details);
      });
    }
  });
});
