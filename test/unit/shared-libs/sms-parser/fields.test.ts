import { expect } from 'chai';
import { convertField } from '../../../../shared-libs/sms-parser/src/fields';
import type { FormField, SmsParserSettings, StoredValue } from '../../../../shared-libs/sms-parser/src';
import type { RawValue } from '../../../../shared-libs/sms-parser/src/values';
import { utc } from './fixtures';

const integer: FormField = { type: 'integer' };
const list: FormField = { type: 'integer', list: [[0, { en: 'No', fr: 'Non' }], [1, { en: 'Yes', fr: 'Oui' }], [2, 'label.key']] };
const stringList: FormField = { type: 'string', list: [['F', { en: 'Facility' }], ['H', { en: 'Home' }]] };
const NEPAL: SmsParserSettings = { default_country_code: 977 };

interface Case {
  label: string;
  field: FormField;
  raw: RawValue;
  key?: string;
  settings?: SmsParserSettings;
  expected: StoredValue | undefined;
}

const cases: Case[] = [
  { label: 'integer', field: integer, raw: '42', expected: 42 },
  { label: 'integer from a textforms number', field: integer, raw: 42, expected: 42 },
  { label: 'integer with spaces', field: integer, raw: ' 42 ', expected: 42 },
  { label: 'integer, Devanagari digits', field: integer, raw: '२०१२', expected: 2012 },
  { label: 'integer, zero-width characters removed', field: integer, raw: '19\u200C99', expected: 1999 },
  { label: 'integer, decimal kept (validation flags it)', field: integer, raw: '2.5', expected: 2.5 },
  { label: 'integer, hexadecimal as JavaScript reads it', field: integer, raw: '0x10', expected: 16 },
  { label: 'integer, not a number', field: integer, raw: 'abc', expected: null },
  { label: 'integer, absent', field: integer, raw: undefined, expected: undefined },
  { label: 'integer, empty', field: integer, raw: '', expected: null },
  { label: 'integer, repeated key', field: integer, raw: [1, 2], expected: null },
  { label: 'integer list → label', field: list, raw: '1', expected: 'Yes' },
  { label: 'integer list, code 0', field: list, raw: '0', expected: 'No' },
  { label: 'integer list, locale', field: list, raw: '0', settings: { locale: 'fr' }, expected: 'Non' },
  { label: 'integer list, string label is a translation key kept as is', field: list, raw: '2', expected: 'label.key' },
  { label: 'integer list, unknown code', field: list, raw: '7', expected: null },
  { label: 'integer list, zero-width inside the code', field: list, raw: '1\u200D', expected: 'Yes' },
  { label: 'string', field: { type: 'string' }, raw: 'Faci\u200Clity', expected: 'Faci\u200Clity' },
  { label: 'string keeps a textforms number as a number', field: { type: 'string' }, raw: 123, expected: 123 },
  { label: 'patient_id: digits standardised, invisible characters removed', field: { type: 'string' }, raw: '०३१7\u200B7', key: 'patient_id', expected: '03177' },
  { label: 'place_id from a textforms number becomes text', field: { type: 'string' }, raw: 12345, key: 'place_id', expected: '12345' },
  { label: 'string list → label', field: stringList, raw: 'H', expected: 'Home' },
  { label: 'string list, unknown code kept', field: stringList, raw: 'X', expected: 'X' },
  { label: 'boolean 1', field: { type: 'boolean' }, raw: '1', expected: true },
  { label: 'boolean 0', field: { type: 'boolean' }, raw: '0', expected: false },
  { label: 'boolean from a number', field: { type: 'boolean' }, raw: 1, expected: true },
  { label: 'boolean, other value', field: { type: 'boolean' }, raw: 'yes', expected: null },
  { label: 'boolean, 2', field: { type: 'boolean' }, raw: '2', expected: null },
  { label: 'month', field: { type: 'month' }, raw: '10', expected: 10 },
  { label: 'date, ISO', field: { type: 'date' }, raw: '2012-03-12', expected: utc('2012-03-12') },
  { label: 'date, from textforms milliseconds', field: { type: 'date' }, raw: 1331510400000, expected: 1331510400000 },
  { label: 'date, invalid day', field: { type: 'date' }, raw: '2012-02-30', expected: null },
  { label: 'date, words', field: { type: 'date' }, raw: 'yesterday', expected: null },
  { label: 'date, NaN from textforms', field: { type: 'date' }, raw: NaN, expected: null },
  { label: 'phone number normalised', field: { type: 'phone_number' }, raw: '9841202020', settings: NEPAL, expected: '+9779841202020' },
  { label: 'phone number with +', field: { type: 'phone_number' }, raw: '+254773087889', settings: NEPAL, expected: '+254773087889' },
  { label: 'phone number, Devanagari digits', field: { type: 'phone_number' }, raw: '+९७७९८४१२३२३२३', settings: NEPAL, expected: '+9779841232323' },
  { label: 'invalid phone number kept, digits standardised', field: { type: 'phone_number' }, raw: '९८४१२३', settings: NEPAL, expected: '984123' },
  { label: 'invalid phone number kept as sent', field: { type: 'phone_number' }, raw: '+97712312', settings: NEPAL, expected: '+97712312' },
  { label: 'type without converter keeps the raw text', field: { type: 'bsDate' }, raw: '2068-11-29', expected: '2068-11-29' },
  { label: 'type without converter keeps an empty text', field: { type: 'custom' }, raw: '', expected: '' },
  { label: 'no type keeps the raw text', field: {}, raw: 'x', expected: 'x' },
  { label: 'no type, absent', field: {}, raw: undefined, expected: undefined },
];

describe('convertField', () => {
  for (const { label, field, raw, key = 'value', settings = {}, expected } of cases) {
    it(label, () => {
      expect(convertField(field, raw, key, settings)).to.deep.equal(expected);
    });
  }
});
