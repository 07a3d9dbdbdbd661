import { normalizePhoneNumber } from '../../phone/src';
import { stripInvisible } from './form-code';
import { translate } from './translate';
import type { FieldType, FormField, SmsParserSettings, StoredValue } from './types';
import { parseDateText } from './dates';
import { RawValue, rawToString, standardiseDigits } from './values';

/** Field keys whose string values are IDs: invisible characters removed and digits standardised. */
const ID_KEYS: ReadonlySet<string> = new Set(['patient_id', 'place_id']);

// JavaScript's Number() of the text, Devanagari digits accepted; not a finite number → null.
const parseNumber = (raw: RawValue): number | null => {
  const text = standardiseDigits(rawToString(raw));
  const value = Number(text);
  return text === '' || !Number.isFinite(value) ? null : value;
};

const cleaned = (raw: RawValue): RawValue => (typeof raw === 'string' ? stripInvisible(raw) : raw);

/** Converts any raw value (pairs and lists included) into what JSON would store for it. */
export const toStored = (raw: RawValue): StoredValue => {
  if (raw === undefined) {
    return null;
  }
  if (Array.isArray(raw)) {
    return raw.map(toStored);
  }
  if (typeof raw === 'object') {
    return { type: raw.type, values: [...raw.values] };
  }
  if (typeof raw === 'number' && !Number.isFinite(raw)) {
    return null;
  }
  return raw;
};

type Converter = (raw: RawValue, field: FormField, key: string, settings: SmsParserSettings) => StoredValue;

const listLabel = (field: FormField, code: string, settings: SmsParserSettings): StoredValue | undefined => {
  const item = field.list?.find(entry => String(entry[0]) === code);
  return item ? (translate(item[1], settings.locale) ?? null) : undefined;
};

const CONVERTERS: Readonly<Partial<Record<FieldType, Converter>>> = {
  integer: (raw, field, _key, settings) => {
    const text = stripInvisible(rawToString(raw));
    if (field.list) {
      return listLabel(field, text, settings) ?? null;
    }
    return parseNumber(text);
  },
  string: (raw, field, key, settings) => {
    if (field.list) {
      // An unknown code is kept as sent.
      return listLabel(field, rawToString(cleaned(raw)), settings) ?? toStored(raw);
    }
    if (ID_KEYS.has(key)) {
      return standardiseDigits(rawToString(cleaned(raw)));
    }
    return toStored(raw);
  },
  date: raw => {
    const value = cleaned(raw);
    if (typeof value === 'number') {
      return Number.isFinite(value) ? value : null;
    }
    return typeof value === 'string' ? parseDateText(value) : null;
  },
  boolean: raw => {
    const value = parseNumber(cleaned(raw));
    return value === 1 ? true : value === 0 ? false : null;
  },
  month: raw => parseNumber(cleaned(raw)),
  phone_number: (raw, _field, _key, settings) => {
    const text = standardiseDigits(rawToString(raw));
    return normalizePhoneNumber(settings, text) || text;
  },
};

/**
 * Converts a raw value by field type, as CHT's SMS parser does. Types without a converter (e.g.
 * `bsDate`, `custom`) keep the raw value. For the others an absent value stays absent
 * (`undefined`) and an empty one is `null`.
 */
export const convertField = (field: FormField, raw: RawValue, key: string, settings: SmsParserSettings): StoredValue | undefined => {
  const converter = field.type ? CONVERTERS[field.type] : undefined;
  if (!converter) {
    return raw === undefined ? undefined : toStored(raw);
  }
  if (raw === undefined) {
    return undefined;
  }
  if (raw === '') {
    return null;
  }
  return converter(raw, field, key, settings);
};
