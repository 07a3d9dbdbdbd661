import { PassThrough } from 'node:stream';
import { expect } from 'chai';
import { createProgressLog, describeWait } from '../../../sentinel/src/progress';
import { createLogger } from '../../../shared-libs/logger/src';

function setup(intervalMs = 60_000) {
  let now = 0;
  const lines: string[] = [];
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
  const logger = createLogger({ component: 'sentinel', level: 'info', stream });
  const progress = createProgressLog({ logger, clock: { now: () => now, sleep: async () => undefined }, intervalMs });
  const flush = () => new Promise((resolve) => setImmediate(resolve));
  return { progress, lines, advance: (ms: number) => (now += ms), flush };
}

describe('sentinel progress log', () => {
  it('sums up a backlog once a minute rather than a line per broadcast', async () => {
    const { progress, lines, advance, flush } = setup();
    // A broadcast of two messages every 1.5 s for 75 s.
    for (let i = 0; i < 50; i++) {
      progress.sent(2);
      progress.tick(200 - 2 * (i + 1));
      advance(1500);
    }
    await flush();
    expect(lines).to.have.length(1);
    expect(lines[0]).to.match(/Sent 82 message\(s\) in 41 broadcast\(s\) in the last 60 s; 118 still waiting$/);
  });

  it('says when the backlog is done', async () => {
    const { progress, lines, advance, flush } = setup();
    advance(3 * 3600_000); // idle for hours first: the summary covers the sends, not the idle time
    progress.sent(3);
    progress.tick(0);
    await flush();
    expect(lines.map((l) => l.replace(/^.*\] /, ''))).to.deep.equal(['Sent 3 message(s) in 1 broadcast(s); nothing else waiting']);
  });

  it('says once why sending stopped for a while, and when it starts again, however often the loop checks', async () => {
    const { progress, lines, advance, flush } = setup();
    progress.sent(5);
    for (let i = 0; i < 20; i++) {
      progress.waiting('limit', 11 * 60_000 - i * 30_000, 40, 2500);
      advance(30_000);
    }
    progress.sent(1);
    advance(60_000);
    progress.waiting('paused', 90_000, 39, 2500);
    advance(90_000);
    progress.sent(1);
    await flush();
    expect(lines.map((l) => l.replace(/^.*\] /, ''))).to.deep.equal([
      'Sent 5 message(s) in 1 broadcast(s); 40 still waiting',
      'Not sending for about 11 min: the hourly request budget (sms.rapidpro.requests_per_hour = 2500) is used up; 40 message(s) waiting',
      'Sending again after 10 min',
      'Sent 1 message(s) in 1 broadcast(s) in the last 60 s; 39 still waiting',
      'Not sending for about 90 s: RapidPro asked for a pause (429 Retry-After); 39 message(s) waiting',
      'Sending again after 90 s',
    ]);
  });

  it('does not announce the short waits that only pace sends at the limit', async () => {
    const { progress, lines, advance, flush } = setup();
    for (let i = 0; i < 40; i++) {
      progress.waiting('limit', 1400, 100, 2500);
      advance(1400);
      progress.sent(1);
    }
    await flush();
    expect(lines.filter((l) => /Not sending|Sending again/.test(l))).to.deep.equal([]);
  });

  it('describes waits in seconds, then minutes', () => {
    expect([describeWait(200), describeWait(45_000), describeWait(89_000), describeWait(11 * 60_000)]).to.deep.equal(['1 s', '45 s', '89 s', '11 min']);
  });
});
