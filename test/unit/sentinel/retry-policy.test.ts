import { expect } from 'chai';
import type { RapidProFailure } from '../../../shared-libs/rapidpro/src';
import { backoffMs, BACKOFF, nextStep } from '../../../sentinel/src/retry-policy';

const NOW = 1_000_000;

describe('retry policy', () => {
  const cases: Array<{ label: string; failure: RapidProFailure; expect: (step: ReturnType<typeof nextStep>) => void }> = [
    {
      label: '400 fails the message with RapidPro\'s reason',
      failure: { kind: 'rejected', status: 400, detail: 'urns.0: Invalid URN: tel:12. Ensure phone numbers contain country codes.', urnErrors: {} },
      expect: (s) => expect(s).to.deep.equal({ kind: 'fail', details: 'Failed: urns.0: Invalid URN: tel:12. Ensure phone numbers contain country codes.' }),
    },
    {
      label: '429 pauses everything until Retry-After has passed',
      failure: { kind: 'throttled', status: 429, retryAfterMs: 30000 },
      expect: (s) => expect(s).to.deep.include({ kind: 'pause', until: NOW + 30000 + BACKOFF.retryAfterMarginMs, needsOperator: false }),
    },
    {
      label: '403 pauses and tells the operator what to do',
      failure: { kind: 'unauthorized', status: 403, detail: 'Invalid token' },
      expect: (s) => {
        expect(s).to.deep.include({ kind: 'pause', needsOperator: true, until: NOW + BACKOFF.operatorRecheckMs });
        expect(s.kind === 'pause' && s.reason).to.match(/PUT \/api\/v1\/credentials\/rapidpro:outgoing/);
      },
    },
    {
      label: '404 pauses for the operator',
      failure: { kind: 'misconfigured', status: 404, detail: 'not found; check sms.rapidpro.url' },
      expect: (s) => expect(s).to.deep.include({ kind: 'pause', needsOperator: true }),
    },
    {
      label: '5xx retries later with a rest for everything',
      failure: { kind: 'unavailable', status: 503, cause: 'RapidPro answered 503', ambiguous: true },
      expect: (s) => {
        expect(s.kind).to.equal('retry');
        if (s.kind === 'retry') {
          expect(s.retryAt).to.be.within(NOW + BACKOFF.messageBaseMs / 2, NOW + BACKOFF.messageBaseMs);
          expect(s.restUntil).to.be.within(NOW + BACKOFF.restBaseMs / 2, NOW + BACKOFF.restBaseMs);
        }
      },
    },
  ];
  for (const c of cases) {
    it(c.label, () => c.expect(nextStep(c.failure, { tries: 0, consecutiveFailures: 1, now: NOW })));
  }

  it('grows the wait with each try and each failure in a row, up to a cap', () => {
    const failure: RapidProFailure = { kind: 'unavailable', cause: 'x', ambiguous: false };
    const at = (tries: number, inARow: number) => nextStep(failure, { tries, consecutiveFailures: inARow, now: 0, random: () => 0.999 });
    const waits = [0, 1, 2, 3, 10, 40].map((n) => {
      const s = at(n, n + 1);
      return s.kind === 'retry' ? [s.retryAt, s.restUntil] : [0, 0];
    });
    for (let i = 1; i < waits.length; i++) {
      expect(waits[i][0]).to.be.at.least(waits[i - 1][0]);
      expect(waits[i][1]).to.be.at.least(waits[i - 1][1]);
    }
    expect(waits[waits.length - 1][0]).to.be.at.most(BACKOFF.messageMaxMs);
    expect(waits[waits.length - 1][1]).to.be.at.most(BACKOFF.restMaxMs);
  });

  it('never waits less than half the step, whatever the jitter', () => {
    expect(backoffMs(3, 1000, 60000, () => 0)).to.equal(4000);
    expect(backoffMs(3, 1000, 60000, () => 0.999)).to.be.within(7990, 8000);
    expect(backoffMs(100, 1000, 60000, () => 0)).to.equal(30000);
  });
});
