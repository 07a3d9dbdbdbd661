import { expect } from 'chai';
import { muvukuKind, parseJavarosa, parsePositional } from '../../../../shared-libs/sms-parser/src/muvuku';
import type { FormDefinition } from '../../../../shared-libs/sms-parser/src';
import { STOCK } from './fixtures';

describe('muvukuKind', () => {
  const cases: Array<[text: string, expected: string | undefined]> = [
    ['1!STK!x', 'positional'],
    ['  1!STK!x#y', 'positional'],
    ['J1!STK!SID#x', 'javarosa'],
    ['j1!STK!SID#x', 'javarosa'],
    ['A1!STK!x', 'unsupported'],
    ['Z9!a!y', 'unsupported'],
    ['1!ग!x', 'positional'],
    ['1!STK!\t\n 0', 'positional'],
    ['41!a!s', undefined], // parser code: at most one letter then one digit
    ['4T!a!s', undefined],
    ['1?STK!x', undefined],
    ['1!a!', undefined], // a body is required
    ['STK SID 1', undefined],
  ];
  for (const [text, expected] of cases) {
    it(`${JSON.stringify(text)} → ${expected}`, () => {
      expect(muvukuKind(text)).to.equal(expected);
    });
  }
});

describe('parsePositional', () => {
  const cases: Array<[text: string, values: Record<string, string | undefined>, extra: boolean]> = [
    ['1!STK!site#2011#11#0#1#2#3', { site_id: 'site', year: '2011', month: '11', resupplied: '0', 'stock.ors': '1', 'stock.zinc': '2', 'stock.amox': '3' }, false],
    ['1!STK!site#2011', { site_id: 'site', year: '2011', month: undefined, resupplied: undefined, 'stock.ors': undefined, 'stock.zinc': undefined, 'stock.amox': undefined }, false],
    ['1!STK!site#2011#11#0#1#2#3#4', { site_id: 'site', year: '2011', month: '11', resupplied: '0', 'stock.ors': '1', 'stock.zinc': '2', 'stock.amox': '3' }, true],
    ['1!STK!a!b#  2011 \n#', { site_id: 'a!b', year: '2011', month: '', resupplied: undefined, 'stock.ors': undefined, 'stock.zinc': undefined, 'stock.amox': undefined }, false],
    ['1!STK#x!y', { site_id: undefined, year: 'x!y', month: undefined, resupplied: undefined, 'stock.ors': undefined, 'stock.zinc': undefined, 'stock.amox': undefined }, false],
  ];
  for (const [text, values, extra] of cases) {
    it(JSON.stringify(text), () => {
      const parsed = parsePositional(STOCK, text);
      expect(Object.fromEntries(parsed.data)).to.deep.equal(values);
      expect(parsed.extraFields).to.equal(extra);
      expect(parsed.allFields).to.equal(true);
    });
  }
});

describe('parseJavarosa', () => {
  const similar: FormDefinition = {
    fields: {
      problem: { type: 'string', labels: { tiny: 'P' } },
      meta_problem: { type: 'string', labels: { tiny: 'MetaP' } },
      untagged: { type: 'string' },
    },
  };
  const cases: Array<[definition: FormDefinition, text: string, values: Record<string, string>]> = [
    [STOCK, 'J1!STK!SID#site#YR#2011#MO#11', { site_id: 'site', year: '2011', month: '11' }],
    [STOCK, 'J1!STK!ZN#4#sid#site#ORS#5', { site_id: 'site', 'stock.ors': '5', 'stock.zinc': '4' }],
    [STOCK, 'J1!STK!SID#fa\\\\cility\\#2\\#3#ZN#7', { site_id: 'fa\\\\cility#2#3', 'stock.zinc': '7' }],
    [STOCK, 'J1!STK!SID#!si*!?te!#YR#2015', { site_id: '!si*!?te!', year: '2015' }],
    [STOCK, 'J1!STK!RS#1', { resupplied: '1' }],
    [similar, 'J1!T!p #Bar#  metap#foo', { problem: 'Bar', meta_problem: 'foo' }],
    [similar, 'J1!T!one#two#p', {}], // a label without value binds nothing
  ];
  for (const [definition, text, values] of cases) {
    it(JSON.stringify(text), () => {
      const parsed = parseJavarosa(definition, text, 'en');
      expect(Object.fromEntries(parsed.data)).to.deep.equal(values);
      expect(parsed.allFields).to.equal(true);
    });
  }
});
