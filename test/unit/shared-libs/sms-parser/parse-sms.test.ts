import { expect } from 'chai';
import { parseSms, SmsParserSettings, SmsRecordParts } from '../../../../shared-libs/sms-parser/src';
import { FORMS, utc } from './fixtures';

const SETTINGS: SmsParserSettings = { forms: FORMS, default_country_code: 254 };
const FORMS_ONLY: SmsParserSettings = { ...SETTINGS, forms_only_mode: true };

const EMPTY = { code: 'sys.empty', message: 'Message appears empty.' } as const;
const EXTRA = { code: 'extra_fields', message: 'Extra fields.' } as const;
const missing = (...fields: string[]) => ({ code: 'sys.missing_fields', message: `Missing or invalid fields: ${fields.join(',')}.` }) as const;
const incorrect = (key: string, type: string) => ({ code: 'sys.incorrect_type', message: `Incorrect type of field ${key}, expected ${type}.` }) as const;
const notFound = (form: string) => ({ code: 'sys.form_not_found', message: `Form '${form}' not found.` }) as const;

interface Case {
  label: string;
  text: string;
  settings?: SmsParserSettings;
  expected: SmsRecordParts;
}

const FREE_TEXT: Case[] = [
  { label: 'free text: no form, the first word is still recorded', text: 'the sms message content', expected: { smsForm: 'THE', fields: {}, errors: [] } },
  { label: 'free text in forms-only mode', text: 'hello there', settings: FORMS_ONLY, expected: { form: 'HELLO', smsForm: 'HELLO', fields: {}, errors: [notFound('HELLO')] } },
  { label: 'whitespace only', text: ' \n\t ', expected: { fields: {}, errors: [EMPTY] } },
  { label: 'whitespace only, forms-only mode: empty form in the message', text: '  ', settings: FORMS_ONLY, expected: { fields: {}, errors: [EMPTY, notFound('')] } },
  { label: 'empty text', text: '', expected: { fields: {}, errors: [EMPTY] } },
  { label: 'no forms configured', text: 'STK SID x', settings: {}, expected: { smsForm: 'STK', fields: {}, errors: [] } },
  { label: 'two ! make any text muvuku-like', text: 'STK! SID! x', expected: { smsForm: ' SID', fields: {}, errors: [] } },
];

const TEXTFORMS: Case[] = [
  {
    label: 'key-value with tiny labels, numbers and a list',
    text: 'STK SID kibera#YR 2024#MO 11#ORS 33#ZN 0',
    expected: {
      form: 'STK', smsForm: 'STK', refid: 'KIBERA',
      fields: { site_id: 'kibera', year: 2024, month: 'November', stock: { ors: 33, zinc: 0 } },
      errors: [],
    },
  },
  {
    label: 'key-value without spaces, lower-case code',
    text: 'stk SID001#YR2024#MO1#AMX12',
    expected: { form: 'STK', smsForm: 'STK', refid: '001', fields: { site_id: '001', year: 2024, month: 'January', stock: { amox: 12 } }, errors: [] },
  },
  {
    label: 'field keys work as labels too',
    text: 'STK#site_id x#year 2024#month 2#stock.zinc 5',
    expected: { form: 'STK', smsForm: 'STK', refid: 'X', fields: { site_id: 'x', year: 2024, month: 'February', stock: { zinc: 5 } }, errors: [] },
  },
  {
    label: 'missing required fields, one error listing them',
    text: 'STK ORS 3',
    expected: { form: 'STK', smsForm: 'STK', fields: { stock: { ors: 3 } }, errors: [missing('site_id', 'year', 'month')] },
  },
  {
    label: 'a numeric site id is a number: incorrect type',
    text: 'STK SID 123#YR 2024#MO 3',
    expected: { form: 'STK', smsForm: 'STK', refid: 123, fields: { site_id: 123, year: 2024, month: 'March' }, errors: [incorrect('site_id', 'string')] },
  },
  {
    label: 'decimal year: incorrect type',
    text: 'STK SID a#YR 2024.5#MO 3',
    expected: { form: 'STK', smsForm: 'STK', refid: 'A', fields: { site_id: 'a', year: 2024.5, month: 'March' }, errors: [incorrect('year', 'integer')] },
  },
  {
    label: 'without # the first label takes the rest of the message',
    text: 'STK ORS 33 SID foo YR 2024',
    expected: { form: 'STK', smsForm: 'STK', fields: { stock: { ors: null } }, errors: [missing('site_id', 'year', 'month')] },
  },
  {
    label: 'boolean through a translated tiny label',
    text: 'STK SID a#YR 2024#MO 3#RS 1',
    expected: { form: 'STK', smsForm: 'STK', refid: 'A', fields: { site_id: 'a', year: 2024, month: 'March', resupplied: true }, errors: [] },
  },
  {
    label: 'settings locale picks tiny labels and list labels',
    text: 'STK SID a#YR 2024#MO 3#RP 1',
    settings: { ...SETTINGS, locale: 'fr' },
    expected: { form: 'STK', smsForm: 'STK', refid: 'A', fields: { site_id: 'a', year: 2024, month: 'March (fr)', resupplied: true }, errors: [] },
  },
  {
    label: 'Devanagari digits: converted for numbers, not for list codes',
    text: 'STK SID a#YR २०२४#MO ३',
    expected: { form: 'STK', smsForm: 'STK', refid: 'A', fields: { site_id: 'a', year: 2024, month: null }, errors: [missing('month')] },
  },
  {
    label: 'unknown list code: null, so a required field is missing',
    text: 'STK SID a#YR 2024#MO 13',
    expected: { form: 'STK', smsForm: 'STK', refid: 'A', fields: { site_id: 'a', year: 2024, month: null }, errors: [missing('month')] },
  },
];

const COMPACT: Case[] = [
  {
    label: 'compact: values in field order, last string takes the rest',
    text: 'REG sarah 24 2012-03-12 reduced fetal movements',
    expected: { form: 'REG', smsForm: 'REG', fields: { name: 'sarah', age: 24, lmp: utc('2012-03-12'), notes: 'reduced fetal movements' }, errors: [] },
  },
  {
    label: 'compact with quotes',
    text: 'REG "Sarah Connor" 24',
    expected: { form: 'REG', smsForm: 'REG', fields: { name: 'Sarah Connor', age: 24 }, errors: [] },
  },
  {
    label: 'compact with a mismatched type',
    text: 'REG sarah abc 2012-03-12',
    expected: { form: 'REG', smsForm: 'REG', fields: { name: 'sarah', age: null, lmp: utc('2012-03-12') }, errors: [] },
  },
  {
    label: 'compact after # or ! or -',
    text: 'REG#sarah',
    expected: { form: 'REG', smsForm: 'REG', fields: { name: 'sarah' }, errors: [] },
  },
  {
    label: 'a value starting like a label is still compact',
    text: 'REG North West',
    expected: { form: 'REG', smsForm: 'REG', fields: { name: 'North', age: null }, errors: [] },
  },
  {
    label: 'code only: required field missing',
    text: 'REG',
    expected: { form: 'REG', smsForm: 'REG', fields: {}, errors: [missing('name')] },
  },
  {
    label: 'zero-width characters: code cleaned, IDs stripped, strings kept',
    text: 'V\u200B 12\u200B345 1 0712345678 2081-01-15',
    expected: { form: 'V', smsForm: 'V', fields: { patient_id: '12345', danger: true, phone: '+254712345678', next_visit: '2081-01-15' }, errors: [] },
  },
  {
    label: 'invalid phone kept as sent',
    text: 'V 12345 0 12345',
    expected: { form: 'V', smsForm: 'V', fields: { patient_id: '12345', danger: false, phone: '12345' }, errors: [] },
  },
];

const MUVUKU: Case[] = [
  {
    label: 'muvuku: positional, all fields',
    text: '1!STK!kibera#2024#11#0#1#2#3',
    expected: {
      form: 'STK', smsForm: 'STK', refid: 'KIBERA',
      fields: { site_id: 'kibera', year: 2024, month: 'November', resupplied: false, stock: { ors: 1, zinc: 2, amox: 3 } },
      errors: [],
    },
  },
  {
    label: 'muvuku: absent values leave an empty object for dotted keys',
    text: '1!STK!kibera',
    expected: { form: 'STK', smsForm: 'STK', refid: 'KIBERA', fields: { site_id: 'kibera', stock: {} }, errors: [missing('year', 'month')] },
  },
  {
    label: 'muvuku: empty values are null',
    text: '1!STK!kibera#2024#11##',
    expected: { form: 'STK', smsForm: 'STK', refid: 'KIBERA', fields: { site_id: 'kibera', year: 2024, month: 'November', resupplied: null, stock: { ors: null } }, errors: [] },
  },
  {
    label: 'muvuku: extra values',
    text: '1!STK!kibera#2024#11#0#1#2#3#4#5',
    expected: {
      form: 'STK', smsForm: 'STK', refid: 'KIBERA',
      fields: { site_id: 'kibera', year: 2024, month: 'November', resupplied: false, stock: { ors: 1, zinc: 2, amox: 3 } },
      errors: [EXTRA],
    },
  },
  {
    label: 'J1: values by tiny label, in any order',
    text: 'J1!STK!ZN#4#MO#12#SID#kibera#YR#2023',
    expected: { form: 'STK', smsForm: 'STK', refid: 'KIBERA', fields: { site_id: 'kibera', year: 2023, month: 'December', stock: { zinc: 4 } }, errors: [] },
  },
  {
    label: 'unsupported muvuku parser code: no fields',
    text: 'A1!STK!kibera#2024',
    expected: { form: 'STK', smsForm: 'STK', fields: {}, errors: [missing('site_id', 'year', 'month')] },
  },
  {
    label: 'muvuku with a zero-width code',
    text: '1!ST\u200BK!kibera#2024#5',
    expected: { form: 'STK', smsForm: 'STK', refid: 'KIBERA', fields: { site_id: 'kibera', year: 2024, month: 'May', stock: {} }, errors: [] },
  },
];

describe('parseSms', () => {
  for (const [group, cases] of [['free text', FREE_TEXT], ['textforms', TEXTFORMS], ['compact', COMPACT], ['muvuku', MUVUKU]] as const) {
    describe(group, () => {
      for (const { label, text, settings = SETTINGS, expected } of cases) {
        it(`${label}: ${JSON.stringify(text)}`, () => {
          expect(parseSms(settings, text)).to.deep.equal(expected);
        });
      }
    });
  }

  it('returns what JSON would store: no undefined values anywhere', () => {
    const parts = parseSms(SETTINGS, '1!STK!kibera');
    expect(JSON.parse(JSON.stringify(parts))).to.deep.equal(parts);
  });
});
