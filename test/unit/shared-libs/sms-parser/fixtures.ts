import type { FormDefinition } from '../../../../shared-libs/sms-parser/src';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** A monthly stock report: key-value, muvuku and J1 messages; dotted keys; a list; a facility reference. */
export const STOCK: FormDefinition = {
  meta: { code: 'STK' },
  facility_reference: 'site_id',
  fields: {
    site_id: { type: 'string', required: true, labels: { short: 'Site', tiny: 'SID' } },
    year: { type: 'integer', required: true, labels: { short: 'Year', tiny: 'YR' } },
    month: {
      type: 'integer',
      required: true,
      labels: { short: 'Month', tiny: 'MO' },
      list: MONTHS.map((name, i) => [i + 1, { en: name, fr: `${name} (fr)` }] as const),
    },
    resupplied: { type: 'boolean', labels: { short: { en: 'Resupplied?' }, tiny: { en: 'RS', fr: 'RP' } } },
    'stock.ors': { type: 'integer', labels: { short: 'ORS in stock', tiny: 'ORS' } },
    'stock.zinc': { type: 'integer', labels: { short: 'Zinc in stock', tiny: 'ZN' } },
    'stock.amox': { type: 'integer', labels: { short: 'Amoxicillin in stock', tiny: 'AMX' } },
  },
};

/** A pregnancy registration, usually sent compact: `REG name age date notes…`. */
export const REGISTRATION: FormDefinition = {
  meta: { code: 'REG' },
  fields: {
    name: { type: 'string', required: true, labels: { short: 'Name', tiny: 'N' } },
    age: { type: 'integer', labels: { short: 'Age', tiny: 'A' } },
    lmp: { type: 'date', labels: { short: 'LMP date', tiny: 'D' } },
    notes: { type: 'string', labels: { short: 'Notes', tiny: 'NT' } },
  },
};

/** A visit report with an ID, a phone number and a type the parser leaves alone. */
export const VISIT: FormDefinition = {
  meta: { code: 'V' },
  fields: {
    patient_id: { type: 'string', required: true, labels: { short: 'Patient ID', tiny: 'ID' } },
    danger: { type: 'boolean', labels: { short: 'Danger signs', tiny: 'DS' } },
    phone: { type: 'phone_number', labels: { short: 'Phone', tiny: 'PH' } },
    next_visit: { type: 'bsDate', labels: { short: 'Next visit', tiny: 'NV' } },
  },
};

export const FORMS: Readonly<Record<string, FormDefinition>> = { STK: STOCK, REG: REGISTRATION, V: VISIT };

/** Milliseconds of a UTC date, for expected values. */
export const utc = (date: string): number => Date.parse(`${date}T00:00:00Z`);
