import { expect } from 'chai';
import { createManualClock, createScaledClock, formatDatetime, parseIsoDatetime } from '../../rapidpro-simulator';
import { normalizeUrn } from '../../rapidpro-simulator/urns';
import { createScheduler } from '../../rapidpro-simulator/scheduler';
import { nextEvent } from './helpers';
import { EventEmitter } from 'node:events';

describe('rapidpro-simulator: building blocks', () => {
  it('formats datetimes like DRF: six fraction digits, none when the microseconds are 0', () => {
    const us = Date.UTC(2026, 4, 4, 10, 21, 33) * 1000;
    expect(formatDatetime(us + 123456)).to.equal('2026-05-04T10:21:33.123456Z');
    expect(formatDatetime(us + 1)).to.equal('2026-05-04T10:21:33.000001Z');
    expect(formatDatetime(us)).to.equal('2026-05-04T10:21:33Z');
  });

  it('parses what iso8601.parse_date accepts, as UTC microseconds', () => {
    const base = Date.UTC(2026, 4, 4, 10, 21, 33) * 1000;
    expect(parseIsoDatetime('2026-05-04T10:21:33.123456Z')).to.equal(base + 123456);
    expect(parseIsoDatetime('2026-05-04T10:21:33')).to.equal(base);
    expect(parseIsoDatetime('2026-05-04 12:21:33+02:00')).to.equal(base);
    expect(parseIsoDatetime('2026-05-04T05:21:33-0500')).to.equal(base);
    expect(parseIsoDatetime('2026-05-04')).to.equal(Date.UTC(2026, 4, 4) * 1000);
    for (const bad of ['', 'now', '2026-05-04T25:00:00Z', '2026-05-04T10:21:33 02:00', '04/05/2026']) {
      expect(parseIsoDatetime(bad), bad).to.equal(null);
    }
  });

  it('normalises URNs as RapidPro does', () => {
    expect(normalizeUrn('tel:+254 (712) 345-678')).to.equal('tel:+254712345678');
    expect(normalizeUrn('tel:254712345678')).to.equal('tel:+254712345678');
    expect(normalizeUrn('tel:0712345678', 'KE')).to.equal('tel:+254712345678');
    expect(normalizeUrn('tel:0712345678')).to.equal(null);
    expect(normalizeUrn('tel:12')).to.equal(null);
    expect(normalizeUrn('tel:12', 'KE')).to.equal(null);
    expect(normalizeUrn('twitter:@Nyaruka')).to.equal('twitter:nyaruka');
    expect(normalizeUrn('whatsapp:254712345678')).to.equal('whatsapp:254712345678');
    expect(normalizeUrn('nonsense')).to.equal(null);
    expect(normalizeUrn('tel:')).to.equal(null);
  });

  it('runs a manual clock\'s timers in order, each at its due time', () => {
    const clock = createManualClock({ startMs: 1000 });
    const seen: Array<[string, number]> = [];
    clock.setTimeout(() => seen.push(['b', clock.now()]), 20);
    const cancelled = clock.setTimeout(() => seen.push(['x', clock.now()]), 5);
    clock.setTimeout(() => {
      seen.push(['a', clock.now()]);
      clock.setTimeout(() => seen.push(['nested', clock.now()]), 1);
    }, 10);
    clock.clearTimeout(cancelled);
    clock.advance(15);
    expect(seen).to.deep.equal([['a', 1010], ['nested', 1011]]);
    clock.advance(100);
    expect(seen.at(-1)).to.deep.equal(['b', 1020]);
    expect(clock.now()).to.equal(1115);
    expect(() => clock.setTime(0)).to.throw();
  });

  it('runs a scaled clock faster than real time (scale 60000: a simulated minute in a real millisecond)', async () => {
    const clock = createScaledClock({ scale: 60_000, epochMs: 0 });
    const done = new EventEmitter();
    const startReal = Date.now();
    clock.setTimeout(() => done.emit('fired', clock.now()), 60_000); // one real millisecond
    const firedAt = await nextEvent<number>(done, 'fired');
    expect(firedAt).to.be.at.least(60_000);
    // Unscaled, the timer would take a real minute.
    expect(Date.now() - startReal).to.be.below(5000);
  });

  it('schedules many tasks on one clock timer and cancels them together', () => {
    const clock = createManualClock();
    const scheduler = createScheduler(clock);
    const ran: number[] = [];
    for (let i = 0; i < 1000; i++) scheduler.at(clock.now() + (i % 10), () => ran.push(i));
    expect(clock.pendingTimers()).to.equal(1);
    clock.advance(4);
    expect(ran).to.have.length(500);
    scheduler.clear();
    expect(clock.pendingTimers()).to.equal(0);
    clock.advance(100);
    expect(ran).to.have.length(500);
  });
});
