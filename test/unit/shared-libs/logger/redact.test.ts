import { expect } from 'chai';
import { captureLogs } from '../../../helpers/logs';
import { createLogger, createRedactor } from '../../../../shared-libs/logger/src';

describe('log redaction', () => {
  const cases: Array<[string, string]> = [
    ['http://admin:s3cr3t@127.0.0.1:5984/medic', 's3cr3t'],
    ['Authorization: Token 0123456789abcdef0123456789abcdef01234567', '0123456789abcdef'],
    ['{"authorization":"Basic YWRtaW46cGFzcw=="}', 'YWRtaW46cGFzcw'],
    ['header Basic YWRtaW46cGFzcw== sent', 'YWRtaW46cGFzcw'],
    ['Cookie: AuthSession=abc123def; Path=/', 'abc123def'],
  ];
  for (const [text, secret] of cases) {
    it(`masks "${secret}" in ${text}`, () => {
      const out = createRedactor().redact(text);
      expect(out).to.not.include(secret);
      expect(out).to.include('[redacted]');
    });
  }

  it('masks registered secrets wherever they appear, URL-encoded too', () => {
    const redactor = createRedactor();
    redactor.add('tok:en/with+chars');
    const out = redactor.redact('value tok:en/with+chars and tok%3Aen%2Fwith%2Bchars');
    expect(out).to.equal('value [redacted] and [redacted]');
  });

  it('ignores very short values, which would mask ordinary words', () => {
    const redactor = createRedactor();
    redactor.add('ab');
    expect(redactor.redact('abc')).to.equal('abc');
  });

  it('applies to messages and metadata written through the logger', () => {
    const logs = captureLogs();
    const logger = createLogger({ component: 't', stream: logs.stream });
    logger.registerSecret('the-incoming-token');
    logger.info('got the-incoming-token', { header: 'Token the-incoming-token', nested: { v: 'the-incoming-token' } });
    logger.child('other').warn('again the-incoming-token');
    expect(logs.text()).to.not.include('the-incoming-token');
    expect(logs.lines()).to.have.length(2);
    expect(logs.lines()[1]).to.match(/WARN +\[other\] again \[redacted\]/);
  });
});
