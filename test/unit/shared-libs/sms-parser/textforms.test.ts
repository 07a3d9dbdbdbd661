import { expect } from 'chai';
import { isCompact, parseCompact, parseKeyValues, stripFormCode } from '../../../../shared-libs/sms-parser/src/textforms';
import type { FormDefinition } from '../../../../shared-libs/sms-parser/src';
import { REGISTRATION, STOCK, utc } from './fixtures';

const entries = (data: Map<string, unknown>): Record<string, unknown> => Object.fromEntries(data);

describe('stripFormCode', () => {
  const cases: Array<[code: unknown, text: string, expected: string]> = [
    ['STK', 'STK SID 1', 'SID 1'],
    ['STK', '  stk#SID 1', 'SID 1'],
    ['STK', 'STK!-,:# SID 1', 'SID 1'],
    ['STK', 'STKX 1', 'X 1'], // the code is a prefix match
    ['.*', '.* n jane', 'n jane'], // regex characters in the code are literal
    ['.*', 'ab n jane', 'ab n jane'],
    [undefined, 'STK SID 1', 'STK SID 1'],
  ];
  for (const [code, text, expected] of cases) {
    it(`${JSON.stringify(code)} in ${JSON.stringify(text)} → ${JSON.stringify(expected)}`, () => {
      expect(stripFormCode(code, text)).to.equal(expected);
    });
  }
});

describe('parseKeyValues', () => {
  const cases: Array<[text: string, expected: Record<string, unknown>]> = [
    ['SID foo', { sid: 'foo' }],
    ['SID foo bar', { sid: 'foo bar' }],
    ['ORS 33', { ors: 33 }],
    ['ORS33#ZN999#YR2012', { ors: 33, zn: 999, yr: 2012 }],
    ['ORS 33 # ZN 999 #YR2012', { ors: 33, zn: 999, yr: 2012 }],
    ['SID!foo#ZN!999#YR!!2012', { sid: 'foo', zn: 999, yr: 2012 }],
    ['SID-foo#ZN-999#YR--2012', { sid: 'foo', zn: 999, yr: 2012 }],
    ['SID001', { sid: '001' }], // numbers cannot start with 0: kept as text
    ['SID01ach', { sid: '01ach' }],
    ['SID 12.5', { sid: 12.5 }],
    ['SID 123 456', { sid: '123456' }], // number then text: joined without the separator
    ['SID 12abc', { sid: '12abc' }],
    ['D 2012-03-12', { d: utc('2012-03-12') }],
    ['D2012/3/12', { d: utc('2012-03-12') }],
    ['D 2012-13-45', { d: NaN }],
    ['ORS 33 SID foo', { ors: '33SID foo' }], // without # the rest is one value
    ['SID', { sid: undefined }],
    ['33 foo', { foo: undefined }], // leading characters that cannot start a key are skipped
    ['123', {}],
    ['', {}],
    ['SID a#SID b#SID c', { sid: ['a', 'b', 'c'] }],
    ['SID 1 x#SID 2', { sid: ['1x', 2] }],
    ['SID 1#SID 2 x', { sid: [1, { type: 'pair', values: ['2', 'x'] }] }],
    ['Name John\nSmith', { john: 'Smith' }], // a value cannot cross a line break: the match starts later
    ['__proto__ x', { ['__proto__']: 'x' }], // stays a plain key
  ];
  for (const [text, expected] of cases) {
    it(`${JSON.stringify(text)}`, () => {
      const actual = entries(parseKeyValues(text));
      expect(Object.keys(actual)).to.have.members(Object.keys(expected));
      for (const key of Object.keys(expected)) {
        expect(actual[key], key).to.deep.equal(expected[key]);
      }
    });
  }
});

describe('isCompact', () => {
  const withTranslatedTiny: FormDefinition = {
    fields: { name: { type: 'string', labels: { short: 'Name', tiny: { en: 'N', sw: 'J' } } } },
  };
  const withPatternLabel: FormDefinition = {
    fields: { given: { type: 'boolean', labels: { short: 'Misoprostol?', tiny: 'MSP' } } },
  };
  const withBadPattern: FormDefinition = {
    fields: { weight: { type: 'integer', labels: { short: 'Weight (kg', tiny: 'W' } } },
  };
  const cases: Array<[label: string, definition: FormDefinition, text: string, locale: string, expected: boolean]> = [
    ['plain values', REGISTRATION, 'sarah 24 2012-03-12', 'en', true],
    ['value starting with a label letter', REGISTRATION, 'Norah 24', 'en', true],
    ['tiny label then space', REGISTRATION, 'n sarah a 24', 'en', false],
    ['short label then space', REGISTRATION, 'name sarah', 'en', false],
    ['label then digit', REGISTRATION, 'A24', 'en', false],
    ['the label alone', REGISTRATION, 'nt', 'en', false],
    ['a # makes key-value', REGISTRATION, 'sarah#24', 'en', false],
    ['empty text', REGISTRATION, '', 'en', false],
    ['tiny label of another locale', withTranslatedTiny, 'j sarah', 'en', true],
    ['tiny label of the locale', withTranslatedTiny, 'j sarah', 'sw', false],
    ['label used as a pattern: `?` makes the l optional', withPatternLabel, 'misoprosto 1', 'en', false],
    ['invalid pattern label matched literally', withBadPattern, 'weight (kg 3', 'en', false],
    ['no labels at all', { fields: { a: { type: 'string' } } }, 'x y', 'en', true],
  ];
  for (const [label, definition, text, locale, expected] of cases) {
    it(`${label}: ${JSON.stringify(text)} → ${expected}`, () => {
      expect(isCompact(definition, text, locale)).to.equal(expected);
    });
  }
});

describe('parseCompact', () => {
  const twoStrings: FormDefinition = {
    fields: { name: { type: 'string', labels: { tiny: 'N' } }, comment: { type: 'string', labels: { tiny: 'C' } } },
  };
  const cases: Array<[definition: FormDefinition, text: string, expected: Record<string, string>]> = [
    [REGISTRATION, 'sarah 24 2012-03-12', { name: 'sarah', age: '24', lmp: '2012-03-12' }],
    [REGISTRATION, '"Sarah Connor" 24', { name: 'Sarah Connor', age: '24' }],
    [REGISTRATION, '"Sarah "killer bee" Connor" 24 2012-03-12', { name: 'Sarah "killer bee" Connor', age: '24', lmp: '2012-03-12' }],
    [REGISTRATION, 'sarah 24 2012-03-12 reduced fetal movements', { name: 'sarah', age: '24', lmp: '2012-03-12', notes: 'reduced fetal movements' }],
    [twoStrings, 'sarah reduced fetal movements', { name: 'sarah', comment: 'reduced fetal movements' }],
    [STOCK, 'a b c d e f g h i', { site_id: 'a', year: 'b', month: 'c', resupplied: 'd', 'stock.ors': 'e', 'stock.zinc': 'f', 'stock.amox': 'g' }],
    [REGISTRATION, '"', {}],
    [REGISTRATION, '', {}],
  ];
  for (const [definition, text, expected] of cases) {
    it(JSON.stringify(text), () => {
      expect(entries(parseCompact(definition, text))).to.deep.equal(expected);
    });
  }
});
