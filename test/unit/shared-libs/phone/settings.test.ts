import { expect } from 'chai';
import { defaultRegionFor } from '../../../../shared-libs/phone/src/region';
import { validationModeOf } from '../../../../shared-libs/phone/src/settings';

describe('validationModeOf', () => {
  const cases: Array<[input: unknown, expected: string | undefined]> = [
    [undefined, 'full'],
    ['', 'full'],
    ['full', 'full'],
    ['partial', 'partial'],
    ['PARTIAL', 'partial'],
    ['none', 'none'],
    ['None', 'none'],
    ['whatever', 'full'],
    [0, 'full'], // falsy: the default
    [5, undefined], // truthy non-string: CHT fails, the number is invalid
    [true, undefined],
  ];
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input)} → ${expected}`, () => {
      expect(validationModeOf(input)).to.equal(expected);
    });
  }
});

describe('defaultRegionFor', () => {
  const cases: Array<[input: unknown, expected: string | undefined]> = [
    [64, 'NZ'],
    ['64', 'NZ'],
    [1, 'US'], // main region of a shared calling code
    [44, 'GB'],
    [7, 'RU'],
    ['+64', undefined],
    ['064', undefined],
    [' 64', undefined],
    [800, undefined], // non-geographic
    [999, undefined],
    [undefined, undefined],
    [null, undefined],
  ];
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input)} → ${expected}`, () => {
      expect(defaultRegionFor(input)).to.equal(expected);
    });
  }
});
