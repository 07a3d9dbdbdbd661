import { expect } from 'chai';
import { formatShortNumberNational, isValidShortNumber } from '../../../../shared-libs/phone/src/short-number';
import { isPossibleLength } from '../../../../shared-libs/phone/src/possible';

describe('isValidShortNumber', () => {
  const cases: Array<[callingCode: string, digits: string, expected: boolean]> = [
    ['64', '4234', true],
    ['64', '111', true],
    ['64', '018', true],
    ['64', '1234', true], // 1(23)4 is a listed short code
    ['64', '1000', false], // general description fits, no short code does
    ['64', '12', false], // too short for the general description
    ['61', '000', true],
    ['61', '0000', false],
    ['1', '911', true], // shared calling code: US short code
    ['1', '000', false],
    ['44', '999', true],
    ['254', '100', true],
    ['999', '112', false], // unknown calling code
  ];
  for (const [callingCode, digits, expected] of cases) {
    it(`+${callingCode} ${digits} → ${expected}`, () => {
      expect(isValidShortNumber(callingCode, digits)).to.equal(expected);
    });
  }
});

describe('formatShortNumberNational', () => {
  const cases: Array<[callingCode: string, digits: string, ext: string | undefined, expected: string]> = [
    ['64', '4234', undefined, '4234'], // no national format fits
    ['61', '190000', undefined, '190 000'], // national-only format with leading digits 19
    ['61', '131444', undefined, '13 14 44'],
    ['64', '4234', '12', '4234 ext. 12'],
    ['44', '999', '5', '999 x5'], // region's preferred extension prefix
    ['999', '112', undefined, '112'],
  ];
  for (const [callingCode, digits, ext, expected] of cases) {
    it(`+${callingCode} ${digits}${ext ? ` ext ${ext}` : ''} → ${expected}`, () => {
      expect(formatShortNumberNational(callingCode, digits, ext)).to.equal(expected);
    });
  }
});

describe('isPossibleLength', () => {
  const cases: Array<[callingCode: string, digits: string, expected: boolean]> = [
    ['64', '123456', true],
    ['64', '1234', false],
    ['256', '23333', true], // local-only length
    ['256', '772123456', true],
    ['256', '7721234567', false],
    ['800', '12345678', true], // non-geographic
    ['999', '12345678', false],
  ];
  for (const [callingCode, digits, expected] of cases) {
    it(`+${callingCode} ${digits} → ${expected}`, () => {
      expect(isPossibleLength(callingCode, digits)).to.equal(expected);
    });
  }
});
