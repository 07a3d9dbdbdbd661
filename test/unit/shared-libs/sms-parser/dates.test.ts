import { expect } from 'chai';
import { parseDateText } from '../../../../shared-libs/sms-parser/src/dates';

describe('parseDateText', () => {
  const cases: Array<[text: string, expected: number | null]> = [
    ['2012-03-12', Date.UTC(2012, 2, 12)],
    [' 2012-03-12 ', Date.UTC(2012, 2, 12)],
    ['2012-03', Date.UTC(2012, 2, 1)],
    ['20120312', Date.UTC(2012, 2, 12)],
    ['2012-03-12T10:30', Date.UTC(2012, 2, 12, 10, 30)],
    ['2012-03-12 10:30:15.5', Date.UTC(2012, 2, 12, 10, 30, 15, 500)],
    ['2012-03-12T10:30Z', Date.UTC(2012, 2, 12, 10, 30)],
    ['2012-03-12T10:30+03:00', Date.UTC(2012, 2, 12, 7, 30)],
    ['2012-03-12T10:30-0130', Date.UTC(2012, 2, 12, 12, 0)],
    ['2012-02-29', Date.UTC(2012, 1, 29)],
    ['2011-02-29', null], // not a leap year
    ['2012-13-01', null],
    ['2012-00-10', null],
    ['2012-03-12T25:00', null],
    ['2012/03/12', Date.UTC(2012, 2, 12)],
    ['2012/3/12', Date.UTC(2012, 2, 12)],
    ['2012-3-12', Date.UTC(2012, 2, 12)],
    ['12/03/2012', Date.UTC(2012, 11, 3)], // JavaScript reads month first
    ['12 March 2012', null],
    ['', null],
    ['abc', null],
  ];
  for (const [text, expected] of cases) {
    it(`${JSON.stringify(text)} → ${expected}`, () => {
      expect(parseDateText(text)).to.equal(expected);
    });
  }
});
