import { labelPattern } from './label-pattern';
import { translate } from './translate';
import type { FormDefinition } from './types';
import type { PairValue, RawData, RawValue } from './values';

/** `#` separates the key-value components of a textforms message. */
const BOUNDARY = /\s*#\s*/;
// One component: a key of letters, `_`, `.` or `*`; then optionally a date, a number (not starting
// with 0) and any other text, each separated by whitespace, `-` or `!`. Not anchored at the start,
// as in CHT: leading characters that cannot start a key are skipped.
const COMPONENT = /\s*([A-Za-z_.*]+)[\s\-!]*(\d{4}[-/]\d{1,2}[-/]\d{1,2})?[\s\-!]*([1-9][0-9]*(?:\.(?:\d+)?)?)?[\s\-!]*(.+?)?\s*$/;

/** Removes the form code (any case) and the separators after it from the start of a message. */
export const stripFormCode = (code: unknown, text: string): string => {
  if (typeof code !== 'string') {
    return text;
  }
  const escaped = code.replace(/[-/\\^$*+?.()|[\]{}]/g, '\\$&');
  return text.replace(new RegExp(`^\\s*${escaped}[\\s!\\-,:#]*`, 'i'), '');
};

/**
 * A date written in a textforms component, in milliseconds. CHT reads it with JavaScript's
 * `Date` in the server's time zone; this reads it as UTC (CHT's usual server setting), so
 * results do not depend on where the code runs.
 */
const textformsDate = (text: string): number => Date.parse(`${text} UTC`);

// Repeating a key turns its value into a list of every value, in order.
const setResult = (results: RawData, key: string, value: RawValue | PairValue): void => {
  const lower = key.toLowerCase();
  const existing = results.get(lower);
  if (existing === undefined) {
    results.set(lower, typeof value === 'object' && !Array.isArray(value) ? value.values.join('') : value);
  } else if (Array.isArray(existing)) {
    existing.push(value);
  } else {
    results.set(lower, [existing, value]);
  }
};

/**
 * Key-value textforms: `#`-separated components, each a key then a value. Keys are lower-cased.
 * A number right after the key becomes a number (`CDT 33` → 33); a number followed by text is kept
 * as text without the separator (`ID 123 456` → `'123456'`); a date becomes milliseconds.
 */
export const parseKeyValues = (text: string): RawData => {
  const results: RawData = new Map();
  for (const component of text.split(BOUNDARY)) {
    const match = COMPONENT.exec(component);
    if (!match) {
      continue;
    }
    const [, key, date, numeric] = match;
    const other = match[4] !== undefined && match[4].trim() !== '' ? match[4] : undefined;
    if (other !== undefined && numeric !== undefined) {
      setResult(results, key, { type: 'pair', values: [numeric, other] });
    } else if (numeric !== undefined) {
      setResult(results, key, parseFloat(numeric));
    } else if (date !== undefined) {
      setResult(results, key, textformsDate(date));
    } else {
      setResult(results, key, other);
    }
  }
  return results;
};

const startsWithLabel = (text: string, label: string | undefined): boolean => {
  if (!text || !label) {
    return false;
  }
  return text.toLowerCase() === label.toLowerCase() || labelPattern('^', label, '[\\s0-9]').test(text);
};

/**
 * A message is compact (positional) unless it has `#` separators or starts with one of the form's
 * tiny or short labels followed by whitespace or a digit.
 */
export const isCompact = (definition: FormDefinition, text: string, locale: string): boolean => {
  if (!text || !definition.fields) {
    return false;
  }
  const components = text.split(BOUNDARY);
  if (components.length !== 1) {
    return false;
  }
  const labels = Object.values(definition.fields).flatMap(field => [
    translate(field.labels?.tiny, locale),
    translate(field.labels?.short, locale),
  ]);
  return !labels.some(label => startsWithLabel(components[0], label));
};

const QUOTED_OR_WORD = /"[^"]+"|[^"\s]+/g;
const GREEDY_QUOTED_OR_WORD = /".+"|[^"\s]+/g;

/**
 * Compact textforms: space-separated values in the order of the form's fields. Double quotes
 * group words; a last field of type string takes the rest of the message.
 */
export const parseCompact = (definition: FormDefinition, text: string): RawData => {
  const results: RawData = new Map();
  const fields = definition.fields;
  if (!text || !fields) {
    return results;
  }
  const keys = Object.keys(fields);
  let values = text.match(QUOTED_OR_WORD) ?? [];
  if (values.length > keys.length) {
    values = text.match(GREEDY_QUOTED_OR_WORD) ?? [];
  }
  for (let i = 0; i < keys.length && values.length > 0; i++) {
    const key = keys[i];
    let value = i === keys.length - 1 && fields[key].type === 'string' ? values.join(' ') : (values.shift() as string);
    if (value.charAt(0) === '"' && value.charAt(value.length - 1) === '"') {
      value = value.substring(1, value.length - 1);
    }
    if (!results.has(key)) {
      results.set(key, value);
    }
  }
  return results;
};
