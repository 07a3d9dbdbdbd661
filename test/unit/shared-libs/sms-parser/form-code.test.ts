import { expect } from 'chai';
import { getFormCode } from '../../../../shared-libs/sms-parser/src';
import { detectForm } from '../../../../shared-libs/sms-parser/src/form-code';
import { FORMS } from './fixtures';

describe('getFormCode', () => {
  const cases: Array<[text: unknown, expected: string | undefined]> = [
    ['STK SID1', 'STK'],
    ['stk SID1', 'STK'],
    ['STK', 'STK'],
    ['STK-SID1', 'STK'],
    ['STK,SID1', 'STK'],
    ['STK:SID1', 'STK'],
    ['STK#SID#1', 'STK'],
    ['STK!SID1', 'STK'], // a single ! is a separator
    ['  \n STK SID1', 'STK'],
    ['1!STK!a#b', 'STK'], // muvuku: second part
    ['J1!stk!SID#1', 'STK'],
    ['hello! world! again', ' WORLD'], // two ! make any text muvuku-like, spaces kept
    ['!!', ''],
    ['द CDT33', 'द'],
    ['the sms message content', 'THE'],
    ['', undefined],
    ['   ', undefined],
    ['#', undefined],
    [undefined, undefined],
    [42, undefined],
  ];
  for (const [text, expected] of cases) {
    it(`${JSON.stringify(text)} → ${JSON.stringify(expected)}`, () => {
      expect(getFormCode(text)).to.equal(expected);
    });
  }
});

describe('detectForm', () => {
  const settings = { forms: FORMS };
  const cases: Array<{ label: string; text: string; code?: string; found: boolean; parsed: string }> = [
    { label: 'known code', text: 'STK 1', code: 'STK', found: true, parsed: 'STK 1' },
    { label: 'unknown code', text: 'XYZ 1', code: 'XYZ', found: false, parsed: 'XYZ 1' },
    { label: 'zero-width space inside the code', text: 'S\u200BTK 1', code: 'STK', found: true, parsed: 'STK 1' },
    { label: 'BOM before the code counts as whitespace', text: '\uFEFFREG jane', code: 'REG', found: true, parsed: '\uFEFFREG jane' },
    { label: 'joiners inside a muvuku code', text: '1!S\u200CT\u200DK!x', code: 'STK', found: true, parsed: '1!STK!x' },
    { label: 'cleaned code still unknown: code kept with its characters', text: 'X\u200BY 1', code: 'X\u200BY', found: false, parsed: 'X\u200BY 1' },
    { label: 'lower-case code with zero-width: text not rewritten (case-sensitive replace)', text: 's\u200Btk 1', code: 'STK', found: true, parsed: 's\u200Btk 1' },
  ];
  for (const { label, text, code, found, parsed } of cases) {
    it(label, () => {
      const detected = detectForm(settings, text);
      expect(detected.code).to.equal(code);
      expect(detected.definition !== undefined).to.equal(found);
      expect(detected.text).to.equal(parsed);
    });
  }
});
